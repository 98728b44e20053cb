/**
 * Uploading an agent in the browser: a seed agent's files dropped on the page fill the manifest
 * form, the upload shows its validation report check by check with the trial episode, and the
 * agent reaches the leaderboard live once a rated race has run; a broken file gets a report that
 * says what is wrong; a guest is told to log in. Screenshots at desktop and phone sizes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { REPO_ROOT, startBrowserArena, type BrowserArena } from './browserHarness.ts';
import {
  isSameDocument,
  markDocument,
  registerAndLogIn,
  unexpectedConsoleErrors,
  screenshotFromTop,
} from './pageChecks.ts';

const SEED_DIR = join(REPO_ROOT, 'agents/seed/sarenac-dqn');
const SEED_FILES = ['manifest.json', 'weights.f32.npy'];
const CHECKS = ['size', 'zip', 'manifest', 'model', 'shapes', 'weights', 'runtime', 'trial'];

let e2e: BrowserArena;

beforeAll(async () => {
  // Short races: the rated race that puts the agent on the board ends after 6 s at most.
  e2e = await startBrowserArena({ deps: { raceDefaults: { countdownMs: 500, timeLimitTicksPerLap: 300 } } });
}, 240_000);

afterAll(async () => {
  await e2e?.close();
});

/** Drops files on the drop zone the way a browser does: a `drop` event carrying a DataTransfer. */
async function dropFiles(page: Page, files: readonly { name: string; base64: string }[]): Promise<void> {
  const transfer = await page.evaluateHandle((list) => {
    const page = globalThis as unknown as { DataTransfer: new () => { items: { add(file: File): void } } };
    const data = new page.DataTransfer();
    for (const file of list) {
      const bytes = Uint8Array.from(atob(file.base64), (c) => c.charCodeAt(0));
      data.items.add(new File([bytes], file.name));
    }
    return data;
  }, files);
  await page.dispatchEvent('.drop-zone', 'dragenter', { dataTransfer: transfer });
  await page.dispatchEvent('.drop-zone', 'drop', { dataTransfer: transfer });
}

/** Races the agent against two bots until a race of it is stored rated (at most 4 tries); returns that race's id. */
async function runRatedRace(page: Page, agentId: string): Promise<string> {
  const outcomes: string[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const created = await page.request.post('/api/races', {
      data: { laps: 1, agents: [agentId], bots: [{ difficulty: 'hard' }, { difficulty: 'easy' }], waitSeconds: 0 },
    });
    expect(created.status()).toBe(201);
    const raceId = ((await created.json()) as { id: string }).id;
    const deadline = Date.now() + 45_000;
    for (;;) {
      const stored = await page.request.get(`/api/races/${raceId}`);
      if (stored.status() === 200) {
        const race = (await stored.json()) as { rated: boolean; unratedReason: string | null };
        if (race.rated) return raceId;
        outcomes.push(`${raceId}: unrated (${race.unratedReason})`);
        break;
      }
      if (Date.now() > deadline) throw new Error(`race ${raceId} was not stored within 45 s`);
      await page.waitForTimeout(500);
    }
  }
  throw new Error(`no rated race in 4 tries: ${outcomes.join('; ')}`);
}

describe('uploading an agent in the browser', () => {
  it('drops a seed agent, shows its report and trial, then finds it on the leaderboard live', async () => {
    const page = await e2e.newPage('desktop');
    await registerAndLogIn(page, 'uploader');
    await page.goto(e2e.url('/upload'));
    await page.getByRole('heading', { name: 'Upload an agent' }).waitFor();
    await e2e.screenshot(page, 'upload-empty-desktop');

    await dropFiles(
      page,
      SEED_FILES.map((name) => ({ name, base64: readFileSync(join(SEED_DIR, name)).toString('base64') })),
    );
    // The form is filled from the dropped manifest.json.
    await page.locator('.file-list li').nth(1).waitFor();
    await expect.poll(() => page.getByLabel('Name', { exact: true }).inputValue()).toBe('Sarenac DQN');
    expect(await page.getByLabel('Model format').inputValue()).toBe('npy-genome');
    expect(await page.getByLabel('Model file').inputValue()).toBe('weights.f32.npy');
    expect(await page.getByLabel('Architecture').inputValue()).toBe('sarenac-dqn-v1');
    expect(await page.getByLabel('Action', { exact: true }).inputValue()).toBe('discrete');
    await screenshotFromTop(e2e, page, 'upload-form-desktop');

    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.locator('.banner-ok').waitFor({ timeout: 120_000 });
    expect(await page.locator('.banner-ok').innerText()).toContain('Sarenac DQN passed every check');
    // Every check, in order, passed; the trial's reward and latency are shown.
    expect(
      await page
        .locator('.upload-result .report-check')
        .evaluateAll((items) => items.map((i) => i.getAttribute('data-check'))),
    ).toEqual(CHECKS);
    expect(await page.locator('.upload-result .check-passed').count()).toBe(CHECKS.length);
    const trial = await page.locator('.upload-result .trial').innerText();
    expect(trial).toMatch(/Trial episode: 300 steps on seed 7/);
    expect(trial).toMatch(/reward/);
    expect(trial).toMatch(/decision p50/);
    await screenshotFromTop(e2e, page, 'upload-report-desktop');

    // The report links to the agent's page.
    await page.getByRole('link', { name: "Open Sarenac DQN's page" }).click();
    await page.waitForURL('**/agents/**');
    const agentId = decodeURIComponent(new URL(page.url()).pathname.split('/')[2]!);
    await page.getByRole('heading', { name: 'Sarenac DQN' }).waitFor();
    await page.getByText('No rated races yet').waitFor();

    // On the leaderboard it is among the newest agents, awaiting its first rated race …
    await page.goto(e2e.url('/leaderboard?board=agents'));
    await page.locator(`.newest-list li[data-id="${agentId}"]`).getByText('awaiting its first rated race').waitFor();
    await markDocument(page);
    // … and once a rated race with it ends, it appears on the board without a reload. (A race the
    // loaded test machine ran late is stored unrated, 'serverOverload': then it races again.)
    const raceId = await runRatedRace(page, agentId);
    const row = page.locator(`.leaderboard-table tr[data-id="${agentId}"]`);
    await row.waitFor({ timeout: 30_000 });
    expect(await row.innerText()).toContain('Sarenac DQN');
    expect(await isSameDocument(page)).toBe(true);
    await e2e.screenshot(page, 'leaderboard-agents-desktop');

    // Its page now has a rating chart and the race, with a replay link.
    await row.getByRole('link', { name: 'Sarenac DQN' }).click();
    await page.locator('svg.rating-chart .rating-chart-point').first().waitFor();
    expect(await page.locator(`.race-history tr[data-race-id="${raceId}"] a`).getAttribute('href')).toBe(
      `/replays/${raceId}`,
    );
    await screenshotFromTop(e2e, page, 'agent-desktop');
    const phone = await e2e.newPage('phone');
    await phone.goto(e2e.url(`/agents/${encodeURIComponent(agentId)}`));
    await phone.locator('svg.rating-chart').waitFor();
    await screenshotFromTop(e2e, phone, 'agent-phone');
    await phone.context().close();
    await page.context().close();
  }, 240_000);

  it('says in plain words what is wrong with a broken model file', async () => {
    const page = await e2e.newPage('phone');
    await registerAndLogIn(page, 'breaker');
    await page.goto(e2e.url('/upload'));
    await page.locator('input[type=file]').setInputFiles({
      name: 'policy.onnx',
      mimeType: 'application/octet-stream',
      buffer: Buffer.from('this is not a protobuf at all'),
    });
    await expect.poll(() => page.getByLabel('Model file').inputValue()).toBe('policy.onnx');
    expect(await page.getByLabel('Model format').inputValue()).toBe('onnx');

    // A mistake in the form is caught before uploading, under its field.
    await page.getByLabel('Decides every').fill('40');
    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.getByText(/Fix the manifest first/).waitFor();
    expect(await page.locator('.field-invalid').count()).toBeGreaterThan(0);
    await page.getByLabel('Decides every').fill('1');
    await screenshotFromTop(e2e, page, 'upload-form-phone');

    await page.getByRole('button', { name: 'Upload and check' }).click();
    await page.locator('.banner-error').waitFor({ timeout: 60_000 });
    const failed = page.locator('.upload-result .check-failed');
    expect(await failed.getAttribute('data-check')).toBe('model');
    expect(await failed.locator('.check-error').innerText()).toMatch(/^In policy\.onnx, .*: expected .*, but found /);
    expect(await page.locator('.upload-result .check-skipped').count()).toBeGreaterThan(0);
    expect(await page.locator('.banner-error').innerText()).toContain('The agent was not accepted.');
    await screenshotFromTop(e2e, page, 'upload-report-error-phone');
    await page.context().close();
  }, 120_000);

  it("fills the form from a zip bundle's manifest", async () => {
    const page = await e2e.newPage('desktop');
    await registerAndLogIn(page, 'zipper');
    await page.goto(e2e.url('/upload'));
    const dir = join(REPO_ROOT, 'agents/seed/jankowski-ga-1995');
    const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { model: { file: string } };
    const bundle = zipSync(
      {
        'ga/manifest.json': readFileSync(join(dir, 'manifest.json')),
        [`ga/${manifest.model.file}`]: readFileSync(join(dir, manifest.model.file)),
      },
      { level: 0 },
    );
    await page.locator('input[type=file]').setInputFiles({
      name: 'ga.zip',
      mimeType: 'application/zip',
      buffer: Buffer.from(bundle),
    });
    await expect
      .poll(() => page.getByLabel('Name', { exact: true }).inputValue())
      .toBe('Jankowski GA ConvNet (gen 1995)');
    expect(await page.getByLabel('Model file').inputValue()).toBe(manifest.model.file);
    expect(await page.getByLabel('Architecture').inputValue()).toBe('jankowski-convnet-v1');
    expect(await page.getByLabel('Tensor layout').inputValue()).toBe('HWC_AS_NCHW');
    expect(await page.locator('.field-invalid').count()).toBe(0);
    // Removing the bundle empties the list and puts the form back to its defaults.
    await page.getByRole('button', { name: 'Remove ga.zip' }).click();
    await expect.poll(() => page.locator('.file-list li').count()).toBe(0);
    expect(await page.getByLabel('Model file').inputValue()).toBe('');
    await page.context().close();
  }, 60_000);

  it('asks a guest to log in before uploading', async () => {
    const page = await e2e.newPage('phone');
    await page.goto(e2e.url('/upload'));
    await page.locator('.notice').getByText('Uploading needs an account').waitFor();
    expect(await page.getByRole('button', { name: 'Upload and check' }).isDisabled()).toBe(true);
    await e2e.screenshot(page, 'upload-guest-phone');
    await page.context().close();
  });

  it('logged no console errors but the refusal it asked for', () => {
    expect(unexpectedConsoleErrors(e2e.consoleErrors, [{ status: 422, path: '/api/agents' }])).toEqual([]);
  });
});
