// `make bench`'s phone figures: Chromium as a phone in WeChat (390 px, 2x), on a slow
// mobile network (150 ms round trip, 1.6 Mbit/s down, 750 kbit/s up) with the CPU slowed
// down 4x, every visit with an empty cache. Prints `name value` lines (milliseconds):
//   phone_home_lcp_ms       the home page's largest contentful paint, arriving through
//                           the payment container as a buyer does
//   phone_product_ready_ms  a product page from navigation to its add-to-cart button
//                           hydrated (`data-ready`)
//   node end2end/bench/phone.mjs BASE_URL CONTAINER_SECRET PRODUCT_ID
import { chromium } from '@playwright/test';

const [base, secret, product] = process.argv.slice(2);
if (!base || !secret || !product) {
  console.error('usage: phone.mjs BASE_URL CONTAINER_SECRET PRODUCT_ID');
  process.exit(2);
}
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});

async function phone(cookies) {
  const context = await browser.newContext({
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: 'zh-CN',
    userAgent: 'Mozilla/5.0 (Linux; Android 14; Pixel 7; wv) AppleWebKit/537.36 (KHTML, like Gecko) ' +
      'Version/4.0 Chrome/122.0.0.0 Mobile Safari/537.36 MicroMessenger/8.0.49.2600 NetType/4G',
  });
  if (cookies) await context.addCookies(cookies);
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.setCacheDisabled', { cacheDisabled: false });
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 150,
    downloadThroughput: (1.6 * 1024 * 1024) / 8,
    uploadThroughput: (750 * 1024) / 8,
  });
  await cdp.send('Emulation.setCPUThrottlingRate', { rate: 4 });
  return { context, page };
}

const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const runs = Number(process.env.BENCH_PHONE_RUNS ?? 3);
const lcps = [];
const readies = [];
for (let i = 0; i < runs; i++) {
  const openid = `oBenchPhone${String(Date.now()).slice(-8)}${i}`.padEnd(24, '0');
  const first = await phone();
  await first.page.goto(`${base}/wc/${secret}/?openid=${openid}`, { waitUntil: 'load' });
  lcps.push(await first.page.evaluate(() => new Promise((resolve) => {
    new PerformanceObserver((list) => {
      const entries = list.getEntries();
      resolve(entries[entries.length - 1].startTime);
    }).observe({ type: 'largest-contentful-paint', buffered: true });
    setTimeout(() => resolve(NaN), 5000);
  })));
  const cookies = await first.context.cookies();
  await first.context.close();

  // A shared product link opened cold (the buyer's session, nothing cached).
  const second = await phone(cookies);
  await second.page.goto(`${base}/product/${product}`, { waitUntil: 'commit' });
  await second.page.waitForSelector('[data-testid="add-to-cart"][data-ready]', { timeout: 30000 });
  readies.push(await second.page.evaluate(() => performance.now()));
  await second.context.close();
}
await browser.close();
console.log(`phone_home_lcp_ms ${Math.round(median(lcps))}`);
console.log(`phone_product_ready_ms ${Math.round(median(readies))}`);
