/**
 * Login throttling, in memory (one process; counters reset on restart, which is acceptable: a
 * restart is itself visible in the logs). Failures are counted in a sliding window per username
 * and per client address, and attempts still being checked count too: a burst of concurrent
 * guesses gets the limit, not one guess per request. While either key is at its limit, login
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

/** Counts recent failures and attempts in flight by key. */
export class LoginLimiter {
  readonly #failures = new Map<string, number[]>();
  readonly #inFlight = new Map<string, number>();

  constructor(private readonly limits: LoginLimits = DEFAULT_LOGIN_LIMITS) {}

  /**
   * Reserves one attempt for `username` from `address`: false (throttled) when recent failures
   * plus attempts in flight already reach a limit. Every `true` must be followed by `finish()`.
   */
  begin(username: string, address: string, now = Date.now()): boolean {
    const keys = [`u:${username}`, `a:${address}`] as const;
    const limits = [this.limits.perUser, this.limits.perAddress];
    if (keys.some((k, i) => this.#count(k, now) + (this.#inFlight.get(k) ?? 0) >= limits[i]!)) return false;
    for (const k of keys) this.#inFlight.set(k, (this.#inFlight.get(k) ?? 0) + 1);
    return true;
  }

  /** Ends an attempt reserved by `begin()`: a failure is counted; a success clears the username's failures (not the address's). */
  finish(username: string, address: string, ok: boolean, now = Date.now()): void {
    for (const k of [`u:${username}`, `a:${address}`]) {
      const left = (this.#inFlight.get(k) ?? 1) - 1;
      if (left > 0) this.#inFlight.set(k, left);
      else this.#inFlight.delete(k);
    }
    if (ok) {
      this.#failures.delete(`u:${username}`);
      return;
    }
    for (const key of [`u:${username}`, `a:${address}`]) {
      const list = this.#recent(key, now);
      list.push(now);
      this.#failures.set(key, list);
    }
    // Bound memory under a spray of distinct usernames.
    if (this.#failures.size > 10_000) this.#prune(now);
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
