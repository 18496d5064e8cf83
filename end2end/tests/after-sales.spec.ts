// After-sales, as buyers and merchants do it: a return from the payment container (with a
// photo), approved, sent back, received and refunded; and a refund request without
// JavaScript, refused once and withdrawn.
import { expect, Page } from '@playwright/test';
import { test, arriveAs, expectHttpError, newOpenid, paidInContainer, OWNER } from './fixtures';
import { sandboxURL } from '../playwright.config';
import * as path from 'path';

const jsOn = () => test.info().project.use.javaScriptEnabled !== false;

async function signIn(page: Page) {
  await page.goto('/admin/login');
  await page.getByTestId('login-username').fill(OWNER.username);
  await page.getByTestId('login-password').fill(OWNER.password);
  await page.getByTestId('login-submit').click();
  await expect(page).toHaveURL(/\/admin$/);
}

test('a buyer returns a parcel with a photo, the merchant approves, receives it back and refunds, and the buyer sees the refund', async ({ page, browser, consoleProblems }) => {
  test.skip(!jsOn(), 'the payment container needs JavaScript; the no-JS request is the next test');
  const openid = newOpenid();
  const { context, shopper, orderNo } = await paidInContainer(browser, openid);
  await signIn(page);
  await page.goto(`/admin/orders/${orderNo}`);
  await page.getByTestId('carrier').selectOption('yto');
  await page.getByTestId('tracking-no').fill('YT7000000000001');
  await page.getByTestId('ship').click();
  await expect(page.getByTestId('admin-order-status')).toHaveAttribute('data-status', 'shipped');

  // The buyer asks for a return, inside the container, with a photo of the damage.
  await shopper.reload();
  await shopper.getByTestId('ask-after-sale').click();
  await expect(shopper.getByTestId('case-submit')).toHaveAttribute('data-ready', '');
  await shopper.getByTestId('kind-return_refund').check();
  await shopper.getByTestId('case-reason').selectOption('damaged');
  await shopper.getByTestId('case-description').fill('罐子压扁了');
  await shopper.getByTestId('case-photos-input').setInputFiles(path.join(__dirname, '..', 'fixtures', 'tea.png'));
  await shopper.getByTestId('case-submit').click();
  await expect(shopper.getByTestId('case-notice')).toBeVisible();
  await expect(shopper).toHaveURL(new RegExp(`^${sandboxURL}/orders/${orderNo}\\?after_sale=requested`));
  await expect(shopper.getByTestId('case')).toHaveAttribute('data-status', 'requested');
  await expect(shopper.getByTestId('case-photos').locator('img')).toHaveCount(1);

  // The merchant finds it from the dashboard and approves, with the shop's return address.
  await page.goto('/admin');
  await page.getByTestId('after-sales-count').click();
  const row = page.getByTestId('case-row').filter({ hasText: orderNo });
  await expect(row).toHaveAttribute('data-status', 'requested');
  await row.getByRole('link').click();
  await expect(page.getByTestId('admin-case')).toContainText('罐子压扁了');
  await expect(page.getByTestId('case-return-to')).toHaveValue(/退货部/);
  await page.getByTestId('case-approve').click();
  await expect(page.getByTestId('admin-case')).toHaveAttribute('data-status', 'awaiting_return');

  // The buyer reads where to send it and enters the return's tracking number.
  await shopper.reload();
  await expect(shopper.getByTestId('return-to')).toContainText('退货部');
  await expect(shopper.getByTestId('send-back')).toHaveAttribute('data-ready', '');
  await shopper.getByTestId('return-carrier').selectOption('sf');
  await shopper.getByTestId('return-tracking').fill('SF8800000000001');
  await shopper.getByTestId('send-back').click();
  await expect(shopper.getByTestId('case')).toHaveAttribute('data-status', 'returning');
  await expect(shopper.getByTestId('withdraw')).toHaveCount(0);

  // The parcel is back: the merchant refunds, and the gateway confirms.
  await page.reload();
  await expect(page.getByTestId('admin-return-parcel')).toContainText('SF8800000000001');
  await page.getByTestId('case-goods-back').click();
  await expect(async () => {
    await page.reload();
    await expect(page.getByTestId('admin-case')).toHaveAttribute('data-status', 'refunded', { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });
  await expect(page.getByTestId('admin-order-status')).toHaveAttribute('data-status', 'refunded');

  await shopper.reload();
  await expect(shopper.getByTestId('case')).toHaveAttribute('data-status', 'refunded');
  await expect(shopper.getByTestId('refunded')).toContainText('HK$');
  await expect(shopper.getByTestId('timeline').locator('[data-kind="after_sale"]')).toHaveCount(5);
  await expect(shopper.getByTestId('ask-after-sale')).toHaveCount(0);

  await context.close();

  // In English, the same order page (the buyer on the shop's own pages).
  await arriveAs(page, openid, `/orders/${orderNo}`);
  await page.goto(`/lang?to=en&back=${encodeURIComponent(`/orders/${orderNo}`)}`);
  await expect(page.getByTestId('case-status')).toHaveText('Refunded');
  await expect(page.getByTestId('timeline')).toContainText('Refund completed');
  await expect(page.getByTestId('order-status')).toHaveText('Refunded');
});

test('without JavaScript a buyer asks for a refund, is told what is wrong, and withdraws the request', async ({ page, browser, consoleProblems }) => {
  const openid = newOpenid();
  const { context, orderNo } = await paidInContainer(browser, openid);
  await context.close();
  // The same buyer on the shop's own pages (JavaScript on or off, as the project says).
  await arriveAs(page, openid, `/orders/${orderNo}`);
  await page.getByTestId('ask-after-sale').click();
  await expect(page).toHaveURL(new RegExp(`/orders/${orderNo}/after-sales$`));
  if (jsOn()) await expect(page.getByTestId('case-submit')).toHaveAttribute('data-ready', '');
  // Not shipped: refund only, chosen already.
  await expect(page.getByTestId('kind-return_refund')).toHaveCount(0);
  await expect(page.getByTestId('kind-refund_only')).toBeChecked();
  await page.getByTestId('case-reason').selectOption('no_longer_wanted');
  await page.getByTestId('case-amount').fill('999.00');
  expectHttpError(400);
  await page.getByTestId('case-submit').click();
  await expect(page.getByTestId('error')).toContainText('最多');
  if (!jsOn()) {
    // The form came back: choose again.
    await page.getByTestId('case-reason').selectOption('no_longer_wanted');
  }
  await page.getByTestId('case-amount').fill('');
  await page.getByTestId('case-description').fill('买多了');
  await page.getByTestId('case-submit').click();
  await expect(page.getByTestId('case-notice')).toBeVisible();
  await expect(page.getByTestId('case')).toHaveAttribute('data-status', 'requested');
  await expect(page.getByTestId('ask-after-sale')).toHaveCount(0);

  if (jsOn()) await expect(page.getByTestId('withdraw')).toHaveAttribute('data-ready', '');
  await page.getByTestId('withdraw').click();
  await expect(page.getByTestId('case')).toHaveAttribute('data-status', 'withdrawn');
  await expect(page.getByTestId('ask-after-sale')).toBeVisible();
  await expect(page.getByTestId('timeline')).toContainText('撤销售后申请');

  // The same order page in English.
  await page.goto(`/lang?to=en&back=${encodeURIComponent(`/orders/${orderNo}`)}`);
  await expect(page.getByTestId('case-status')).toHaveText('Withdrawn');
  await expect(page.getByTestId('timeline')).toContainText('Request withdrawn');
  await expect(page.getByTestId('ask-after-sale')).toHaveText('Ask for a refund or return');

  // The merchant ships it; the buyer follows the parcel and confirms it arrived (a plain
  // form post without JavaScript).
  const merchant = await browser.newContext();
  const desk = await merchant.newPage();
  await signIn(desk);
  await desk.goto(`/admin/orders/${orderNo}`);
  await desk.getByTestId('carrier').selectOption('ems');
  await desk.getByTestId('tracking-no').fill('EE123456789CN');
  await desk.getByTestId('ship').click();
  await expect(desk.getByTestId('admin-order-status')).toHaveAttribute('data-status', 'shipped');
  await merchant.close();
  await page.reload();
  await expect(page.getByTestId('carrier')).toHaveText('EMS');
  await expect(page.getByTestId('track-parcel')).toHaveAttribute('href', /EE123456789CN/);
  if (jsOn()) await expect(page.getByTestId('confirm-receipt')).toHaveAttribute('data-ready', '');
  await page.getByTestId('confirm-receipt').click();
  await expect(page.getByTestId('order-status')).toHaveAttribute('data-status', 'completed');
  await expect(page.getByTestId('order-notice')).toBeVisible();
});
