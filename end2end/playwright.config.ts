import { defineConfig } from '@playwright/test';
import * as os from 'os';
import * as path from 'path';

// The release server (built by `cargo leptos build --release`) on a fresh SQLite database.
const port = Number(process.env.E2E_PORT ?? 3300);
const dbDir = path.join(os.tmpdir(), `shop-e2e-${process.pid}`);
export const baseURL = `http://127.0.0.1:${port}`;

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
  webServer: {
    command: `rm -rf ${dbDir} && mkdir -p ${dbDir} && exec ../target/release/server`,
    url: `${baseURL}/healthz`,
    timeout: 60_000,
    reuseExistingServer: false,
    env: {
      DATABASE_URL: `sqlite://${dbDir}/shop.db?mode=rwc`,
      SHOP_LISTEN_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: '../target/site',
      RUST_LOG: 'warn',
    },
  },
});
