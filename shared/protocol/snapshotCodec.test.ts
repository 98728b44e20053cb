import { describe, expect, it } from 'vitest';
import { packSnapshot, snapshotByteLength, unpackSnapshot, type CarSnapshot } from './snapshotCodec.ts';

const car = (over: Partial<CarSnapshot>): CarSnapshot => ({
  x: 0,
  y: 0,
  angle: 0,
  steerRad: 0,
  speed: 0,
  lapsCompleted: 0,
  position: 1,
  status: 'racing',
  dnfReason: null,
  ...over,
});

describe('packSnapshot / unpackSnapshot', () => {
  it('round-trips every field within its quantization step', () => {
    const cars = [
      car({ x: 123.456, y: -98.765, angle: 1.2345, steerRad: -0.31, speed: 87.3, lapsCompleted: 2, position: 3 }),
      car({ x: -300.01, y: 299.99, angle: 6.2, steerRad: 0.4, speed: 0, position: 1, status: 'finished' }),
      car({ position: 16, status: 'dnf', dnfReason: 'disconnected', lapsCompleted: 255 }),
      car({ position: 2, status: 'dnf', dnfReason: 'agentTimeout' }),
    ];
    const bytes = packSnapshot({ tick: 123456, cars });
    expect(bytes.byteLength).toBe(snapshotByteLength(4));
    const back = unpackSnapshot(bytes);
    expect(back.tick).toBe(123456);
    back.cars.forEach((b, k) => {
      const a = cars[k];
      expect(Math.abs(b.x - a.x), `car ${k} x`).toBeLessThanOrEqual(1 / 64);
      expect(Math.abs(b.y - a.y), `car ${k} y`).toBeLessThanOrEqual(1 / 64);
      expect(Math.abs(b.angle - a.angle), `car ${k} angle`).toBeLessThanOrEqual(Math.PI / 65536);
      expect(Math.abs(b.steerRad - a.steerRad), `car ${k} steer`).toBeLessThanOrEqual(0.4 / 254);
      expect(Math.abs(b.speed - a.speed), `car ${k} speed`).toBeLessThanOrEqual(0.25);
      expect([b.lapsCompleted, b.position, b.status, b.dnfReason]).toEqual([
        a.lapsCompleted,
        a.position,
        a.status,
        a.dnfReason,
      ]);
    });
  });

  it('wraps angles and clamps out-of-range values instead of overflowing', () => {
    const back = unpackSnapshot(
      packSnapshot({
        tick: 1,
        cars: [car({ x: 5000, y: -5000, angle: -Math.PI / 2, speed: 1000, steerRad: 9, lapsCompleted: 999 })],
      }),
    ).cars[0];
    expect(back.x).toBeCloseTo(32767 / 32);
    expect(back.y).toBe(-1024);
    expect(back.angle).toBeCloseTo((3 * Math.PI) / 2, 4);
    expect(back.speed).toBe(127.5);
    expect(back.steerRad).toBeCloseTo(0.4);
    expect(back.lapsCompleted).toBe(255);
  });

  it('keeps 8 cars at 25 Hz under 4 KB/s of payload', () => {
    expect(snapshotByteLength(8) * 25).toBeLessThan(4096);
  });

  it('rejects malformed buffers', () => {
    expect(() => unpackSnapshot(new Uint8Array(3))).toThrow(RangeError);
    expect(() => unpackSnapshot(new Uint8Array([9, 1, 0, 0, 0, 0, 0, 0]))).toThrow(/version/);
    expect(() => unpackSnapshot(new Uint8Array([1, 8, 0, 0, 0, 0, 0, 0]))).toThrow(/bytes/);
  });
});
