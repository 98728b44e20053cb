/**
 * Accounts in the browser: register (with the form's own checks first), log out, a wrong
 * password, log in again, and a guest's nickname; screenshots of both forms at desktop and
 * phone sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { startBrowserArena, type BrowserArena } from './browserHarness.ts';
import { unexpectedConsoleErrors, screenshotFromTop } from './pageChecks.ts';

let e2e: BrowserArena;

beforeAll(async () => {
  e2e = await startBrowserArena();
}, 240_000);

afterAll(async () => {
  await e2e?.close();
});

async function me(page: Page): Promise<number> {
  return (await page.request.get('/api/me')).status();
}

describe('accounts in the browser', () => {
  it('registers, logs out and logs back in through the forms', async () => {
    const page = await e2e.newPage('desktop');
    await page.goto(e2e.url('/register?next=%2Fleaderboard'));
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    await e2e.screenshot(page, 'register-desktop');

    // The form says what is wrong before anything is sent.
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('A name has at least 3 characters.').waitFor();
    await page.getByLabel('Name', { exact: true }).fill('e2e racer!');
    await page.getByLabel('Password', { exact: true }).fill('short');
    await page.getByLabel('Password again').fill('other');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('A name has only letters, digits, _ and -.').waitFor();
    await page.getByText('A password has at least 8 characters.').waitFor();
    await page.getByText('The two passwords differ.').waitFor();
    await e2e.screenshot(page, 'register-errors-desktop');
    expect(await me(page)).toBe(401);

    await page.getByLabel('Name', { exact: true }).fill('e2e_racer');
    await page.getByLabel('Password', { exact: true }).fill('correct horse battery');
    await page.getByLabel('Password again').fill('correct horse battery');
    await page.getByRole('button', { name: 'Create account' }).click();
    // Registered, logged in, and sent on to ?next= without a reload.
    await page.waitForURL('**/leaderboard');
    await page.getByRole('heading', { name: 'Leaderboard' }).waitFor();
    expect(await me(page)).toBe(200);

    // The account page says who is logged in and logs out.
    await page.goto(e2e.url('/login'));
    await page.getByRole('heading', { name: 'You are logged in as e2e_racer' }).waitFor();
    await e2e.screenshot(page, 'account-logged-in-desktop');
    await page.locator('main').getByRole('button', { name: 'Log out' }).click();
    await page.getByRole('button', { name: 'Log in' }).waitFor();
    expect(await me(page)).toBe(401);

    // A wrong password is refused in words; the right one logs in.
    await page.getByLabel('Name', { exact: true }).fill('e2e_racer');
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByText('Wrong name or password.').waitFor();
    await e2e.screenshot(page, 'login-error-desktop');
    await page.getByLabel('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL((url) => url.pathname === '/');
    expect(await me(page)).toBe(200);

    // Registering a taken name says so under the name.
    const other = await e2e.newPage('desktop');
    await other.goto(e2e.url('/register'));
    await other.getByLabel('Name', { exact: true }).fill('E2E_RACER');
    await other.getByLabel('Password', { exact: true }).fill('another password');
    await other.getByLabel('Password again').fill('another password');
    await other.getByRole('button', { name: 'Create account' }).click();
    await other.getByText('E2E_RACER is taken; pick another name.').waitFor();
    await other.context().close();
    await page.context().close();
  }, 120_000);

  it('lets a guest pick the nickname they race under', async () => {
    const page = await e2e.newPage('phone');
    await page.goto(e2e.url('/login'));
    await page.getByRole('heading', { name: 'Or race as a guest' }).waitFor();
    await page.getByLabel('Nickname').fill('   ');
    await page.getByRole('button', { name: 'Save nickname' }).click();
    await page.getByText('Enter a nickname.').waitFor();
    await page.getByLabel('Nickname').fill('Speedy');
    await page.getByRole('button', { name: 'Save nickname' }).click();
    await page.getByText('You race as Speedy.').waitFor();
    expect(
      await page.evaluate(() =>
        (globalThis as unknown as { localStorage: { getItem(key: string): string | null } }).localStorage.getItem(
          'arena.nickname',
        ),
      ),
    ).toBe('Speedy');
    await screenshotFromTop(e2e, page, 'login-phone');
    await page.goto(e2e.url('/register'));
    await page.getByRole('heading', { name: 'Create an account' }).waitFor();
    expect(await page.getByLabel('Nickname').inputValue()).toBe('Speedy');
    await screenshotFromTop(e2e, page, 'register-phone');
    await page.context().close();
  }, 60_000);

  it('logged no console errors but the refusals it asked for', () => {
    expect(
      unexpectedConsoleErrors(e2e.consoleErrors, [
        { status: 401, path: '/api/login' },
        { status: 409, path: '/api/register' },
      ]),
    ).toEqual([]);
  });
});
