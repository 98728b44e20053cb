import { describe, expect, it } from 'vitest';
import { LoginRateLimiter } from './loginRateLimiter.ts';

const MINUTE = 60_000;

function limiter(options: { maxKeys?: number } = {}): { rl: LoginRateLimiter; advance: (ms: number) => void } {
  let now = 1_000_000;
  const rl = new LoginRateLimiter({ now: () => now, ...options });
  return { rl, advance: (ms) => (now += ms) };
}

/** What `begin` answers, without holding the slot. */
function check(rl: LoginRateLimiter, ip: string, name: string): { allowed: boolean; retryAfterSeconds?: number } {
  const c = rl.begin(ip, name);
  if (!c.allowed) return c;
  c.end('error');
  return { allowed: true };
}

function fail(rl: LoginRateLimiter, ip: string, name: string): void {
  const c = rl.begin(ip, name);
  if (!c.allowed) throw new Error(`refused: ${JSON.stringify(c)}`);
  c.end('failure');
}

function succeed(rl: LoginRateLimiter, ip: string, name: string): void {
  const c = rl.begin(ip, name);
  if (!c.allowed) throw new Error(`refused: ${JSON.stringify(c)}`);
  c.end('success');
}

describe('LoginRateLimiter', () => {
  it('allows 10 failures per name in 15 minutes, then refuses with the wait until the oldest ages out', () => {
    const { rl, advance } = limiter();
    for (let i = 0; i < 10; i++) {
      fail(rl, `10.0.0.${i}`, 'alice');
      advance(MINUTE);
    }
    // first failure at t0, now t0 + 10 min: 5 minutes to wait
    expect(check(rl, '10.0.0.99', 'Alice')).toEqual({ allowed: false, retryAfterSeconds: 300 });
    expect(check(rl, '10.0.0.99', 'bob')).toEqual({ allowed: true }); // other names are not affected
    advance(5 * MINUTE - 1);
    expect(check(rl, '10.0.0.99', 'ALICE')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    advance(1);
    expect(check(rl, '10.0.0.99', 'alice')).toEqual({ allowed: true });
    fail(rl, '10.0.0.99', 'alice'); // back to 10 in the window
    expect(check(rl, '10.0.0.99', 'alice')).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('allows 30 failures per address across names', () => {
    const { rl, advance } = limiter();
    for (let i = 0; i < 30; i++) {
      fail(rl, '192.0.2.1', `user${i}`);
    }
    expect(check(rl, '192.0.2.1', 'someone-else')).toEqual({ allowed: false, retryAfterSeconds: 900 });
    expect(check(rl, '192.0.2.2', 'someone-else')).toEqual({ allowed: true });
    advance(15 * MINUTE);
    expect(check(rl, '192.0.2.1', 'someone-else')).toEqual({ allowed: true });
  });

  it("clears a name's failures on success, but not its address's", () => {
    const { rl } = limiter();
    for (let i = 0; i < 9; i++) fail(rl, '198.51.100.7', 'carol');
    succeed(rl, '198.51.100.7', 'Carol');
    for (let i = 0; i < 9; i++) rl.recordFailure('198.51.100.8', 'carol');
    expect(check(rl, '198.51.100.9', 'carol').allowed).toBe(true);
    for (let i = 0; i < 21; i++) rl.recordFailure('198.51.100.7', `x${i}`);
    expect(check(rl, '198.51.100.7', 'carol').allowed).toBe(false); // 9 + 21 = 30 for that address
  });

  it('counts attempts under way, so a parallel burst cannot pass the check all at once', () => {
    const { rl } = limiter();
    const burst = Array.from({ length: 20 }, () => rl.begin('203.0.113.5', 'dave'));
    expect(burst.filter((c) => c.allowed)).toHaveLength(10);
    expect(burst[10]).toEqual({ allowed: false, retryAfterSeconds: 1 });
    for (const c of burst) if (c.allowed) c.end('failure');
    expect(check(rl, '203.0.113.5', 'dave')).toEqual({ allowed: false, retryAfterSeconds: 900 });
    // 'error' (e.g. the database failed) releases the slot without counting
    const c = rl.begin('203.0.113.5', 'erin');
    if (!c.allowed) throw new Error('refused');
    c.end('error');
    c.end('failure'); // a second end does nothing
    for (let i = 0; i < 10; i++) fail(rl, '203.0.113.6', 'erin');
    expect(check(rl, '203.0.113.7', 'erin')).toMatchObject({ allowed: false });
  });

  it('forgets expired entries and bounds its memory', () => {
    const { rl, advance } = limiter({ maxKeys: 100 });
    for (let i = 0; i < 1000; i++) rl.recordFailure(`ip${i}`, `name${i}`);
    expect(rl.trackedKeys).toEqual({ names: 100, ips: 100 });
    advance(15 * MINUTE);
    expect(rl.trackedKeys).toEqual({ names: 0, ips: 0 });
  });
});
