/**
 * The leaderboard in the browser: its boards (everyone, agents, humans) with links to agent and
 * player pages, a new rated race showing up without a reload, a player's page with the rating
 * chart and replay links, and unknown ids answered in words. Screenshots at desktop and phone
 * sizes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { relabel, runBotRace } from '../../server/store/raceResults.testutil.ts';
import type { RaceResults } from '../../shared/protocol/events.ts';
import { startBrowserArena, type BrowserArena } from './browserHarness.ts';
import {
  isSameDocument,
  type PageDocument,
  markDocument,
  unexpectedConsoleErrors,
  screenshotFromTop,
} from './pageChecks.ts';

let e2e: BrowserArena;
let race: RaceResults;
const ids = { alice: '', bob: '', agent: '' };

async function register(name: string): Promise<string> {
  const res = await fetch(e2e.url('/api/register'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name, password: 'correct horse battery' }),
  });
  if (res.status !== 201) throw new Error(`register ${name}: ${res.status}`);
  return ((await res.json()) as { id: string }).id;
}

beforeAll(async () => {
  e2e = await startBrowserArena();
  ids.alice = await register('alice');
  ids.bob = await register('bob');
  const agent = await e2e.arena.agentStore.create(
    {
      name: 'Night Driver',
      format: 'onnx',
      manifest: { model: { format: 'onnx', file: 'night.onnx' }, description: 'A test agent.' },
      modelFile: 'night.onnx',
      report: { ok: true, checks: [] },
    },
    new Map([['night.onnx', new Uint8Array([1, 2, 3])]]),
  );
  ids.agent = agent.id;
  // A real race of bots, relabelled: car 0 is alice, car 1 the agent; the others stay bots.
  race = runBotRace({ raceId: 'x', seed: 3, difficulties: ['hard', 'medium', 'easy', 'hard'] });
  await e2e.arena.resultsSink.save(
    relabel(race, 'lb-race-1', {
      0: { kind: 'human', userId: ids.alice, name: 'alice' },
      1: { kind: 'agent', agentId: ids.agent, name: 'Night Driver' },
    }),
  );
}, 240_000);

afterAll(async () => {
  await e2e?.close();
});

describe('the leaderboard in the browser', () => {
  it('shows every board, updates live and links each row to its page', async () => {
    const page = await e2e.newPage('desktop');
    await page.goto(e2e.url('/leaderboard'));
    const rows = page.locator('.leaderboard-table tbody tr');
    await rows.first().waitFor();
    expect(await page.getByRole('tab', { name: 'Everyone' }).getAttribute('aria-selected')).toBe('true');
    // Humans and agents link to their pages; the built-in bots are listed without one.
    expect(await page.locator(`tr[data-id="${ids.alice}"] a`).getAttribute('href')).toBe(`/players/${ids.alice}`);
    expect(await page.locator(`tr[data-id="${ids.agent}"] a`).getAttribute('href')).toBe(`/agents/${ids.agent}`);
    expect(await page.locator('tr[data-kind="bot"]').count()).toBeGreaterThan(0);
    expect(await page.locator('tr[data-kind="bot"] a').count()).toBe(0);
    expect(await rows.locator('td.rank').allInnerTexts()).toEqual(
      Array.from({ length: await rows.count() }, (_, i) => String(i + 1)),
    );

    // A rated race stored while the page is open appears without a reload.
    await markDocument(page);
    await e2e.arena.resultsSink.save(
      relabel(race, 'lb-race-2', {
        0: { kind: 'human', userId: ids.alice, name: 'alice' },
        2: { kind: 'human', userId: ids.bob, name: 'bob' },
      }),
    );
    const bob = page.locator(`tr[data-id="${ids.bob}"]`);
    await bob.waitFor({ timeout: 30_000 });
    expect(await bob.getAttribute('class')).toContain('row-changed');
    expect(await isSameDocument(page)).toBe(true);
    await page.waitForFunction(() => (globalThis as unknown as PageDocument).document.getAnimations().length === 0);
    await e2e.screenshot(page, 'leaderboard-desktop');

    // The boards.
    await page.getByRole('tab', { name: 'Agents' }).click();
    await page.waitForURL('**/leaderboard?board=agents');
    await expect
      .poll(() =>
        page.locator('.leaderboard-table tbody tr').evaluateAll((r) => r.map((e) => e.getAttribute('data-kind'))),
      )
      .toEqual(['agent']);
    await page.locator('.newest-list').getByText('Night Driver').waitFor();
    await page.getByRole('tab', { name: 'Humans' }).click();
    await expect
      .poll(() =>
        page.locator('.leaderboard-table tbody tr').evaluateAll((r) => r.map((e) => e.getAttribute('data-id')).sort()),
      )
      .toEqual([ids.alice, ids.bob].sort());
    await e2e.screenshot(page, 'leaderboard-humans-desktop');

    // A player's page: rating, chart of both rated races, recent races with replay links.
    await page.locator(`tr[data-id="${ids.alice}"] a`).click();
    await page.waitForURL(`**/players/${ids.alice}`);
    await page.getByRole('heading', { name: 'alice' }).waitFor();
    await expect.poll(() => page.locator('svg.rating-chart .rating-chart-point').count()).toBe(2);
    const replayLinks = page.locator('.race-history a');
    await replayLinks.first().waitFor();
    expect(await replayLinks.evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      '/replays/lb-race-2',
      '/replays/lb-race-1',
    ]);
    expect(await isSameDocument(page)).toBe(true);
    await screenshotFromTop(e2e, page, 'player-desktop');

    // Back to the board and on to the agent's page.
    await page.goBack();
    await page.goto(e2e.url('/leaderboard?board=agents'));
    await page.locator(`tr[data-id="${ids.agent}"] a`).click();
    await page.getByRole('heading', { name: 'Night Driver' }).waitFor();
    await page.locator('svg.rating-chart').waitFor();
    await page.getByText('A test agent.').waitFor();
    await page.context().close();
  }, 180_000);

  it('reads well on a phone', async () => {
    const page = await e2e.newPage('phone');
    await page.goto(e2e.url('/leaderboard'));
    await page.locator('.leaderboard-table tbody tr').first().waitFor();
    // The table fits the screen: no sideways scrolling of the page.
    expect(
      await page.evaluate(() => (globalThis as unknown as PageDocument).document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(390);
    await screenshotFromTop(e2e, page, 'leaderboard-phone');
    await page.goto(e2e.url(`/players/${ids.alice}`));
    await page.locator('svg.rating-chart').waitFor();
    await page.locator('.race-history').waitFor();
    expect(
      await page.evaluate(() => (globalThis as unknown as PageDocument).document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(390);
    await screenshotFromTop(e2e, page, 'player-phone');
    await page.context().close();
  }, 60_000);

  it('says so when a player or an agent does not exist', async () => {
    const page = await e2e.newPage('desktop');
    await page.goto(e2e.url('/players/nobody'));
    await page.getByRole('heading', { name: 'Player not found' }).waitFor();
    await page.goto(e2e.url('/agents/nothing'));
    await page.getByRole('heading', { name: 'Agent not found' }).waitFor();
    await page.context().close();
  }, 60_000);

  it('logged no console errors but the not-founds it asked for', () => {
    expect(
      unexpectedConsoleErrors(e2e.consoleErrors, [
        { status: 404, path: '/api/players/nobody/ratings' },
        { status: 404, path: '/api/agents/nothing/ratings' },
      ]),
    ).toEqual([]);
  });
});
