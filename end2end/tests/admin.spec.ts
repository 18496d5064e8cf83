import { expect, Page } from '@playwright/test';
import { test, arriveAs, ensureAddress, expectHttpError, newOpenid, OWNER, paidInContainer, paidOnOwnAccount, pickRegion } from './fixtures';
import { sandboxURL, useepayShopURL } from '../playwright.config';
import * as path from 'path';

// Admin pages have no islands: the JS-off project would only repeat these journeys (and
// share the per-address login limit with them).
test.skip(({ javaScriptEnabled }) => javaScriptEnabled === false, 'server-rendered only');

const LOCKED = { username: 'e2e-locked', password: 'e2e-tea-shop-2026' };

async function signIn(page: Page, who: { username: string; password: string }) {
  await page.getByTestId('login-username').fill(who.username);
  await page.getByTestId('login-password').fill(who.password);
  await page.getByTestId('login-submit').click();
}

test('the owner signs in, sees a paid order with its notification, ships it, refunds part, and signs out', async ({ page, browser, consoleProblems }) => {
  // A buyer pays in the sandbox container first.
  const openid = newOpenid();
  const { context: buyer, shopper, orderNo } = await paidInContainer(browser, openid);

  await page.goto('/admin/orders');
  await expect(page).toHaveURL(/\/admin\/login\?next=%2Fadmin%2Forders/);
  await signIn(page, OWNER);
  await expect(page).toHaveURL(/\/admin\/orders$/);
  await page.getByTestId('order-search').fill(openid);
  await page.getByRole('button', { name: '筛选' }).click();
  await expect(page.getByTestId('admin-order-row')).toHaveCount(1);
  await page.getByTestId('admin-order-row').getByRole('link').click();
  await expect(page.getByTestId('admin-order-no')).toHaveText(orderNo);
  await expect(page.getByTestId('admin-order-status')).toHaveAttribute('data-status', 'paid');
  await expect(page.getByTestId('notification').first()).toHaveAttribute('data-verdict', 'applied');
  await expect(page.getByTestId('exchange-rate')).toHaveText('0.92');

  // The packing slip: the order number with its QR code, the items, the address; on paper
  // the toolbar is gone.
  await page.getByTestId('print-slip').click();
  await expect(page.getByTestId('slip')).toHaveCount(1);
  await expect(page.getByTestId('slip-no')).toHaveText(orderNo);
  await expect(page.getByTestId('slip-line')).toContainText('桂花红茶');
  await expect(page.getByTestId('slip-to')).toContainText('张三');
  await page.emulateMedia({ media: 'print' });
  await expect(page.getByTestId('print')).toBeHidden();
  await expect(page.getByTestId('slip')).toBeVisible();
  await page.emulateMedia({ media: 'screen' });
  await page.goBack();
  await expect(page.getByTestId('admin-order-no')).toHaveText(orderNo);

  // Ship it with a carrier from the list; the buyer sees the carrier, the tracking number
  // and a link to the carrier's tracking page.
  await page.getByTestId('carrier').selectOption('sf');
  await page.getByTestId('tracking-no').fill('SF1234567890');
  await page.getByTestId('ship').click();
  await expect(page.getByTestId('admin-order-status')).toHaveAttribute('data-status', 'shipped');
  await expect(page.getByTestId('admin-tracking')).toHaveText('SF1234567890');
  await expect(page.getByTestId('admin-carrier')).toHaveText('顺丰速运');
  await shopper.reload();
  await expect(shopper.getByTestId('tracking-no')).toHaveText('SF1234567890');
  await expect(shopper.getByTestId('carrier')).toHaveText('顺丰速运');
  await expect(shopper.getByTestId('track-parcel')).toHaveAttribute('href', /^https:\/\/www\.sf-express\.com\/.*SF1234567890$/);

  // Refund part of it through the gateway.
  await page.getByTestId('refund-amount').fill('10.00');
  await page.getByTestId('refund-reason').fill('包装破损');
  await page.getByTestId('refund').click();
  // Pending until the gateway confirms it; the settlement job asks on its own.
  await expect(page.getByTestId('refund-row')).toHaveAttribute('data-status', /pending|succeeded/);
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('refund-row')).toHaveAttribute('data-status', 'succeeded', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('admin-order-status')).toHaveAttribute('data-status', 'shipped');
  await shopper.reload();
  await expect(shopper.getByTestId('refunded')).toContainText('HK$10.00');

  // The parcel arrived: the buyer confirms it (inside the container, at the gateway's
  // origin), and the order is completed for both of them.
  await expect(shopper.getByTestId('confirm-receipt')).toHaveAttribute('data-ready', '');
  await shopper.getByTestId('confirm-receipt').click();
  await expect(shopper.getByTestId('order-status')).toHaveAttribute('data-status', 'completed');
  await expect(shopper.getByTestId('order-notice')).toHaveText('订单已完成，感谢您的惠顾。');
  await expect(shopper.getByTestId('confirm-receipt')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('admin-order-status')).toHaveAttribute('data-status', 'completed');
  await buyer.close();

  await page.getByTestId('logout').click();
  await expect(page).toHaveURL(/\/admin\/login$/);
  await page.goto('/admin');
  await expect(page).toHaveURL(/\/admin\/login/);
});

test('with UseePay, the owner refunds part of a paid order and then the rest, and the buyer sees it refunded', async ({ page, browser, consoleProblems }) => {
  const openid = newOpenid();
  const { context: buyer, shopper, orderNo } = await paidOnOwnAccount(browser, openid);

  await page.goto(`${useepayShopURL}/admin/login`);
  await signIn(page, OWNER);
  await expect(page).toHaveURL(`${useepayShopURL}/admin`);
  await page.goto(`${useepayShopURL}/admin/orders/${orderNo}`);
  await expect(page.getByTestId('admin-order-status')).toHaveAttribute('data-status', 'paid');
  await expect(page.getByTestId('notification').first()).toHaveAttribute('data-verdict', 'applied');

  const settled = async (count: number) => {
    // The post has landed (a reload before it would cancel it and restore the old form).
    await expect(page.getByTestId('refund-row')).toHaveCount(count);
    await expect(async () => {
      await page.reload();
      await expect(page.getByTestId('refund-row')).toHaveCount(count, { timeout: 1_000 });
      for (const row of await page.getByTestId('refund-row').all()) {
        await expect(row).toHaveAttribute('data-status', 'succeeded', { timeout: 1_000 });
      }
    }).toPass({ timeout: 20_000 });
  };
  // Part of it: UseePay answers `pending`, then its refund notification settles it.
  await page.getByTestId('refund-amount').fill('10.00');
  await page.getByTestId('refund-reason').fill('包装破损');
  await page.getByTestId('refund').click();
  await settled(1);
  await expect(page.getByTestId('admin-order-status')).toHaveAttribute('data-status', 'paid');
  // The rest, in full (the amount left empty): the order is refunded.
  await page.getByTestId('refund').click();
  await settled(2);
  await expect(page.getByTestId('admin-order-status')).toHaveAttribute('data-status', 'refunded');
  await expect(page.getByTestId('refund-form')).toHaveCount(0);

  await shopper.reload();
  await expect(shopper.getByTestId('order-status')).toHaveAttribute('data-status', 'refunded');
  await buyer.close();
});

test('the owner creates a category and a product with an image, a buyer finds it, and a price change spares earlier orders', async ({ page, browser, consoleProblems }) => {
  await page.goto('/admin/login');
  await signIn(page, OWNER);
  await expect(page).toHaveURL(/\/admin$/);
  const slug = `e2e${Date.now().toString(36)}`;
  await page.goto('/admin/categories');
  await page.getByTestId('category-name').fill('端到端礼盒');
  await page.getByTestId('category-slug').fill(slug);
  await page.getByTestId('category-save').click();
  await expect(page.getByTestId('category-row').filter({ has: page.locator(`input[value="${slug}"]`) })).toHaveCount(1);

  await page.goto('/admin/products/new');
  await page.getByTestId('product-title').fill('端到端 桂花乌龙');
  await page.getByTestId('product-category').selectOption({ label: '端到端礼盒' });
  await page.getByTestId('product-price').fill('66.60');
  await page.getByTestId('product-stock').fill('8');
  await page.getByTestId('product-save').click();
  await expect(page).toHaveURL(/\/admin\/products\/\d+$/);
  await expect(page.getByTestId('product-stock-now')).toHaveText('8');
  await page.getByTestId('image-files').setInputFiles(path.join(__dirname, '..', 'fixtures', 'tea.png'));
  await page.getByTestId('image-upload').click();
  await expect(page.getByTestId('image-row')).toHaveCount(1);

  // A wrong file type is refused with a message.
  await page.getByTestId('image-files').setInputFiles(path.join(__dirname, '..', 'fixtures', 'not-an-image.png'));
  await page.getByTestId('image-upload').click();
  await expect(page.getByTestId('action-error')).toHaveText('只支持 PNG 或 JPEG 图片');
  await expect(page.getByTestId('image-row')).toHaveCount(1);

  const buyer = await browser.newContext();
  const shopper = await buyer.newPage();
  await arriveAs(shopper, newOpenid());
  await shopper.getByRole('link', { name: '端到端礼盒', exact: true }).click();
  const card = shopper.getByTestId('product-card').filter({ hasText: '端到端 桂花乌龙' });
  await expect(card).toContainText('HK$66.60');
  await expect(card.locator('img')).toHaveAttribute('src', /\/media\/products\/\d+\/[0-9a-f]+-400\.jpg$/);
  // The phone (390 px at 2x, a card half as wide) picks the 400 px copy from the srcset.
  await expect(card.locator('img')).toHaveAttribute('srcset', /-400\.jpg \d+w, .*\.jpg \d+w$/);
  await expect
    .poll(() => card.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.currentSrc))
    .toMatch(/\/media\/products\/\d+\/[0-9a-f]+-400\.jpg$/);
  await buyer.close();

  // A price change applies to new orders; an order placed before keeps its price.
  const productUrl = page.url();
  const inWeChat = await browser.newContext();
  const payer = await inWeChat.newPage();
  const orderAt = async () => {
    await payer.goto(`${sandboxURL}/`);
    await payer.getByRole('link', { name: '端到端礼盒', exact: true }).click();
    await payer.getByTestId('product-card').filter({ hasText: '端到端 桂花乌龙' }).getByRole('link').click();
    await expect(payer.getByTestId('add-to-cart')).toHaveAttribute('data-ready', '');
    await payer.getByTestId('add-to-cart').click();
    await expect(payer.getByTestId('cart-badge')).toHaveText('1');
    await payer.getByRole('link', { name: '购物车' }).click();
    await ensureAddress(payer);
    await expect(payer.getByTestId('checkout')).toHaveAttribute('data-ready', '');
    await payer.getByTestId('checkout').click();
    await payer.getByTestId('sandbox-cancel').click();
    await expect(payer).toHaveURL(/\/orders\/S\d+\?pay=cancel/);
    return payer.url().split('?')[0];
  };
  await payer.goto(`${sandboxURL}/mp_pay/oauth?merchant_no=SANDBOX-MERCHANT-001&currency=HKD&return_to=%2F&sandbox_openid=${newOpenid()}`);
  const firstOrder = await orderAt();
  await expect(payer.getByTestId('order-total')).toHaveText('HK$66.60');
  await page.goto(productUrl);
  await page.getByTestId('product-price').fill('70.00');
  await page.getByTestId('product-save').click();
  await expect(page.getByTestId('product-price')).toHaveValue('70.00');
  await orderAt();
  await expect(payer.getByTestId('order-total')).toHaveText('HK$70.00');
  await payer.goto(firstOrder);
  await expect(payer.getByTestId('order-total')).toHaveText('HK$66.60');
  await inWeChat.close();
});

test('a wrong password is refused without saying whether the account exists', async ({ page, consoleProblems }) => {
  expectHttpError(401);
  await page.goto('/admin/login');
  await signIn(page, { username: OWNER.username, password: 'not-the-password' });
  await expect(page.getByTestId('login-error')).toHaveText('用户名或密码错误');
  await signIn(page, { username: 'nobody-at-all', password: 'not-the-password' });
  await expect(page.getByTestId('login-error')).toHaveText('用户名或密码错误');
});

test('after five failures the account is locked, even for the right password', async ({ page, consoleProblems }) => {
  expectHttpError(401);
  expectHttpError(429);
  await page.goto('/admin/login');
  for (let i = 0; i < 5; i++) {
    await signIn(page, { username: LOCKED.username, password: `wrong-password-${i}` });
    await expect(page.getByTestId('login-error')).toHaveText('用户名或密码错误');
  }
  await signIn(page, LOCKED);
  await expect(page.getByTestId('login-error')).toHaveText('登录失败次数过多，请 15 分钟后再试');
  await expect(page).toHaveURL(/error=limited/);
});

test('the owner charges for shipping to Macau, and a buyer there sees the fee before paying', async ({ page, browser, consoleProblems }) => {
  await page.goto('/admin/login');
  await signIn(page, OWNER);
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByTestId('admin-shipping-link').click();
  await expect(page).toHaveURL(/\/admin\/shipping$/);
  // A new shop ships free everywhere: one shop-wide rule.
  await expect(page.getByTestId('shipping-rule').filter({ hasText: '全店' })).toHaveCount(1);
  const add = page.getByTestId('shipping-add');
  await add.getByTestId('shipping-region').selectOption('82');
  await add.getByTestId('shipping-first').fill('15');
  await add.getByTestId('shipping-additional').fill('abc');
  await page.getByTestId('shipping-add-save').click();
  await expect(page.getByTestId('action-error')).toContainText('金额格式不对');
  await add.getByTestId('shipping-region').selectOption('82');
  await add.getByTestId('shipping-first').fill('15');
  await add.getByTestId('shipping-additional').fill('3');
  await add.getByTestId('shipping-free-above').fill('500');
  await page.getByTestId('shipping-add-save').click();
  const macau = page.locator('[data-testid="shipping-rule"][data-region="82"]');
  await expect(macau).toContainText('澳门特别行政区');
  await expect(macau.getByTestId('shipping-first')).toHaveValue('15.00');

  // A buyer with an address in Macau: two boxes of almond cakes, HK$15 + HK$3.
  const context = await browser.newContext({ javaScriptEnabled: true });
  const shopper = await context.newPage();
  await arriveAs(shopper, newOpenid(), '/addresses/new');
  await shopper.getByTestId('recipient').fill('何小姐');
  await shopper.getByTestId('area').selectOption('853');
  await shopper.getByTestId('mobile').fill('6612 3456');
  await shopper.getByTestId('detail').fill('新馬路 1 號');
  await pickRegion(shopper, '82', '8201', '820101', true);
  await shopper.getByTestId('save-address').click();
  await expect(shopper.getByTestId('address')).toHaveCount(1);
  await shopper.goto('/');
  await shopper.getByTestId('product-card').filter({ hasText: '澳门杏仁饼' }).getByRole('link').click();
  await expect(shopper.getByTestId('add-to-cart')).toHaveAttribute('data-ready', '');
  await shopper.getByTestId('quantity').fill('2');
  await shopper.getByTestId('add-to-cart').click();
  await expect(shopper.getByTestId('cart-badge')).toHaveText('2');
  await shopper.goto('/cart');
  const goods = (await shopper.getByTestId('cart-goods').textContent()) ?? '';
  await expect(shopper.getByTestId('cart-shipping')).toContainText('HK$18.00');
  await expect(shopper.getByTestId('free-above')).toHaveText('满 HK$500.00 包邮');
  const total = Number(goods.replace(/[^0-9.]/g, '')) + 18;
  await expect(shopper.getByTestId('cart-total')).toContainText(`HK$${total.toFixed(2)}`);
  // One more box, changed in place: the fee follows.
  await expect(shopper.getByTestId('cart-editor')).toHaveAttribute('data-ready', '');
  await shopper.getByTestId('line-quantity').fill('3');
  await shopper.getByTestId('update-line').click();
  await expect(shopper.getByTestId('cart-shipping')).toContainText('HK$21.00');
  await context.close();

  // The owner stops delivering to Macau; the rule goes, and Macau ships like the rest.
  await macau.getByTestId('shipping-remove').click();
  await expect(macau).toHaveCount(0);
});

test('the owner puts a coupon in the centre and a buyer claims it with one press', async ({ page, browser, consoleProblems }) => {
  // The buyers below try both ways themselves.
  test.skip(test.info().project.use.javaScriptEnabled === false, 'covered by the JavaScript-on run');
  await page.goto('/admin/login');
  await signIn(page, OWNER);
  await page.getByTestId('admin-coupons-link').click();
  const name = `领券-${Date.now().toString(36)}`;
  const form = page.getByTestId('coupon-form');
  await form.getByTestId('coupon-name').fill(name);
  await form.getByTestId('coupon-amount').fill('3');
  await form.getByTestId('coupon-min-spend').fill('10');
  await form.getByTestId('coupon-days').fill('3');
  await form.getByTestId('coupon-total').fill('10');
  await form.getByTestId('coupon-in-centre').check();
  await page.getByTestId('coupon-create').click();
  await expect(page.getByTestId('coupon-row').filter({ hasText: name })).toHaveCount(1);

  // With JavaScript the claim goes through the shop's function and follows its redirect
  // back to the centre; without, it is a plain post that comes back the same way.
  for (const javaScriptEnabled of [true, false]) {
    const context = await browser.newContext({ javaScriptEnabled });
    const shopper = await context.newPage();
    await arriveAs(shopper, newOpenid(), '/coupons');
    const offer = shopper.getByTestId('coupon-offer').filter({ hasText: name });
    if (javaScriptEnabled) await expect(offer.getByTestId('claim')).toHaveAttribute('data-ready', '');
    const problems: string[] = [];
    shopper.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text()); });
    const claimed = shopper.waitForRequest((r) => new URL(r.url()).pathname === '/api/coupons/claim');
    await offer.getByTestId('claim').click();
    // Hydrated, the island calls the function itself; without JavaScript the form posts.
    expect((await claimed).resourceType()).toBe(javaScriptEnabled ? 'fetch' : 'document');
    await expect(offer.getByTestId('coupon-claimed')).toBeVisible();
    await expect(shopper.getByTestId('my-coupon').filter({ hasText: name }).getByTestId('my-coupon-state')).toHaveText('可使用');
    expect(problems).toEqual([]);
    await context.close();
  }
});

test('the owner makes a coupon code, a buyer redeems it, checkout suggests it, and the gateway is asked for the price less the discount', async ({ page, browser, consoleProblems }) => {
  test.setTimeout(60_000);
  await page.goto('/admin/login');
  await signIn(page, OWNER);
  await expect(page).toHaveURL(/\/admin$/);
  await page.getByTestId('admin-coupons-link').click();
  await expect(page).toHaveURL(/\/admin\/coupons$/);
  const code = `E2E-${Date.now().toString(36).toUpperCase()}`;
  const form = page.getByTestId('coupon-form');
  await form.getByTestId('coupon-name').fill('端到端立减');
  await form.getByTestId('coupon-code').fill(code);
  await form.getByTestId('coupon-amount').fill('5');
  await form.getByTestId('coupon-min-spend').fill('10');
  await form.getByTestId('coupon-days').fill('3');
  await form.getByTestId('coupon-total').fill('10');
  await form.getByTestId('coupon-in-centre').uncheck();
  await page.getByTestId('coupon-create').click();
  const row = page.getByTestId('coupon-row').filter({ hasText: '端到端立减' });
  await expect(row.getByTestId('coupon-row-code')).toHaveText(code);
  await expect(row.getByTestId('coupon-counts')).toHaveText('已领 0/10 · 已用 0');

  // The buyer, in the payment container, redeems the code (a wrong one is explained).
  const context = await browser.newContext({ javaScriptEnabled: true });
  const shopper = await context.newPage();
  await shopper.goto(`${sandboxURL}/mp_pay/oauth?merchant_no=SANDBOX-MERCHANT-001&currency=HKD&return_to=%2Fcoupons&sandbox_openid=${newOpenid()}`);
  // Inside the container the page's origin serves pages only: the form works hydrated.
  await expect(shopper.getByTestId('redeem')).toHaveAttribute('data-ready', '');
  await shopper.getByTestId('coupon-code').fill('NO-SUCH-CODE');
  await shopper.getByTestId('redeem').click();
  await expect(shopper.getByTestId('error')).toHaveText('没有这个优惠码，请检查后重试');
  await shopper.getByTestId('coupon-code').fill(code.toLowerCase());
  await shopper.getByTestId('redeem').click();
  await expect(shopper.getByTestId('my-coupon').filter({ hasText: '端到端立减' }).getByTestId('my-coupon-state')).toHaveText('可使用');

  // One 桂花红茶: the cart suggests the coupon and takes HK$5 off. (The buyer stays in
  // the container: links, not a typed URL.)
  await shopper.getByRole('link', { name: '好物小店' }).click();
  await shopper.getByTestId('product-card').filter({ hasText: '桂花红茶' }).getByRole('link').click();
  await expect(shopper.getByTestId('add-to-cart')).toHaveAttribute('data-ready', '');
  await shopper.getByTestId('add-to-cart').click();
  await expect(shopper.getByTestId('cart-badge')).toHaveText('1');
  await shopper.getByRole('link', { name: '购物车' }).click();
  await ensureAddress(shopper, true);
  const goods = Number(((await shopper.getByTestId('cart-goods').textContent()) ?? '').replace(/[^0-9.]/g, ''));
  await expect(shopper.getByTestId('cart-discount')).toHaveText('−HK$5.00');
  await expect(shopper.getByTestId('coupon-select').locator('option:checked')).toContainText('端到端立减');
  const toPay = `HK$${(goods - 5).toFixed(2)}`;
  await expect(shopper.getByTestId('cart-total')).toContainText(toPay);
  // Choosing no coupon, then the coupon again, reloads the cart with the choice.
  await shopper.getByTestId('coupon-select').selectOption('none');
  await shopper.getByTestId('coupon-apply').click();
  await expect(shopper.getByTestId('cart-discount')).toHaveCount(0);
  await shopper.getByTestId('coupon-select').selectOption({ label: '端到端立减 −HK$5.00' });
  await shopper.getByTestId('coupon-apply').click();
  await expect(shopper.getByTestId('cart-discount')).toHaveText('−HK$5.00');

  await expect(shopper.getByTestId('checkout')).toHaveAttribute('data-ready', '');
  await shopper.getByTestId('checkout').click();
  await expect(shopper.getByTestId('sandbox-sheet-amount')).toContainText((goods - 5).toFixed(2));
  await shopper.getByTestId('sandbox-pay').click();
  await expect(shopper.getByTestId('order-status')).toHaveAttribute('data-status', 'paid', { timeout: 20_000 });
  await expect(shopper.getByTestId('order-discount')).toHaveText('−HK$5.00');
  await expect(shopper.getByTestId('order-total')).toHaveText(toPay);
  await context.close();

  await page.reload();
  await expect(row.getByTestId('coupon-counts')).toHaveText('已领 1/10 · 已用 1');
});

test('the owner sells a tea in two sizes priced apart, charges shipping to Zhejiang and makes a coupon; a buyer there picks the large size, and the pay sheet asks for its price plus the fee less the discount', async ({ page, browser, consoleProblems }) => {
  test.setTimeout(90_000);
  await page.goto('/admin/login');
  await signIn(page, OWNER);
  await expect(page).toHaveURL(/\/admin$/);
  const title = `端到端 规格茶 ${Date.now().toString(36)}`;
  await page.goto('/admin/products/new');
  await page.getByTestId('product-title').fill(title);
  await page.getByTestId('product-category').selectOption({ label: '茶饮' });
  await page.getByTestId('product-price').fill('40.00');
  await page.getByTestId('product-stock').fill('4');
  await page.getByTestId('product-save').click();
  await expect(page).toHaveURL(/\/admin\/products\/\d+$/);
  const productUrl = page.url();
  await expect(page.getByTestId('variant-row')).toHaveCount(1);

  // Two sizes: the small one keeps the 4 in stock; the large one gets its own price and 5.
  await page.getByTestId('option-name-1').fill('规格');
  await page.getByTestId('option-values-1').fill('小罐，大罐');
  await page.getByTestId('options-save').click();
  await expect(page.getByTestId('variant-row')).toHaveCount(2);
  await expect(page.getByTestId('product-price')).toHaveCount(0);
  const large = page.locator('[data-testid="variant-row"][data-variant="大罐"]');
  await large.getByTestId('variant-price').fill('0');
  await large.getByTestId('variant-delta').fill('5');
  await page.getByTestId('variants-save').click();
  await expect(page.getByTestId('action-error')).toContainText('规格「大罐」的价格无效');
  await expect(large.getByTestId('variant-stock')).toHaveText('0');
  await large.getByTestId('variant-price').fill('88.00');
  await large.getByTestId('variant-delta').fill('5');
  await large.getByTestId('variant-barcode').fill('6901234567892');
  await page.getByTestId('variants-save').click();
  await expect(large.getByTestId('variant-stock')).toHaveText('5');
  await expect(large.getByTestId('variant-barcode')).toHaveValue('6901234567892');
  await expect(page.getByTestId('product-stock-now')).toHaveText('9');
  await expect(page.getByTestId('ledger-row').first().getByTestId('ledger-variant')).toHaveText('大罐');

  // Shipping to Zhejiang: HK$12 a parcel.
  await page.goto('/admin/shipping');
  const add = page.getByTestId('shipping-add');
  await add.getByTestId('shipping-region').selectOption('33');
  await add.getByTestId('shipping-first').fill('12');
  await add.getByTestId('shipping-additional').fill('0');
  await page.getByTestId('shipping-add-save').click();
  await expect(page.locator('[data-testid="shipping-rule"][data-region="33"]')).toContainText('浙江省');

  // A code worth HK$5 from HK$50.
  await page.goto('/admin/coupons');
  const code = `SKU-${Date.now().toString(36).toUpperCase()}`;
  const form = page.getByTestId('coupon-form');
  await form.getByTestId('coupon-name').fill('规格茶立减');
  await form.getByTestId('coupon-code').fill(code);
  await form.getByTestId('coupon-amount').fill('5');
  await form.getByTestId('coupon-min-spend').fill('50');
  await form.getByTestId('coupon-days').fill('3');
  await form.getByTestId('coupon-total').fill('10');
  await form.getByTestId('coupon-in-centre').uncheck();
  await page.getByTestId('coupon-create').click();
  await expect(page.getByTestId('coupon-row').filter({ hasText: '规格茶立减' })).toHaveCount(1);

  // Without JavaScript each size is a link: the server answers the chosen variant, and the
  // plain add-to-cart form adds it.
  const plain = await browser.newContext({ javaScriptEnabled: false });
  const reader = await plain.newPage();
  await arriveAs(reader, newOpenid());
  await reader.getByRole('link', { name: '茶饮', exact: true }).click();
  const card = reader.getByTestId('product-card').filter({ hasText: title });
  await expect(card).toContainText('HK$40.00 起');
  await card.getByRole('link').click();
  await expect(reader.getByTestId('price')).toHaveText('HK$40.00');
  await expect(reader.getByTestId('option-value').filter({ hasText: '小罐' })).toHaveAttribute('aria-current', 'true');
  await reader.getByTestId('option-value').filter({ hasText: '大罐' }).click();
  await expect(reader).toHaveURL(/\?o1=%E5%A4%A7%E7%BD%90$/);
  await expect(reader.getByTestId('price')).toHaveText('HK$88.00');
  await expect(reader.getByTestId('stock')).toHaveText('仅剩 5 件');
  await reader.getByTestId('add-to-cart').click();
  await reader.goto('/cart');
  await expect(reader.getByTestId('line-options')).toHaveText('大罐');
  await plain.close();

  // In the payment container, with JavaScript: the code, the large size picked in place,
  // an address in Hangzhou.
  const context = await browser.newContext({ javaScriptEnabled: true });
  const shopper = await context.newPage();
  await shopper.goto(`${sandboxURL}/mp_pay/oauth?merchant_no=SANDBOX-MERCHANT-001&currency=HKD&return_to=%2Fcoupons&sandbox_openid=${newOpenid()}`);
  await expect(shopper.getByTestId('redeem')).toHaveAttribute('data-ready', '');
  await shopper.getByTestId('coupon-code').fill(code);
  await shopper.getByTestId('redeem').click();
  await expect(shopper.getByTestId('my-coupon').filter({ hasText: '规格茶立减' })).toHaveCount(1);
  await shopper.getByRole('link', { name: '好物小店' }).click();
  await shopper.getByRole('link', { name: '茶饮', exact: true }).click();
  await shopper.getByTestId('product-card').filter({ hasText: title }).getByRole('link').click();
  await expect(shopper.getByTestId('add-to-cart')).toHaveAttribute('data-ready', '');
  await expect(shopper.getByTestId('price')).toHaveText('HK$40.00');
  const productPage = shopper.url();
  await shopper.getByTestId('option-value').filter({ hasText: '大罐' }).click();
  await expect(shopper.getByTestId('price')).toHaveText('HK$88.00');
  await expect(shopper.getByTestId('stock')).toHaveText('仅剩 5 件');
  await expect(shopper.getByTestId('option-value').filter({ hasText: '大罐' })).toHaveAttribute('aria-current', 'true');
  expect(shopper.url(), 'picked in place, no page load').toBe(productPage);
  await shopper.getByTestId('add-to-cart').click();
  await expect(shopper.getByTestId('cart-badge')).toHaveText('1');
  await shopper.getByRole('link', { name: '购物车' }).click();
  await expect(shopper.getByTestId('line-options')).toHaveText('大罐');
  await shopper.getByTestId('add-ship-to').click();
  await expect(shopper.getByTestId('address-form')).toBeVisible();
  await shopper.getByTestId('recipient').fill('王五');
  await shopper.getByTestId('mobile').fill('13700137000');
  await shopper.getByTestId('detail').fill('延安路 1 号');
  await pickRegion(shopper, '33', '3301', '330102', true);
  await shopper.getByTestId('save-address').click();
  await expect(shopper.getByTestId('ship-to-recipient')).toHaveText('王五');
  await expect(shopper.getByTestId('cart-goods')).toHaveText('HK$88.00');
  await expect(shopper.getByTestId('cart-shipping')).toContainText('HK$12.00');
  await expect(shopper.getByTestId('cart-discount')).toHaveText('−HK$5.00');
  await expect(shopper.getByTestId('cart-total')).toContainText('HK$95.00');
  await expect(shopper.getByTestId('checkout')).toHaveAttribute('data-ready', '');
  await shopper.getByTestId('checkout').click();
  await expect(shopper.getByTestId('sandbox-sheet-amount')).toContainText('95.00');
  await shopper.getByTestId('sandbox-pay').click();
  await expect(shopper.getByTestId('order-status')).toHaveAttribute('data-status', 'paid', { timeout: 20_000 });
  await expect(shopper.getByTestId('order-line-options')).toHaveText('大罐');
  await expect(shopper.getByTestId('order-total')).toHaveText('HK$95.00');
  await context.close();

  // The large size's stock went down by one; the small one's did not.
  await page.goto(productUrl);
  await expect(large.getByTestId('variant-stock')).toHaveText('4');
  await expect(page.locator('[data-testid="variant-row"][data-variant="小罐"]').getByTestId('variant-stock')).toHaveText('4');
});
