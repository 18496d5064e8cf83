import { expect, Page } from '@playwright/test';
import { test, arriveAs, expectHttpError, newOpenid } from './fixtures';

const jsOn = () => test.info().project.use.javaScriptEnabled !== false;

// With JavaScript on, the islands must do the work in place: a marker on `window` survives
// only if the page was not reloaded by a plain form post. The page's island must have
// hydrated first (lazy islands hydrate once their chunk arrives; `data-ready` says so).
async function markPage(page: Page) {
  if (!jsOn()) return;
  await expect(page.locator('[data-ready]').first()).toBeAttached();
  await page.evaluate(() => ((window as any).__noReload = true));
}
async function expectNoReload(page: Page) {
  if (jsOn()) expect(await page.evaluate(() => (window as any).__noReload)).toBe(true);
}

const badge = (page: Page) => page.getByTestId('cart-badge');

// The home page lists the seeded catalog (12 products; the back-office journeys running
// alongside may add their own).
async function expectCatalog(page: Page) {
  await expect(page.getByTestId('product-card').filter({ hasText: '冻顶乌龙茶 150g' })).toHaveCount(1);
  expect(await page.getByTestId('product-card').count()).toBeGreaterThanOrEqual(12);
}

async function openProduct(page: Page, category: string, title: string) {
  await page.getByRole('link', { name: category, exact: true }).click();
  await expect(page).toHaveURL(/category=/);
  await page.getByTestId('product-card').filter({ hasText: title }).getByRole('link').click();
  await expect(page.getByRole('heading', { level: 1, name: title })).toBeVisible();
}

async function addToCart(page: Page, quantity: number) {
  await page.getByTestId('quantity').fill(String(quantity));
  await page.getByTestId('add-to-cart').click();
}

test('a buyer browses, fills the cart, changes a quantity and finds it all after a reload', async ({ page, consoleProblems, browser }) => {
  const openid = newOpenid();
  // The home page and a category are plain HTML: no script or wasm is downloaded for
  // them; the product page's add-to-cart form is an island, so that page loads them.
  const scripts: string[] = [];
  page.on('request', (r) => {
    if (/\.(js|wasm)$/.test(new URL(r.url()).pathname)) scripts.push(new URL(r.url()).pathname);
  });
  await arriveAs(page, openid);
  await expectCatalog(page);
  await expect(badge(page)).toHaveCount(0);

  await page.getByRole('link', { name: '零食', exact: true }).click();
  await expect(page).toHaveURL(/category=/);
  expect(scripts).toEqual([]);
  await openProduct(page, '零食', '原味鸡蛋卷 礼盒装');
  await expect(page.getByText('HK$88.00')).toBeVisible();
  await markPage(page);
  if (jsOn()) expect(scripts.some((s) => s.endsWith('.wasm'))).toBe(true);
  await addToCart(page, 2);
  await expect(badge(page)).toHaveText('2');
  if (jsOn()) await expect(page.getByTestId('success')).toHaveText('已加入购物车');
  await expectNoReload(page);

  await page.getByRole('link', { name: '好物小店' }).click();
  await openProduct(page, '茶饮', '桂花红茶 茶包 20 入');
  await addToCart(page, 1);
  await expect(badge(page)).toHaveText('3');

  await page.getByRole('link', { name: '购物车' }).click();
  await expect(page).toHaveURL(/\/cart$/);
  const lines = page.getByTestId('cart-line');
  await expect(lines).toHaveCount(2);
  const eggrolls = lines.filter({ hasText: '原味鸡蛋卷' });
  await markPage(page);
  await eggrolls.getByTestId('line-quantity').fill('3');
  await eggrolls.getByTestId('update-line').click();
  await expect(eggrolls.getByTestId('line-total')).toHaveText('HK$264.00');
  await expect(page.getByTestId('cart-total')).toContainText('HK$322.00');
  await expect(badge(page)).toHaveText('4');
  await expectNoReload(page);

  await page.reload();
  await expect(lines).toHaveCount(2);
  await expect(eggrolls.getByTestId('line-quantity')).toHaveValue('3');
  await expect(page.getByTestId('cart-total')).toContainText('HK$322.00');
  await expect(badge(page)).toHaveText('4');

  // The cart is in the server's HTML itself, not put there by script after load.
  const html = await (await page.request.get('/cart')).text();
  expect(html).toContain('HK$322.00');
  expect(html.match(/data-testid="cart-line"/g)?.length).toBe(2);

  // Removing a line (hydrated: in place, and the badge follows).
  await markPage(page);
  await lines.filter({ hasText: '桂花红茶' }).getByTestId('remove-line').click();
  await expect(lines).toHaveCount(1);
  await expect(page.getByTestId('cart-total')).toContainText('HK$264.00');
  await expect(badge(page)).toHaveText('3');
  await expectNoReload(page);

  // A second buyer, in a browser of their own, sees an empty cart.
  const other = await browser.newContext({ javaScriptEnabled: test.info().project.use.javaScriptEnabled });
  const otherPage = await other.newPage();
  await arriveAs(otherPage, newOpenid(), '/cart');
  await expect(otherPage.getByTestId('cart-empty')).toBeVisible();
  await expect(otherPage.getByTestId('cart-badge')).toHaveCount(0);
  await other.close();
});

test('asking for more than the stock is refused with a clear message and the cart is unchanged', async ({ page, consoleProblems }) => {
  // A refused change answers 409 Conflict (not enough stock) with the typed error.
  expectHttpError(409);
  await arriveAs(page, newOpenid());
  await openProduct(page, '茶饮', '西湖龙井 明前 100g'); // 3 in stock
  await expect(page.getByTestId('stock')).toHaveText('仅剩 3 件');
  await addToCart(page, 3);
  await expect(badge(page)).toHaveText('3');
  await markPage(page);
  await addToCart(page, 1);
  await expect(page.getByTestId('error')).toHaveText('库存不足，无法再添加');
  await expect(badge(page)).toHaveText('3');
  await expectNoReload(page);

  await page.getByRole('link', { name: '购物车' }).click();
  const line = page.getByTestId('cart-line');
  await line.getByTestId('line-quantity').fill('0');
  // The browser's own validation (min=1) stops the form; the server's rule is the same.
  await line.getByTestId('update-line').click();
  await expect(line.getByTestId('line-quantity')).toHaveValue('0');
  await page.reload();
  await expect(line.getByTestId('line-quantity')).toHaveValue('3');
});

test('a sold-out product cannot be added', async ({ page, consoleProblems }) => {
  await arriveAs(page, newOpenid());
  await openProduct(page, '零食', '菲律宾芒果干 250g');
  await expect(page.getByTestId('add-to-cart')).toBeDisabled();
  await expect(page.getByTestId('add-to-cart')).toHaveText('已售罄');
});

test('an unknown product shows a 404 page and the cart survives', async ({ page, consoleProblems }) => {
  expectHttpError(404);
  await arriveAs(page, newOpenid());
  await openProduct(page, '生活好物', '棉麻环保购物袋');
  await addToCart(page, 1);
  await expect(badge(page)).toHaveText('1');

  const res = await page.goto('/product/987654');
  expect(res?.status()).toBe(404);
  await expect(page.getByTestId('not-found')).toContainText('找不到这个页面');
  await expect(badge(page)).toHaveText('1');
  await page.getByRole('link', { name: '返回首页' }).click();
  await expectCatalog(page);
});

test('the buyer can switch the shop to English and back', async ({ page, consoleProblems }) => {
  await arriveAs(page, newOpenid());
  await page.getByRole('link', { name: 'English' }).click();
  await expect(page.getByRole('link', { name: 'All', exact: true })).toBeVisible();
  await page.getByTestId('product-card').first().getByRole('link').click();
  await expect(page.getByTestId('add-to-cart')).toHaveText('Add to cart');
  await page.getByRole('link', { name: '中文' }).click();
  await expect(page.getByTestId('add-to-cart')).toHaveText('加入购物车');
});

test('a buyer searches by a Chinese word, narrows to a category and sorts by price', async ({ page, consoleProblems }) => {
  await arriveAs(page, newOpenid());
  const cards = page.getByTestId('product-card');
  const titles = () => cards.locator('.card-title').allTextContents();
  const search = async (words: string) => {
    await page.getByTestId('search-input').fill(words);
    await page.getByTestId('search-submit').click();
  };

  // A two-character word, and a three-character one (which the index serves), in titles.
  await search('乌龙');
  await expect(page).toHaveURL(/[?&]q=%E4%B9%8C%E9%BE%99/);
  await expect(page.getByTestId('search-note')).toHaveText('“乌龙”的搜索结果');
  await expect(cards.filter({ hasText: '冻顶乌龙茶 150g' })).toHaveCount(1);
  for (const title of await titles()) expect(title).toContain('乌龙');
  await expect(page.getByTestId('search-input')).toHaveValue('乌龙');

  await search('鸡蛋卷');
  await expect(cards.filter({ hasText: '原味鸡蛋卷 礼盒装' })).toHaveCount(1);

  // A word only in a subtitle finds its product too.
  await search('狮峰山');
  await expect(cards.filter({ hasText: '西湖龙井 明前 100g' })).toHaveCount(1);

  // Nothing found: said so, not an empty page.
  await search('无此商品xyz');
  await expect(page.getByTestId('search-note')).toHaveText('没有找到与“无此商品xyz”相关的商品，换个词试试');
  await expect(cards).toHaveCount(0);

  // The category chips keep the search; the sorts keep both.
  await search('茶');
  await page.getByRole('link', { name: '生活好物', exact: true }).click();
  await expect(page).toHaveURL(/category=home/);
  await expect(page.getByTestId('search-input')).toHaveValue('茶');
  await expect(cards.filter({ hasText: '手工陶瓷茶杯' })).toHaveCount(1);
  await expect(cards.filter({ hasText: '白茶香薰蜡烛 200g' })).toHaveCount(1);
  await expect(cards.filter({ hasText: '冻顶乌龙茶' })).toHaveCount(0);

  const prices = async () =>
    (await cards.locator('.price').allTextContents()).map((p) => Number(p.replace(/[^0-9.]/g, '')));
  await page.locator('[data-sort="price_desc"]').click();
  await expect(page).toHaveURL(/sort=price_desc/);
  await expect(page.locator('[data-sort="price_desc"]')).toHaveAttribute('aria-current', 'true');
  const high = await prices();
  expect(high.length).toBeGreaterThanOrEqual(2);
  expect(high).toEqual([...high].sort((a, b) => b - a));
  await page.locator('[data-sort="price_asc"]').click();
  await expect(page).toHaveURL(/sort=price_asc/);
  const low = await prices();
  expect(low).toEqual([...low].sort((a, b) => a - b));
  expect(low).toEqual([...high].reverse());

  // A search from a sorted category stays in both.
  await search('蜡烛');
  await expect(page).toHaveURL(/category=home/);
  await expect(page).toHaveURL(/sort=price_asc/);
  await expect(await titles()).toEqual(['白茶香薰蜡烛 200g']);

  // Past the last page: nothing, and a way back.
  await page.goto('/?page=7');
  await expect(cards).toHaveCount(0);
  await expect(page.getByTestId('page-number')).toHaveText('第 7 页');
  await page.getByTestId('previous-page').click();
  await expect(page).toHaveURL(/page=6/);
});

test('without an openid or a session the buyer is sent to the OAuth entry', async ({ page }) => {
  const res = await page.request.get('/cart', { maxRedirects: 0 });
  expect(res.status()).toBe(302);
  expect(res.headers()['location']).toContain('/mp_pay/oauth?merchant_no=');
  expect(res.headers()['location']).toContain('return_to=%2Fcart');
});

test('an implausible openid from the container gets a clear error page', async ({ page }) => {
  const res = await arriveAs(page, 'not%20valid');
  expect(res?.status()).toBe(400);
  await expect(page.getByRole('heading', { name: '无效的用户标识' })).toBeVisible();
});

test("a link carrying someone else's openid signs nobody in and swaps no session", async ({ page, consoleProblems }) => {
  const victim = newOpenid();
  // A stranger opens a link with the victim's openid: they are sent to authorise as
  // themselves (the gateway's WeChat authorisation), never shown the victim's shop.
  await page.goto(`/orders?openid=${victim}`);
  await expect(page).toHaveURL(/\/mp_pay\/oauth\?/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText('微信授权');
  expect((await page.context().cookies()).map((c) => c.name)).not.toContain('shop_session');

  // A buyer with a cart opens a link with another openid (login CSRF): still themselves.
  await arriveAs(page, victim);
  await openProduct(page, '生活好物', '棉麻环保购物袋');
  await addToCart(page, 1);
  await expect(badge(page)).toHaveText('1');
  await page.goto(`/cart?openid=${newOpenid()}`);
  await expect(page.getByTestId('cart-line')).toHaveCount(1);
  await expect(badge(page)).toHaveText('1');
});
