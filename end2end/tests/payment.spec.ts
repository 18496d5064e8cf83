import { expect, Page, Browser } from '@playwright/test';
import { test, arriveAs, ensureAddress, enterOwnAccount, expectHttpError, newOpenid } from './fixtures';
import { sandboxURL, useepayShopURL } from '../playwright.config';

// Paying needs WeChat's bridge, which only exists with JavaScript; the no-JS project
// covers browsing and the cart.
test.skip(({ javaScriptEnabled }) => javaScriptEnabled === false, 'paying needs JavaScript');

const MERCHANT = 'SANDBOX-MERCHANT-001';

/// Enters the shop as WeChat would: the gateway's OAuth entry, then the container, which
/// serves the shop's pages from the gateway's origin.
async function enterContainer(page: Page, openid: string, returnTo = '/') {
  const entry = `${sandboxURL}/mp_pay/oauth?merchant_no=${MERCHANT}&currency=HKD` +
    `&return_to=${encodeURIComponent(returnTo)}&sandbox_openid=${openid}`;
  await page.goto(entry);
  await expect(page).toHaveURL(new RegExp(`^${sandboxURL}${returnTo === '/' ? '/' : returnTo}`));
}

/// The payment journeys run against both gateways: how a buyer enters, where the shop's
/// pages are, and where the gateway's stand-in is.
const GATEWAYS = [
  { name: 'Wisecashier', enter: enterContainer, origin: sandboxURL, stand_in: sandboxURL },
  { name: 'UseePay', enter: enterOwnAccount, origin: useepayShopURL, stand_in: `${sandboxURL}/useepay` },
];

async function buy(page: Page, category: string, title: string) {
  await page.getByRole('link', { name: category, exact: true }).click();
  await page.getByTestId('product-card').filter({ hasText: title }).getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
  await expect(page.getByTestId('add-to-cart')).toHaveAttribute('data-ready', '');
  await page.getByTestId('add-to-cart').click();
  await expect(page.getByTestId('cart-badge')).toHaveText('1');
  await page.getByRole('link', { name: '购物车' }).click();
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
}

async function checkout(page: Page) {
  await ensureAddress(page);
  await expect(page.getByTestId('checkout')).toHaveAttribute('data-ready', '');
  await page.getByTestId('checkout').click();
  await expect(page.getByTestId('sandbox-pay')).toBeEnabled();
}

async function setFaults(page: Page, faults: object, standIn = sandboxURL) {
  const res = await page.request.post(`${standIn}/__sandbox/faults`, { data: faults });
  expect(res.ok()).toBeTruthy();
}

for (const gw of GATEWAYS) test.describe(gw.name, () => {

test('a buyer in WeChat checks out, pays in the pay sheet, and sees the order paid', async ({ page, consoleProblems }) => {
  const openid = newOpenid();
  await gw.enter(page, openid);
  await buy(page, '零食', '黑芝麻糊 即冲 10 包');
  // Wisecashier: the page runs at the gateway's origin, cross-origin from the shop.
  // UseePay: on the merchant's own domain.
  expect(new URL(page.url()).origin).toBe(gw.origin);
  await checkout(page);
  await expect(page.getByTestId('sandbox-sheet-amount')).toHaveText('HKD 32.50');
  await page.getByTestId('sandbox-pay').click();

  await expect(page).toHaveURL(/\/orders\/S\d+/);
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'paid', { timeout: 20_000 });
  await expect(page.getByTestId('order-notice')).toHaveText('支付成功，商家将尽快为您发货。');
  await expect(page.getByTestId('order-total')).toHaveText('HK$32.50');
  await expect(page.getByTestId('timeline').locator('li')).toHaveCount(3);
  // Where it goes: the address chosen at checkout, kept with the order.
  await expect(page.getByTestId('order-ship-to')).toContainText('张三');
  await expect(page.getByTestId('order-ship-to')).toContainText('广东省 深圳市 南山区 科技园南区 1 栋 101');

  // The cart is empty now, and the order is in the buyer's list.
  await expect(page.getByTestId('cart-badge')).toHaveCount(0);
  await page.getByTestId('my-orders').click();
  await expect(page.getByTestId('order-row')).toHaveCount(1);
  await expect(page.getByTestId('order-row').getByTestId('order-status')).toHaveText('已支付');
});

test('cancelling in the pay sheet keeps the order payable, and paying again settles it', async ({ page, consoleProblems }) => {
  await gw.enter(page, newOpenid());
  await buy(page, '生活好物', '棉麻环保购物袋');
  await checkout(page);
  await page.getByTestId('sandbox-cancel').click();
  await expect(page).toHaveURL(/\/orders\/S\d+\?pay=cancel/);
  await expect(page.getByTestId('order-notice')).toContainText('您已取消支付');
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'awaiting_payment');

  await expect(page.getByTestId('order-actions')).toHaveAttribute('data-ready', '');
  await page.getByTestId('pay-again').click();
  await expect(page.getByTestId('sandbox-pay')).toBeEnabled();
  await page.getByTestId('sandbox-pay').click();
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'paid', { timeout: 20_000 });
});

test('a failed payment leaves the order payable; cancelling it puts the stock back', async ({ page, consoleProblems }) => {
  await gw.enter(page, newOpenid());
  await page.getByRole('link', { name: '生活好物', exact: true }).click();
  await page.getByTestId('product-card').filter({ hasText: '白茶香薰蜡烛' }).getByRole('link').click();
  const stock = page.getByTestId('stock');
  const before = Number((await stock.textContent())?.match(/\d+/)?.[0]);
  await page.getByTestId('add-to-cart').click();
  await expect(page.getByTestId('cart-badge')).toHaveText('1');
  await page.getByRole('link', { name: '购物车' }).click();
  await checkout(page);
  await page.getByTestId('sandbox-fail').click();
  await expect(page).toHaveURL(/\?pay=fail/);
  await expect(page.getByTestId('order-notice')).toContainText('支付未成功');
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'awaiting_payment');
  const orderUrl = page.url();

  // The order holds one unit while it can be paid.
  await page.goto(`${gw.origin}/`);
  await page.getByRole('link', { name: '生活好物', exact: true }).click();
  await page.getByTestId('product-card').filter({ hasText: '白茶香薰蜡烛' }).getByRole('link').click();
  await expect(stock).toContainText(String(before - 1));

  await page.goto(orderUrl);
  await expect(page.getByTestId('order-actions')).toHaveAttribute('data-ready', '');
  await page.getByTestId('cancel-order').click();
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'cancelled');
  await expect(page.getByTestId('order-notice')).toHaveText('订单已取消，商品库存已释放。');
  await page.goto(`${gw.origin}/`);
  await page.getByRole('link', { name: '生活好物', exact: true }).click();
  await page.getByTestId('product-card').filter({ hasText: '白茶香薰蜡烛' }).getByRole('link').click();
  await expect(stock).toContainText(String(before));
});

test('when the gateway fails at checkout the buyer is told, and the cart and stock are kept', async ({ page, consoleProblems }) => {
  // An unreachable gateway answers 503 Service Unavailable with the typed error.
  expectHttpError(503);
  const openid = newOpenid();
  await setFaults(page, { mp_pay: 'server_error', only_openid: openid }, gw.stand_in);
  try {
    await gw.enter(page, openid);
    await buy(page, '茶饮', '桂花红茶 茶包 20 入');
    await ensureAddress(page);
    await expect(page.getByTestId('checkout')).toHaveAttribute('data-ready', '');
    await page.getByTestId('checkout').click();
    await expect(page.getByTestId('checkout-error')).toHaveText(
      '支付服务暂时不可用，您未被扣款，购物车商品已保留，请稍后再试');
    await expect(page.getByTestId('checkout')).toBeEnabled();
    await page.reload();
    await expect(page.getByTestId('cart-line')).toHaveCount(1);
    await page.getByTestId('my-orders').click();
    await expect(page.getByTestId('order-row').getByTestId('order-status')).toHaveText('已取消');
  } finally {
    await setFaults(page, {}, gw.stand_in);
  }
});

});

test('a note with hidden characters is refused at checkout with a clear message, and the corrected note reaches the order', async ({ page, consoleProblems }) => {
  await enterContainer(page, newOpenid());
  await buy(page, '零食', '黑芝麻糊 即冲 10 包');
  await ensureAddress(page);
  await expect(page.getByTestId('checkout')).toHaveAttribute('data-ready', '');
  // A right-to-left override would print the note reversed on the packing slip.
  await page.getByTestId('remark').fill('请放门口\u202E谢谢');
  expectHttpError(400);
  await page.getByTestId('checkout').click();
  await expect(page.getByTestId('checkout-error')).toHaveText('订单备注中不能含有不可见字符，请删去后再结算');
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await page.getByTestId('remark').fill('请放门口，谢谢');
  await page.getByTestId('checkout').click();
  await expect(page.getByTestId('sandbox-pay')).toBeEnabled();
  await page.getByTestId('sandbox-pay').click();
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'paid', { timeout: 20_000 });
  await expect(page.getByTestId('order-remark')).toHaveText('请放门口，谢谢');
});


async function outsideWeChat(browser: Browser) {
  return browser.newContext({
    viewport: { width: 1280, height: 800 },
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/122.0 Safari/537.36',
  });
}

test('outside WeChat the checkout says to open the shop in WeChat and shows a QR code', async ({ browser }) => {
  const context = await outsideWeChat(browser);
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
  await arriveAs(page, newOpenid());
  await buy(page, '零食', '澳门杏仁饼 12 件装');
  const panel = page.getByTestId('open-in-wechat');
  await expect(panel).toBeHidden();
  await expect(page.getByTestId('checkout')).toHaveAttribute('data-ready', '');
  await page.getByTestId('checkout').click();
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading')).toHaveText('请在微信中打开');
  await expect(panel.locator('svg')).toBeVisible();
  await expect(panel).toContainText('/cart');
  // No order was placed.
  await page.getByTestId('my-orders').click();
  await expect(page.getByTestId('orders-empty')).toBeVisible();
  expect(problems).toEqual([]);
  await context.close();
});
