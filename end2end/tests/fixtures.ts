// Shared by every spec: a fresh buyer per test, and a fixture that fails a test on any
// console error or warning or unexpected HTTP error.
import { test as base, expect, Page } from '@playwright/test';
import { containerSecret } from '../playwright.config';

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
    const expectedStatuses = () =>
      testInfo.annotations.filter((a) => a.type === 'expected-http-error').map((a) => Number(a.description));
    page.on('console', (msg) => {
      // Failed loads are reported below with their URL, from the response itself.
      if (msg.text().startsWith('Failed to load resource')) return;
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

