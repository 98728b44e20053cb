import { describe, expect, it } from 'vitest';
import { ManualTime } from './clock.ts';
import { FixedStepLoop } from './fixedStepLoop.ts';

describe('FixedStepLoop', () => {
  it('runs exactly one step per 20 ms of clock time, however late the timers fire', () => {
    const time = new ManualTime();
    const loop = new FixedStepLoop({ clock: time, scheduler: time, step: () => true });
    loop.start();
    for (let i = 0; i < 100; i++) {
      time.stall(7); // timers fire late by an irregular amount
      time.advance(13 + (i % 3));
    }
    expect(loop.steps).toBe(Math.floor(time.nowMs() / 20));
    expect(loop.droppedSteps).toBe(0);
  });

  it('catches up at most 5 steps after a stall and drops the rest of the backlog', () => {
    const time = new ManualTime();
    const loop = new FixedStepLoop({ clock: time, scheduler: time, step: () => true });
    loop.start();
    time.advance(100);
    expect(loop.steps).toBe(5);
    time.stall(1000);
    time.advance(0); // the overdue timer fires once
    expect(loop.steps).toBe(10);
    expect(loop.droppedSteps).toBe(45);
    time.advance(200);
    expect(loop.steps).toBe(20);
  });

  it('stops when the step says so and leaves no timer behind', () => {
    const time = new ManualTime();
    let n = 0;
    const loop = new FixedStepLoop({ clock: time, scheduler: time, step: () => ++n < 3 });
    loop.start();
    time.advance(1000);
    expect(n).toBe(3);
    expect(loop.isRunning).toBe(false);
    expect(time.pendingTimers).toBe(0);
  });

  it('waits for an asynchronous step before the next, and measures how far behind it fell', async () => {
    const time = new ManualTime();
    let release: (() => void) | null = null;
    let started = 0;
    const loop = new FixedStepLoop({
      clock: time,
      scheduler: time,
      step: () => {
        started++;
        return new Promise<boolean>((resolve) => {
          release = () => resolve(true);
        });
      },
    });
    loop.start();
    time.advance(20);
    expect(started).toBe(1);
    time.advance(60); // the step is still pending: nothing else runs
    expect(started).toBe(1);
    expect(loop.maxLagMs).toBe(0);
    release!();
    await Promise.resolve();
    await Promise.resolve();
    // 60 ms passed while the step waited: three more are due now and run one by one.
    expect(started).toBe(2);
    expect(loop.maxLagMs).toBe(40);
    expect(loop.lagMs).toBe(20);
  });

  it('unpaced, runs steps as fast as they compute in bursts, with no lag, and resumes real time from now', () => {
    const time = new ManualTime();
    let n = 0;
    const loop = new FixedStepLoop({ clock: time, scheduler: time, step: () => ++n < 1000, unpacedBurstSteps: 25 });
    loop.start();
    loop.setUnpaced(true);
    time.advance(0); // zero-delay bursts, no clock time at all
    expect(n).toBe(1000);
    expect(loop.isRunning).toBe(false);
    expect(loop.maxLagMs).toBe(0);
    expect(loop.droppedSteps).toBe(0);

    // 100 unpaced steps of 5 ms each (500 ms of clock), then back to real time: no backlog of 25 steps.
    let m = 0;
    const paced = new FixedStepLoop({
      clock: time,
      scheduler: time,
      step: () => {
        if (++m <= 100) time.stall(5);
        if (m === 100) paced.setUnpaced(false);
        return true;
      },
    });
    paced.start();
    paced.setUnpaced(true);
    for (let burst = 0; burst < 4; burst++) time.advance(0); // each burst moved the clock 125 ms
    expect(m).toBe(100);
    time.advance(100);
    expect(m).toBe(105);
    expect(paced.droppedSteps).toBe(0);
    expect(paced.maxLagMs).toBeLessThan(20);
    paced.stop();
  });
});
