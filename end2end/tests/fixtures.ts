// Shared by every spec: a fresh buyer per test, and a fixture that fails a test on any
// console error or warning or unexpected HTTP error.
import { test as base, expect, Page, Browser } from '@playwright/test';
import { containerSecret, sandboxURL, useepayShopURL } from '../playwright.config';

// The back office's owner, created by the webServer command with `server admin create`
// (playwright.config.ts).
export const OWNER = { username: 'e2e-owner', password: 'e2e-tea-shop-2026' };

// Every test gets its own buyer, so journeys running side by side never share a cart.
export function newOpenid(): string {
  return 'oE2E' + Math.random().toString(36).slice(2).padEnd(12, 'x') + Date.now().toString(36);
}

// A buyer arriving with `openid` at `path`, as the payment container delivers them: under
// the registered page URL's secret path (the test stands in for the container, the one
// party that knows it). Afterwards the session cookie carries the buyer on plain URLs.
export async function arriveAs(page: Page, openid: string, path = '/') {
  const sep = path.includes('?') ? '&' : '?';
  return page.goto(`/wc/${containerSecret}${path}${sep}openid=${openid}`);
}

// Fails a test on any console error or warning: a hydration mismatch, a panic in the wasm,
// any failed request (named by URL). A test that provokes an HTTP error on purpose (a 404
// page, a refused cart change) declares the status with `expectHttpError`, and only that
// status is let through.
export const test = base.extend<{ consoleProblems: string[] }>({
  consoleProblems: async ({ page }, use, testInfo) => {
    const problems: string[] = [];
    const jsEnabled = testInfo.project.use.javaScriptEnabled !== false;
    const expectedStatuses = () =>
      testInfo.annotations.filter((a) => a.type === 'expected-http-error').map((a) => Number(a.description));
    page.on('console', (msg) => {
      // Failed loads are reported below with their URL, from the response itself.
      if (msg.text().startsWith('Failed to load resource')) return;
      // Without JavaScript the page's wasm preload is never used, and Chromium says so once
      // the page has been open a few seconds: true, and expected in that project only.
      if (!jsEnabled && msg.text().includes('was preloaded using link preload but not used')) return;
      if (msg.type() === 'error' || msg.type() === 'warning') problems.push(`${msg.type()}: ${msg.text()}`);
    });
    page.on('response', (res) => {
      if (res.status() >= 400 && !expectedStatuses().includes(res.status())) {
        problems.push(`HTTP ${res.status()} ${res.request().method()} ${res.url()}`);
      }
    });
    page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
    await use(problems);
    expect(problems, 'console errors or warnings').toEqual([]);
  },
});

export function expectHttpError(status: number) {
  test.info().annotations.push({ type: 'expected-http-error', description: String(status) });
}


// Chooses 广东省 / 深圳市 / 南山区 in the address form's region picker: hydrated, each level
// fills at once; without JavaScript, "next" posts the form back for the next level.
// `hydrated`: whether the page runs JavaScript (default: as the project says; a page from a
// context of its own may differ).
export async function pickRegion(page: Page, province = '44', city = '4403', district = '440305',
    hydrated = test.info().project.use.javaScriptEnabled !== false) {
  if (hydrated) {
    await expect(page.getByTestId('save-address')).toHaveAttribute('data-ready', '');
    await expect(page.getByTestId('region-picker')).toHaveAttribute('data-ready', '');
  }
  for (const [level, value] of [['province', province], ['city', city], ['region', district]]) {
    await page.getByTestId(`region-${level}`).selectOption(value);
    if (!hydrated && level !== 'region') await page.getByTestId('region-next').click();
  }
}

// Fills and saves the address form the page shows (a mainland address in 南山区).
export async function fillAddress(page: Page, recipient = '张三', mobile = '13800138000',
    hydrated = test.info().project.use.javaScriptEnabled !== false) {
  await page.getByTestId('recipient').fill(recipient);
  await page.getByTestId('mobile').fill(mobile);
  await page.getByTestId('detail').fill('科技园南区 1 栋 101');
  await pickRegion(page, '44', '4403', '440305', hydrated);
  await page.getByTestId('save-address').click();
}

// On the cart page: adds a delivery address through the form when the buyer has none,
// and comes back to the cart with it chosen.
export async function ensureAddress(page: Page,
    hydrated = test.info().project.use.javaScriptEnabled !== false) {
  await expect(page.getByTestId('ship-to').or(page.getByTestId('add-ship-to'))).toBeVisible();
  if (await page.getByTestId('ship-to').count()) return;
  await page.getByTestId('add-ship-to').click();
  await expect(page.getByTestId('address-form')).toBeVisible();
  await fillAddress(page, '张三', '13800138000', hydrated);
  await expect(page.getByTestId('ship-to-recipient')).toHaveText('张三');
}

// A buyer (a context of its own, with JavaScript: paying needs it) enters the shop with
// `enter` and pays for one 桂花红茶. Answers the context, its page and the order number.
async function paidAfter(browser: Browser, enter: (page: Page) => Promise<unknown>) {
  const context = await browser.newContext({ javaScriptEnabled: true });
  const shopper = await context.newPage();
  await enter(shopper);
  await shopper.getByRole('link', { name: '茶饮', exact: true }).click();
  await shopper.getByTestId('product-card').filter({ hasText: '桂花红茶' }).getByRole('link').click();
  await expect(shopper.getByTestId('add-to-cart')).toHaveAttribute('data-ready', '');
  await shopper.getByTestId('add-to-cart').click();
  await expect(shopper.getByTestId('cart-badge')).toHaveText('1');
  await shopper.getByRole('link', { name: '购物车' }).click();
  await ensureAddress(shopper, true);
  await expect(shopper.getByTestId('checkout')).toHaveAttribute('data-ready', '');
  await shopper.getByTestId('checkout').click();
  await expect(shopper.getByTestId('sandbox-pay')).toBeEnabled();
  await shopper.getByTestId('sandbox-pay').click();
  await expect(shopper.getByTestId('order-status')).toHaveAttribute('data-status', 'paid', { timeout: 20_000 });
  const orderNo = (await shopper.getByTestId('order-no').textContent())!.trim();
  return { context, shopper, orderNo };
}

// Pays inside Wisecashier's payment container.
export async function paidInContainer(browser: Browser, openid: string) {
  return paidAfter(browser, (page) => page.goto(
    `${sandboxURL}/mp_pay/oauth?merchant_no=SANDBOX-MERCHANT-001&currency=HKD&return_to=%2F&sandbox_openid=${openid}`));
}

// Enters a UseePay shop as WeChat would: the page is the merchant's own, WeChat's browser
// provides `WeixinJSBridge` (the sandbox's stand-in, injected before any page loads), and
// the shop signs the buyer in with its own official account (WeChat's authorisation page,
// played by the sandbox).
export async function enterOwnAccount(page: Page, openid: string, returnTo = '/') {
  const bridge = await page.request.get(`${sandboxURL}/useepay/bridge.js`);
  expect(bridge.ok()).toBeTruthy();
  await page.addInitScript({ content: await bridge.text() });
  await page.goto(`${useepayShopURL}${returnTo}`);
  await expect(page).toHaveURL(new RegExp(`^${sandboxURL}/connect/oauth2/authorize`));
  await page.getByTestId('sandbox-openid').fill(openid);
  await page.getByTestId('sandbox-custom').click();
  await expect(page).toHaveURL(new RegExp(`^${useepayShopURL}${returnTo === '/' ? '/' : returnTo}`));
}

// Pays in a shop selling through UseePay, signed in with its own official account.
export async function paidOnOwnAccount(browser: Browser, openid: string) {
  return paidAfter(browser, (page) => enterOwnAccount(page, openid));
}
