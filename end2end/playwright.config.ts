import { defineConfig } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';

// The release server (built by `cargo leptos build --release`) on a fresh SQLite database,
// and the sandbox gateway. The sandbox is reached as `localhost`, the shop as `127.0.0.1`:
// two different sites, as the gateway's container and the merchant's host are in WeChat.
const port = Number(process.env.E2E_PORT ?? 3300);
const sandboxPort = Number(process.env.E2E_SANDBOX_PORT ?? 3400);
const useepayPort = Number(process.env.E2E_USEEPAY_PORT ?? 3301);
const dbDir = path.join(os.tmpdir(), `shop-e2e-${process.pid}`);
const useepayDbDir = path.join(os.tmpdir(), `shop-e2e-useepay-${process.pid}`);
export const baseURL = `http://127.0.0.1:${port}`;
export const sandboxURL = `http://localhost:${sandboxPort}`;
// A second shop selling through UseePay (seed 002): buyers sign in with the merchant's own
// official account (the sandbox plays WeChat's OAuth), and pages run on the shop's origin.
export const useepayShopURL = `http://127.0.0.1:${useepayPort}`;
// The secret path of the page URL the shop registers with its gateway
// (GATEWAY_CONTAINER_SECRET): only requests under it may bind a buyer from `?openid=`.
export const containerSecret = 'e2e-container-secret-0123456789';

// WeChat's in-app browser on Android, at a phone's size.
const wechat = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  userAgent:
    'Mozilla/5.0 (Linux; Android 14; Pixel 7 Build/UQ1A.240205.004; wv) AppleWebKit/537.36 ' +
    '(KHTML, like Gecko) Version/4.0 Chrome/122.0.6261.120 Mobile Safari/537.36 XWEB/1220099 ' +
    'MMWEBSDK/20240404 MMWEBID/2650 MicroMessenger/8.0.49.2600(0x28003133) WeChat/arm64 Weixin ' +
    'NetType/WIFI Language/zh_CN ABI/arm64',
  locale: 'zh-CN',
};

export default defineConfig({
  testDir: './tests',
  timeout: 30_000,
  fullyParallel: false,
  workers: 2,
  retries: 0,
  reporter: [['list']],
  use: {
    baseURL,
    ...wechat,
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      // Without these, Chromium tries to reach Google's hosts, which this network refuses.
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    },
  },
  projects: [
    { name: 'wechat-js', use: { javaScriptEnabled: true } },
    // The same journeys before hydration: everything must work as server-rendered HTML.
    { name: 'wechat-no-js', use: { javaScriptEnabled: false } },
  ],
  webServer: [
    {
      command: 'exec ../target/release/sandbox',
      url: `http://127.0.0.1:${sandboxPort}/healthz`,
      timeout: 60_000,
      reuseExistingServer: false,
      env: {
        SANDBOX_LISTEN_ADDR: `127.0.0.1:${sandboxPort}`,
        // The registered page URL, secret path included, as a merchant registers it.
        SANDBOX_MERCHANT_PAGE: `${baseURL}/wc/${containerSecret}/`,
        // Notification retries 100x faster than the real schedule.
        SANDBOX_TIME_SCALE: '0.01',
        RUST_LOG: 'warn',
      },
    },
    {
      // Two admin accounts for the back-office journeys, created the documented way.
      command:
        `rm -rf ${dbDir} && mkdir -p ${dbDir} && ` +
        `echo e2e-tea-shop-2026 | ../target/release/server admin create --username e2e-owner && ` +
        `echo e2e-tea-shop-2026 | ../target/release/server admin create --username e2e-locked --role staff && ` +
        `exec ../target/release/server`,
      url: `${baseURL}/healthz`,
      timeout: 60_000,
      reuseExistingServer: false,
      env: {
        DATABASE_URL: `sqlite://${dbDir}/shop.db?mode=rwc`,
        SHOP_DATA_DIR: dbDir,
        SHOP_LISTEN_ADDR: `127.0.0.1:${port}`,
        SHOP_PUBLIC_URL: baseURL,
        LEPTOS_SITE_ROOT: '../target/site',
        GATEWAY_BASE_URL: `http://127.0.0.1:${sandboxPort}`,
        GATEWAY_OAUTH_URL: `${sandboxURL}/mp_pay/oauth`,
        GATEWAY_CONTAINER_ORIGIN: sandboxURL,
        GATEWAY_CONTAINER_SECRET: containerSecret,
        SHOP_SETTLE_INTERVAL_SECS: '1',
        SHOP_RETURN_ADDRESS: '深圳市南山区科技园退货部 李四收 0755-12345678',
        RUST_LOG: 'warn',
      },
    },
    {
      command:
        `rm -rf ${useepayDbDir} && mkdir -p ${useepayDbDir} && ` +
        `echo e2e-tea-shop-2026 | ../target/release/server admin create --username e2e-owner && ` +
        `exec ../target/release/server`,
      url: `${useepayShopURL}/healthz`,
      timeout: 60_000,
      reuseExistingServer: false,
      env: {
        DATABASE_URL: `sqlite://${useepayDbDir}/shop.db?mode=rwc`,
        SHOP_DATA_DIR: useepayDbDir,
        SHOP_LISTEN_ADDR: `127.0.0.1:${useepayPort}`,
        SHOP_PUBLIC_URL: useepayShopURL,
        LEPTOS_SITE_ROOT: '../target/site',
        PAYMENT_PROVIDER: 'useepay',
        USEEPAY_BASE_URL: `http://127.0.0.1:${sandboxPort}/useepay`,
        SHOP_OAUTH: 'official_account',
        WECHAT_APPID: 'wx_sandbox_appid',
        WECHAT_APPSECRET: 'sandbox-official-account-secret',
        WECHAT_OAUTH_BASE: sandboxURL,
        WECHAT_API_BASE: `http://127.0.0.1:${sandboxPort}`,
        SHOP_SETTLE_INTERVAL_SECS: '1',
        RUST_LOG: 'warn',
      },
    },
  ],
});
