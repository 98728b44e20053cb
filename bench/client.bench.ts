/**
 * `npm run bench:client`: the race view in headless Chromium (Debian's, software rendering) with
 * 8 bot cars: frames per second while spectating, per Pixi renderer, and the time from opening
 * the race page to its first drawn frame. A real arena (embedded PostgreSQL in a temporary
 * folder) serves the built client.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startArena } from '../server/arena.ts';
import { parseServerConfig } from '../server/config.ts';
import { createLogger } from '../server/log.ts';
import type { ArenaDebug } from '../client/src/race/raceDebug.ts';
import { launchChromium } from '../test/e2e/chromium.ts';
import { buildClient } from '../test/e2e/clientBuild.ts';

const MEASURE_SECONDS = 6;
const RENDERERS = ['auto', 'canvas', 'webgl'] as const;
const DIFFICULTIES = ['hard', 'medium', 'easy', 'hard', 'medium', 'easy', 'hard', 'medium'] as const;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
const debugOf = (page: Page): Promise<ArenaDebug> =>
  page.evaluate(() => (globalThis as unknown as { __arenaDebug: ArenaDebug }).__arenaDebug);

async function main(): Promise<void> {
  const distDir = await buildClient();
  const dataDir = mkdtempSync(join(tmpdir(), 'arena-bench-client-'));
  const config = parseServerConfig({
    PORT: '0',
    LOG_LEVEL: 'silent',
    CLIENT_DIST_DIR: distDir,
    DATA_DIR: dataDir,
    LADDER_CONCURRENCY: '0',
  });
  const arena = await startArena(config, { log: createLogger('silent'), seedAgents: [] });
  const browser = await launchChromium();
  try {
    // The first race of a fresh server also starts its worker threads: not the client's time.
    const warmUp = arena.lobby.create({ laps: 1, bots: [{ difficulty: 'easy' }], waitSeconds: 0 });
    while (warmUp.status !== 'racing') await sleep(50);
    console.log(`race view, 8 cars, 1280x800, headless Chromium (${browser.version()}), software rendering`);
    for (const renderer of RENDERERS) {
      const room = arena.lobby.create({
        laps: 3,
        seed: 11,
        bots: DIFFICULTIES.map((difficulty) => ({ difficulty })),
        waitSeconds: 0,
      });
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const page = await context.newPage();
      await page.goto(
        `http://127.0.0.1:${arena.port}/races/${room.id}${renderer === 'auto' ? '' : `?renderer=${renderer}`}`,
      );
      await page.waitForFunction(
        () => (globalThis as unknown as { __arenaDebug?: ArenaDebug }).__arenaDebug?.firstFrameMs != null,
        null,
        { timeout: 30_000 },
      );
      const first = await debugOf(page);
      const steps = await page.evaluate(() => {
        const timing = performance as unknown as {
          getEntriesByType(
            type: string,
          ): { name: string; startTime: number; responseEnd: number; domContentLoadedEventEnd: number }[];
        };
        const nav = timing.getEntriesByType('navigation')[0];
        const marks = performance
          .getEntriesByType('mark')
          .map((m) => `${m.name.replace('arena:', '')} ${m.startTime.toFixed(0)}`);
        return [
          `html ${nav?.responseEnd.toFixed(0)}`,
          `scripts run ${nav?.domContentLoadedEventEnd.toFixed(0)}`,
          ...marks,
        ].join(', ');
      });
      while ((await debugOf(page)).state.status !== 'racing') await sleep(100);
      await sleep(1500);
      const measure = (): Promise<{ frames: number; t: number }> =>
        page.evaluate(() => ({
          frames: (globalThis as unknown as { __arenaDebug: ArenaDebug }).__arenaDebug.frameCount,
          t: performance.now(),
        }));
      const a = await measure();
      await sleep(MEASURE_SECONDS * 1000);
      const b = await measure();
      const fps = ((b.frames - a.frames) * 1000) / (b.t - a.t);
      console.log(
        `${renderer.padEnd(6)} (Pixi ${first.renderer}): ${fps.toFixed(1)} fps over ${MEASURE_SECONDS} s; first drawn frame ${first.firstFrameMs?.toFixed(0)} ms after opening the page (${steps} ms)`,
      );
      await context.close();
    }
    console.log('targets: >= 55 fps with 8 cars, first frame <= 1500 ms');
  } finally {
    await browser.close();
    await arena.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
