/**
 * Helpers for the leaderboard, upload and account e2e tests (beside browserHarness.ts): the
 * console errors a test provokes on purpose, accounts made through the API, and a marker that
 * proves a page updated without reloading.
 */
import type { Page } from 'playwright-core';
import type { BrowserArena } from './browserHarness.ts';

/**
 * Console errors other than the failed requests a test makes on purpose: Chromium logs every
 * non-2xx answer ("Failed to load resource: … status of 401") with the request's URL.
 */
export function unexpectedConsoleErrors(
  errors: readonly string[],
  expected: readonly { status: number; path: string }[],
): string[] {
  return errors.filter(
    (error) =>
      !expected.some(
        ({ status, path }) =>
          error.includes(`status of ${status}`) && new RegExp(`\\(https?://[^/]+${escapeRegExp(path)}[?)]`).test(error),
      ),
  );
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Registers and logs in through the API in the page's browser context (its cookie jar). */
export async function registerAndLogIn(page: Page, name: string, password = 'correct horse battery'): Promise<string> {
  const registered = await page.request.post('/api/register', { data: { name, password } });
  if (registered.status() !== 201)
    throw new Error(`register ${name}: ${registered.status()} ${await registered.text()}`);
  const login = await page.request.post('/api/login', { data: { name, password } });
  if (login.status() !== 200) throw new Error(`login ${name}: ${login.status()} ${await login.text()}`);
  return ((await registered.json()) as { id: string }).id;
}

/** The page's document, as code passed to page.evaluate sees it (the tests are typechecked without DOM types). */
export interface PageDocument {
  readonly document: { getAnimations(): unknown[]; documentElement: { scrollWidth: number } };
}

/** Marks the current document; `isSameDocument` is then false after any reload or full navigation. */
export async function markDocument(page: Page): Promise<void> {
  await page.evaluate(() => {
    (globalThis as unknown as { __e2eMarker?: number }).__e2eMarker = 1;
  });
}

export async function isSameDocument(page: Page): Promise<boolean> {
  return page.evaluate(() => (globalThis as unknown as { __e2eMarker?: number }).__e2eMarker === 1);
}

/** A full-page screenshot from the top (the sticky header stays where it belongs). */
export async function screenshotFromTop(e2e: BrowserArena, page: Page, name: string): Promise<void> {
  await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
  await e2e.screenshot(page, name, { fullPage: true });
}
