import { expect } from '@playwright/test';
import { test, arriveAs, expectHttpError, fillAddress, newOpenid, pickRegion } from './fixtures';

// The address book, with JavaScript on (the form saves through the shop's server function
// and the picker fills at once) and off (plain posts, "next" for each region level).

test('a buyer adds an address through the region picker, and a wrong number is explained', async ({ page, consoleProblems }) => {
  // A refused save answers 400 to the hydrated form (without JavaScript: a redirect).
  expectHttpError(400);
  await arriveAs(page, newOpenid(), '/addresses');
  await expect(page.getByTestId('addresses-empty')).toBeVisible();
  await page.getByTestId('add-address').click();
  await expect(page).toHaveURL(/\/addresses\/new$/);
  await fillAddress(page, '李四', '12345');
  await expect(page.getByTestId('error')).toHaveText('请填写 11 位中国大陆手机号码（以 1 开头）');
  // Nothing typed is lost.
  await expect(page.getByTestId('recipient')).toHaveValue('李四');
  await expect(page.getByTestId('region-region')).toHaveValue('440305');
  await page.getByTestId('mobile').fill('139 0013 9000');
  await page.getByTestId('save-address').click();
  await expect(page.getByTestId('address')).toHaveCount(1);
  await expect(page.getByTestId('address-recipient')).toHaveText('李四');
  await expect(page.getByTestId('address-phone')).toHaveText('13900139000');
  await expect(page.getByTestId('address-line')).toHaveText('广东省 深圳市 南山区 科技园南区 1 栋 101');
  await expect(page.getByTestId('default-badge')).toBeVisible();
});

test('a Hong Kong address takes an 8-digit number with +852, and editing it keeps one default', async ({ page, consoleProblems }) => {
  await arriveAs(page, newOpenid(), '/addresses/new');
  await fillAddress(page, '张三');
  await expect(page.getByTestId('address')).toHaveCount(1);
  await page.getByTestId('add-address').click();
  await page.getByTestId('recipient').fill('陳大文');
  await page.getByTestId('area').selectOption('852');
  await page.getByTestId('mobile').fill('9123 4567');
  await page.getByTestId('detail').fill('皇后大道中 1 號');
  await pickRegion(page, '81', '8101', '810101');
  await page.getByTestId('make-default').check();
  await page.getByTestId('save-address').click();
  await expect(page.getByTestId('address')).toHaveCount(2);
  const first = page.getByTestId('address').first();
  await expect(first.getByTestId('address-phone')).toHaveText('+852 91234567');
  await expect(first.getByTestId('default-badge')).toBeVisible();
  await expect(page.getByTestId('default-badge')).toHaveCount(1);
  await first.getByTestId('delete-address').click();
  await expect(page.getByTestId('address')).toHaveCount(1);
  await expect(page.getByTestId('default-badge')).toHaveCount(1);
});

test('the buyer makes another address the default', async ({ page, consoleProblems }) => {
  await arriveAs(page, newOpenid(), '/addresses/new');
  await fillAddress(page, '张三');
  await expect(page.getByTestId('address')).toHaveCount(1);
  await page.getByTestId('add-address').click();
  await fillAddress(page, '李四', '13900139000');
  await expect(page.getByTestId('address')).toHaveCount(2);
  const lisi = page.getByTestId('address').filter({ hasText: '李四' });
  await expect(lisi.getByTestId('default-badge')).toHaveCount(0);
  // Hydrated, the form goes through the shop's function and follows its redirect here;
  // without JavaScript it posts and is redirected.
  const js = test.info().project.use.javaScriptEnabled !== false;
  if (js) await expect(page.getByTestId('address-list')).toHaveAttribute('data-ready', '');
  const posted = page.waitForRequest((r) => new URL(r.url()).pathname === '/api/addresses/default');
  await lisi.getByTestId('set-default').click();
  expect((await posted).resourceType()).toBe(js ? 'fetch' : 'document');
  await expect(lisi.getByTestId('default-badge')).toBeVisible();
  await expect(page.getByTestId('default-badge')).toHaveCount(1);
});

test('the address form in English', async ({ page, consoleProblems }) => {
  expectHttpError(400);
  await arriveAs(page, newOpenid());
  await page.goto('/lang?to=en&back=%2Faddresses%2Fnew');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Add an address');
  await expect(page.getByText('Recipient')).toBeVisible();
  await fillAddress(page, 'Tai Man Chan', '1234');
  await expect(page.getByTestId('error')).toHaveText('Enter an 11-digit mainland mobile number starting with 1');
});

test('pressing Enter in the form saves the address, with the region picker on the way', async ({ page, consoleProblems }) => {
  await arriveAs(page, newOpenid(), '/addresses/new');
  await page.getByTestId('recipient').fill('王五');
  await page.getByTestId('detail').fill('科技园南区 2 栋 202');
  await pickRegion(page);
  await page.getByTestId('mobile').fill('13700137000');
  // Enter presses the form's first submit button: it saves (the picker's "next" would not).
  await page.getByTestId('mobile').press('Enter');
  await expect(page.getByTestId('address')).toHaveCount(1);
  await expect(page.getByTestId('address-recipient')).toHaveText('王五');
});
