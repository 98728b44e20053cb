/**
 * End-to-end harness: the built client, served by a real arena, driven by Debian's Chromium
 * through playwright-core (never `npx playwright install`).
 *
 *   const e2e = await startBrowserArena();              // build (once per source tree), arena, browser
 *   const page = await e2e.newPage('desktop');          // 'desktop' 1280x800, 'phone' 390x844, or {width, height}
 *   await page.goto(e2e.url('/leaderboard'));
 *   await e2e.screenshot(page, 'leaderboard-desktop');  // -> artifacts/e2e/leaderboard-desktop.png
 *   expect(e2e.consoleErrors).toEqual([]);              // console errors and uncaught page errors, every page
 *   await e2e.close();                                  // in afterAll
 *
 * `e2e.arena` is the server (`startTestArena` of test/integration/arenaHarness.ts, on a fresh
 * database, finished rooms closing after 5 s); `startBrowserArena({ env, deps })` passes settings
 * and dependencies on to it. Each
 * `newPage` has its own browser context (its own cookies: one page per user). The client is
 * built with Vite into artifacts/e2e/client-dist/<hash of the sources>/ under a lock, so test
 * files running in parallel build it once, and a server never serves a folder being rebuilt.
 * Code passed to `page.evaluate` runs in the page but is typechecked with the tests' Node types
 * (no DOM): reach page globals through `globalThis` (e.g. `globalThis.__arenaDebug`, see
 * client/src/race/raceDebug.ts).
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Arena, ArenaDeps } from '../../server/arena.ts';
import { startTestArena } from '../integration/arenaHarness.ts';
import { launchChromium } from './chromium.ts';
import { ARTIFACTS_DIR, buildClient } from './clientBuild.ts';

export { ARTIFACTS_DIR, buildClient, REPO_ROOT } from './clientBuild.ts';
export { CHROMIUM_ARGS, chromiumPath, launchChromium } from './chromium.ts';

/** Finished rooms close after this (not the default minute): closing the arena waits for them. */
const RESULTS_LINGER_MS = 5000;

export const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

export interface BrowserArena {
  readonly arena: Arena;
  readonly browser: Browser;
  /** http://127.0.0.1:<port> */
  readonly baseUrl: string;
  url(path: string): string;
  /** A page in a fresh context (own cookies and localStorage), its errors collected in `consoleErrors`. */
  newPage(viewport?: ViewportName | { width: number; height: number }): Promise<Page>;
  /** `console.error` messages (failed requests too, but not a guest's 401 from /api/me) and uncaught exceptions of every page. */
  readonly consoleErrors: string[];
  /** Saves a PNG of the page to artifacts/e2e/<name>.png and returns its path. */
  screenshot(page: Page, name: string, options?: { fullPage?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/**
 * `GET /api/me` answers 401 for a guest, which is how the client learns it has no account;
 * Chromium logs every non-2xx resource as a console error, so this one is not counted.
 */
function isExpectedGuestCheck(text: string, url: string): boolean {
  return text.includes('status of 401') && new URL(url, 'http://x').pathname === '/api/me';
}

export async function startBrowserArena(
  options: { env?: Record<string, string>; deps?: Partial<ArenaDeps> } = {},
): Promise<BrowserArena> {
  const distDir = await buildClient();
  const arena = await startTestArena(
    { CLIENT_DIST_DIR: distDir, RESULTS_LINGER_MS: String(RESULTS_LINGER_MS), ...options.env },
    options.deps,
  );
  let browser: Browser;
  try {
    browser = await launchChromium();
  } catch (error) {
    await arena.close();
    throw error;
  }
  const baseUrl = `http://127.0.0.1:${arena.port}`;
  const consoleErrors: string[] = [];
  let pageCount = 0;
  return {
    arena,
    browser,
    baseUrl,
    url: (path) => baseUrl + path,
    consoleErrors,
    async newPage(viewport = 'desktop') {
      const size = typeof viewport === 'string' ? VIEWPORTS[viewport] : viewport;
      const context = await browser.newContext({ viewport: size, baseURL: baseUrl });
      const page = await context.newPage();
      const label = `page ${++pageCount}`;
      page.on('console', (message) => {
        if (message.type() !== 'error' || isExpectedGuestCheck(message.text(), message.location().url)) return;
        consoleErrors.push(`[${label}] ${message.text()} (${message.location().url})`);
      });
      page.on('pageerror', (error) => consoleErrors.push(`[${label}] ${error.stack ?? error.message}`));
      return page;
    },
    async screenshot(page, name, screenshotOptions = {}) {
      mkdirSync(ARTIFACTS_DIR, { recursive: true });
      const path = join(ARTIFACTS_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: screenshotOptions.fullPage ?? false });
      return path;
    },
    async close() {
      await browser.close().catch(() => undefined);
      // Keep-alive connections (the tests' own fetch calls) would hold the server open for a minute.
      arena.http.closeAllConnections();
      await arena.close();
    },
  };
}
