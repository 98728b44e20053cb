import { describe, expect, it } from 'vitest';
import type { CarSnapshot, Snapshot } from '../../../shared/protocol/snapshotCodec.ts';
import { SnapshotBuffer, shortestTurn, TICK_MS } from './snapshotBuffer.ts';

const car = (x: number, angle = 0): CarSnapshot => ({
  x,
  y: -x,
  angle,
  steerRad: 0,
  speed: 10,
  lapsCompleted: 0,
  position: 1,
  status: 'racing',
  dnfReason: null,
});
const snap = (tick: number, x: number, angle = 0): Snapshot => ({ tick, cars: [car(x, angle)] });
const pose = () => ({ x: 0, y: 0, angle: 0, steerRad: 0 });

describe('SnapshotBuffer', () => {
  it('interpolates between the snapshots around a tick', () => {
    const buffer = new SnapshotBuffer();
    buffer.push(snap(2, 10), 0);
    buffer.push(snap(4, 20), 40);
    const out = pose();
    expect(buffer.sample(3, 0, out)).toBe(true);
    expect(out.x).toBeCloseTo(15);
    expect(out.y).toBeCloseTo(-15);
    buffer.sample(1, 0, out);
    expect(out.x, 'before the first snapshot: held').toBe(10);
  });

  it('turns the short way across 0 / 2π', () => {
    const buffer = new SnapshotBuffer();
    buffer.push(snap(2, 0, 2 * Math.PI - 0.1), 0);
    buffer.push(snap(4, 0, 0.1), 40);
    const out = pose();
    buffer.sample(3, 0, out);
    expect(Math.cos(out.angle)).toBeCloseTo(1, 6);
    expect(shortestTurn(3, -3)).toBeCloseTo(2 * Math.PI - 6);
  });

  it('extrapolates past the newest snapshot for a few ticks only', () => {
    const buffer = new SnapshotBuffer();
    buffer.push(snap(2, 10), 0);
    buffer.push(snap(4, 20), 40);
    const out = pose();
    buffer.sample(5, 0, out);
    expect(out.x).toBeCloseTo(25);
    buffer.sample(100, 0, out);
    expect(out.x, 'capped at 8 ticks ahead').toBeCloseTo(60);
  });

  it('maps local time to server ticks from the least delayed arrivals', () => {
    const buffer = new SnapshotBuffer();
    // Arrivals 5 ms after the tick, one of them 30 ms late.
    buffer.push(snap(2, 0), 2 * TICK_MS + 5);
    buffer.push(snap(4, 0), 4 * TICK_MS + 35);
    buffer.push(snap(6, 0), 6 * TICK_MS + 5);
    expect(buffer.serverTick(6 * TICK_MS + 5, 0)).toBeCloseTo(6);
    expect(buffer.serverTick(6 * TICK_MS + 5, 100)).toBeCloseTo(1);
  });

  it('takes no clock sample from the grid before the start (tick 0)', () => {
    const buffer = new SnapshotBuffer();
    buffer.push(snap(0, 0), 1000);
    buffer.push(snap(0, 0), 5000);
    expect(buffer.serverTick(9000, 100)).toBe(0);
  });
});
