import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Arena } from '../../server/arena.ts';
import { ManualTime } from '../../server/race/clock.ts';
import { registerAndLogin, startTestArena } from './arenaHarness.ts';

describe('expired login sessions', () => {
  const time = new ManualTime();
  let arena: Arena;
  beforeAll(async () => {
    arena = await startTestArena({ RACE_WORKERS: '0' }, { clock: time, scheduler: time });
  });
  afterAll(async () => {
    await arena.close();
  });

  it('are deleted every hour even if nobody comes back with them; live ones stay', async () => {
    const user = await registerAndLogin(arena);
    const { prisma } = arena.database;
    await prisma.session.create({
      data: { tokenHash: 'f'.repeat(64), userId: user.id, expiresAt: new Date(Date.now() - 1000) },
    });
    expect(await prisma.session.count()).toBe(2);
    time.advance(59 * 60 * 1000);
    await new Promise((r) => setTimeout(r, 200));
    expect(await prisma.session.count()).toBe(2);
    time.advance(60 * 1000);
    await expect.poll(() => prisma.session.count(), { timeout: 5000 }).toBe(1);
    const me = await fetch(`http://127.0.0.1:${arena.port}/api/me`, { headers: user.headers });
    expect(me.status).toBe(200);
  });
});
