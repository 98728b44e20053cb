import { describe, expect, it } from 'vitest';
import { DriverInput } from './driverInput.ts';

const key = (type: 'keydown' | 'keyup', code: string): Event => Object.assign(new Event(type), { code });

describe('DriverInput', () => {
  it('ramps steering and gas in over a few frames and drops the gas at once', () => {
    const target = new EventTarget();
    const input = new DriverInput(target as unknown as Window);
    target.dispatchEvent(key('keydown', 'ArrowLeft'));
    target.dispatchEvent(key('keydown', 'KeyW'));
    const first = input.sample(1 / 60);
    expect(first.steer).toBeCloseTo(-0.1);
    expect(first.gas).toBeCloseTo(1 / 6);
    for (let i = 0; i < 20; i++) input.sample(1 / 60);
    expect(input.sample(1 / 60)).toEqual({ steer: -1, gas: 1, brake: 0 });
    target.dispatchEvent(key('keyup', 'KeyW'));
    target.dispatchEvent(key('keyup', 'ArrowLeft'));
    target.dispatchEvent(key('keydown', 'ArrowDown'));
    const released = input.sample(1 / 60);
    expect(released.gas).toBe(0);
    expect(released.brake).toBe(0.8);
    expect(released.steer).toBeCloseTo(-1 + 8 / 60);
    input.dispose();
  });

  it('takes the touch buttons like keys, and lets go of everything at once', () => {
    const input = new DriverInput(new EventTarget() as unknown as Window);
    input.hold('right', true);
    input.hold('gas', true);
    for (let i = 0; i < 30; i++) input.sample(1 / 60);
    expect(input.sample(1 / 60)).toEqual({ steer: 1, gas: 1, brake: 0 });
    input.releaseAll();
    expect(input.sample(1 / 60)).toEqual({ steer: 0, gas: 0, brake: 0 });
  });
});
