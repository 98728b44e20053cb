import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArenaDebug } from '../../client/src/race/raceDebug.ts';
import { readSeedAgents } from '../../server/agents/seedAgents.ts';
import { createRace } from '../integration/arenaHarness.ts';
import { startBrowserArena, type BrowserArena } from './browserHarness.ts';

const AGENT_ID = 'seed-sarenac-dqn';

describe("agent's eye panel in Chromium", () => {
  let e2e: BrowserArena;

  beforeAll(async () => {
    const seeds = readSeedAgents().filter((seed) => seed.agentId === AGENT_ID);
    e2e = await startBrowserArena({ deps: { seedAgents: seeds, raceDefaults: { countdownMs: 500 } } });
    await e2e.arena.agents.seedsReady;
  }, 180_000);

  afterAll(async () => {
    await e2e?.close();
  });

  it("shows the agent's 96x96 view and the action it took while spectating it", async () => {
    const raceId = await createRace(e2e.arena, {
      laps: 1,
      bots: [{ difficulty: 'hard' }],
      agents: [AGENT_ID],
      maxCars: 2,
      waitSeconds: 0,
    });
    const page = await e2e.newPage('desktop');
    await page.goto(e2e.url(`/races/${raceId}`));
    await page.waitForFunction(
      () => (globalThis as unknown as { __arenaDebug?: ArenaDebug }).__arenaDebug?.state.status === 'racing',
      null,
      { timeout: 30_000 },
    );
    // The page follows the first agent car by default; its panel shows its frame and action.
    const panel = page.locator('.agent-eye');
    await panel.waitFor({ state: 'visible' });
    await expect
      .poll(() => panel.locator('.action-value').first().innerText(), { timeout: 10_000 })
      .toMatch(/^-?\d\.\d\d$/);
    await page.waitForTimeout(1500);
    const frame = await page.evaluate(() => {
      const g = globalThis as unknown as { document: { querySelector(s: string): unknown } };
      const canvas = g.document.querySelector('.agent-eye-frame') as {
        width: number;
        height: number;
        getContext(kind: '2d'): {
          getImageData(x: number, y: number, w: number, h: number): { data: Uint8ClampedArray };
        };
      };
      const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
      const colours = new Set<number>();
      let red = 0;
      for (let i = 0; i < data.length; i += 4) {
        colours.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
        if (data[i] > 150 && data[i + 1] < 60 && data[i + 2] < 60) red++;
      }
      return { width: canvas.width, height: canvas.height, colours: colours.size, red };
    });
    expect(frame.width).toBe(96);
    expect(frame.height).toBe(96);
    expect(frame.colours, 'a real picture: grass, road, HUD').toBeGreaterThan(8);
    expect(frame.red, 'the agent sees itself in red').toBeGreaterThan(10);
    await e2e.screenshot(page, 'race-agent-eye-desktop');
    expect(e2e.consoleErrors).toEqual([]);
  }, 90_000);
});
