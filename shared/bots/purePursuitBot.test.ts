import { describe, expect, it } from 'vitest';
import { measureBotLaps } from './botLaps.ts';
import { BOT_TUNINGS, PurePursuitBot } from './purePursuitBot.ts';
import { buildTrack } from '../sim/trackRoad.ts';

describe('PurePursuitBot', () => {
  it('completes a lap alone within 1000 ticks at hard on a few seeds (npm run bench:bots measures 100)', () => {
    for (const seed of [1, 42, 1424281618]) {
      const r = measureBotLaps(seed, 'hard', 1000);
      expect(r.lapTicks, `seed ${seed}: ${r.outcome}`).not.toBeNull();
      expect(r.lapTicks!).toBeLessThanOrEqual(1000);
    }
  });

  it('is slower at easy than at medium, and at medium than at hard', () => {
    const lap = (d: 'easy' | 'medium' | 'hard'): number => measureBotLaps(4, d, 3000).lapTicks ?? Infinity;
    const [easy, medium, hard] = [lap('easy'), lap('medium'), lap('hard')];
    expect(hard).toBeLessThan(medium);
    expect(medium).toBeLessThan(easy);
    expect(easy).toBeLessThan(3000);
  });

  it('returns actions inside the action space', () => {
    const track = buildTrack(3, { style: 'v3' });
    const bot = new PurePursuitBot(track.points, BOT_TUNINGS.hard);
    for (const view of [
      { x: track.points[0].x, y: track.points[0].y, angle: track.points[0].beta, vx: 0, vy: 0 },
      { x: 0, y: 0, angle: 2, vx: 80, vy: -40 },
      { x: 300, y: -300, angle: -3, vx: 0, vy: 0 },
    ]) {
      const [steer, gas, brake] = bot.act(view);
      expect(Math.abs(steer)).toBeLessThanOrEqual(1);
      expect(gas).toBeGreaterThanOrEqual(0);
      expect(gas).toBeLessThanOrEqual(1);
      expect(brake).toBeGreaterThanOrEqual(0);
      expect(brake).toBeLessThanOrEqual(1);
    }
  });
});
