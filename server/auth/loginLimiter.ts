/**
 * Login throttling, in memory (one process; counters reset on restart, which is acceptable for a
 * single-instance deployment: a restart is itself visible in the logs). Failures are counted in
 * a sliding window per username and per client address; while either is over its limit, login
 * answers 429 without checking the password.
 */

/** Limits of the login throttle. */
export interface LoginLimits {
  /** Failures allowed per username per window (default 5). */
  readonly perUser: number;
  /** Failures allowed per address per window (default 20). */
  readonly perAddress: number;
  /** Window length in milliseconds (default 15 minutes). */
  readonly windowMs: number;
}

export const DEFAULT_LOGIN_LIMITS: LoginLimits = { perUser: 5, perAddress: 20, windowMs: 15 * 60_000 };

/** Counts recent failures by key. */
export class LoginLimiter {
  readonly #failures = new Map<string, number[]>();

  constructor(private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {}

  /** True while the username or the address has too many recent failures. */
  blocked(username: string, address: string, now = Date.now()): boolean {
    return this.#count(`u:${username}`, now) >= this.limits.perUser || this.#count(`a:${address}`, now) >= this.limits.perAddress;
  }

  recordFailure(username: string, address: string, now = Date.now()): void {
    for (const key of [`u:${username}`, `a:${address}`]) {
      const list = this.#recent(key, now);
      list.push(now);
      this.#failures.set(key, list);
    }
    // Bound memory under a spray of distinct usernames.
    if (this.#failures.size > 10_000) this.#prune(now);
  }

  /** A successful login clears the username's failures (not the address's). */
  recordSuccess(username: string): void {
    this.#failures.delete(`u:${username}`);
  }

  #recent(key: string, now: number): number[] {
    return (this.#failures.get(key) ?? []).filter((t) => now - t < this.limits.windowMs);
  }

  #count(key: string, now: number): number {
    return this.#recent(key, now).length;
  }

  #prune(now: number): void {
    for (const key of [...this.#failures.keys()]) {
      const list = this.#recent(key, now);
      if (list.length === 0) this.#failures.delete(key);
      else this.#failures.set(key, list);
    }
  }
}
