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

  it("carries the cars' actions when given, and stays readable without them", () => {
    const cars = [car({ x: 1 }), car({ x: 2 }), car({ x: 3 })];
    const actions = [null, { steer: -0.5, gas: 1, brake: 0.2 }, { steer: 1, gas: 0, brake: 0.8 }];
    const bytes = packSnapshot({ tick: 7, cars, actions });
    expect(bytes.byteLength).toBe(snapshotByteLength(3, 2));
    const back = unpackSnapshot(bytes);
    expect(back.cars.map((c) => c.x)).toEqual([1, 2, 3]);
    expect(back.actions?.[0]).toBeNull();
    expect(back.actions?.[1]?.steer).toBeCloseTo(-0.5, 2);
    expect(back.actions?.[1]?.gas).toBe(1);
    expect(back.actions?.[1]?.brake).toBeCloseTo(0.2, 2);
    expect(back.actions?.[2]).toEqual({ steer: 1, gas: 0, brake: 0.8 });
    // No action at all: the version-1 layout, byte for byte.
    expect(packSnapshot({ tick: 7, cars, actions: [null, null, null] })).toEqual(packSnapshot({ tick: 7, cars }));
    expect(unpackSnapshot(packSnapshot({ tick: 7, cars })).actions).toBeUndefined();
  });

  it('rejects malformed buffers', () => {
    expect(() => unpackSnapshot(new Uint8Array(3))).toThrow(RangeError);
    expect(() => unpackSnapshot(new Uint8Array([9, 1, 0, 0, 0, 0, 0, 0]))).toThrow(/version/);
    expect(() => unpackSnapshot(new Uint8Array([1, 8, 0, 0, 0, 0, 0, 0]))).toThrow(/bytes/);
  });
});
