/**
 * Limits failed logins: at most `maxFailuresPerName` per account name (any case) and
 * `maxFailuresPerIp` per client address within a sliding `windowMs`. Once either is reached,
 * further attempts are refused (429, Retry-After) without checking the password, until the
 * oldest failure in the window ages out. A successful login clears its name's failures (not
 * its address's: one's own account must not reset a guessing spree at others').
 *
 * `begin` admits an attempt and counts it as pending until `end` says how it went, so a burst of
 * parallel requests cannot all pass the check before the first failure is recorded.
 *
 * In memory, per process: a restart forgets, and several server processes count separately.
 * The Redis work can move this state there behind the same check / recordFailure /
 * recordSuccess interface.
 */

export interface LoginRateLimiterOptions {
  /** [default: 10] */
  readonly maxFailuresPerName?: number;
  /** [default: 30] */
  readonly maxFailuresPerIp?: number;
  /** [default: 15 minutes] */
  readonly windowMs?: number;
  /** Milliseconds, any epoch. [default: Date.now] */
  readonly now?: () => number;
  /** Most names and addresses tracked each; past it the stalest are forgotten. [default: 100_000] */
  readonly maxKeys?: number;
}

export type LoginOutcome = 'success' | 'failure' | 'error';

/** An admitted attempt; call `end` exactly once (later calls do nothing). */
export interface LoginAttempt {
  readonly allowed: true;
  /** 'failure' counts against the name and address; 'error' (not checked) releases the slot only. */
  end(outcome: LoginOutcome): void;
}

export type LoginCheck = LoginAttempt | { readonly allowed: false; readonly retryAfterSeconds: number };

/** Failure times per key, oldest first, only those within the window; attempts under way per key. */
class FailureLog {
  private readonly failures = new Map<string, number[]>();
  private readonly pending = new Map<string, number>();

  constructor(
    private readonly max: number,
    private readonly windowMs: number,
    private readonly maxKeys: number,
  ) {}

  /** Milliseconds until an attempt is allowed again, or 0 when it is now. */
  retryAfterMs(key: string, now: number): number {
    const times = this.live(key, now) ?? [];
    const pending = this.pending.get(key) ?? 0;
    if (times.length + pending < this.max) return 0;
    // Allowed once enough failures age out that failures + pending < max.
    const k = times.length - this.max + pending;
    // k outside the failures: attempts under way block it, and they end soon.
    return k < 0 || k >= times.length ? 1000 : times[k] + this.windowMs - now;
  }

  addPending(key: string, delta: number): void {
    const n = (this.pending.get(key) ?? 0) + delta;
    if (n <= 0) this.pending.delete(key);
    else this.pending.set(key, n);
  }

  record(key: string, now: number): void {
    const times = this.live(key, now) ?? [];
    times.push(now);
    if (times.length > this.max) times.splice(0, times.length - this.max);
    // Re-insert so Map order is least recently failed first, for eviction.
    this.failures.delete(key);
    this.failures.set(key, times);
    if (this.failures.size > this.maxKeys) this.sweep(now);
    while (this.failures.size > this.maxKeys) this.failures.delete(this.failures.keys().next().value!);
  }

  clear(key: string): void {
    this.failures.delete(key);
  }

  get size(): number {
    return this.failures.size;
  }

  sweep(now: number): void {
    for (const key of [...this.failures.keys()]) this.live(key, now);
  }

  private live(key: string, now: number): number[] | undefined {
    const times = this.failures.get(key);
    if (times === undefined) return undefined;
    let expired = 0;
    while (expired < times.length && times[expired] + this.windowMs <= now) expired++;
    if (expired === times.length) {
      this.failures.delete(key);
      return undefined;
    }
    if (expired > 0) times.splice(0, expired);
    return times;
  }
}

export class LoginRateLimiter {
  readonly maxFailuresPerName: number;
  readonly maxFailuresPerIp: number;
  readonly windowMs: number;
  private readonly now: () => number;
  private readonly byName: FailureLog;
  private readonly byIp: FailureLog;

  constructor(options: LoginRateLimiterOptions = {}) {
    this.maxFailuresPerName = options.maxFailuresPerName ?? 10;
    this.maxFailuresPerIp = options.maxFailuresPerIp ?? 30;
    this.windowMs = options.windowMs ?? 15 * 60 * 1000;
    this.now = options.now ?? Date.now;
    const maxKeys = options.maxKeys ?? 100_000;
    this.byName = new FailureLog(this.maxFailuresPerName, this.windowMs, maxKeys);
    this.byIp = new FailureLog(this.maxFailuresPerIp, this.windowMs, maxKeys);
  }

  /** Admits a login attempt from `ip` for `name` (pending until its `end`), or says how long to wait. */
  begin(ip: string, name: string): LoginCheck {
    const now = this.now();
    const key = nameKey(name);
    const waitMs = Math.max(this.byName.retryAfterMs(key, now), this.byIp.retryAfterMs(ip, now));
    if (waitMs > 0) return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    this.byName.addPending(key, 1);
    this.byIp.addPending(ip, 1);
    let ended = false;
    return {
      allowed: true,
      end: (outcome) => {
        if (ended) return;
        ended = true;
        this.byName.addPending(key, -1);
        this.byIp.addPending(ip, -1);
        if (outcome === 'failure') this.recordFailure(ip, name);
        else if (outcome === 'success') this.byName.clear(key);
      },
    };
  }

  /** Counts a failed attempt (what `end('failure')` does). */
  recordFailure(ip: string, name: string): void {
    const now = this.now();
    this.byName.record(nameKey(name), now);
    this.byIp.record(ip, now);
  }

  /** Names and addresses with failures in the window (for tests and metrics). */
  get trackedKeys(): { names: number; ips: number } {
    const now = this.now();
    this.byName.sweep(now);
    this.byIp.sweep(now);
    return { names: this.byName.size, ips: this.byIp.size };
  }
}

/** Names are unique regardless of case, so they are counted regardless of case (and capped in length). */
function nameKey(name: string): string {
  return name.slice(0, 64).toLowerCase();
}
