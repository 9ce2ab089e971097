/**
 * Per-socket request limits of the `/rooms` namespace. Every participant's socket gets a token
 * bucket: a burst of requests is fine (setting up media takes a dozen), a sustained flood is
 * refused with `rate_limited` and counted. Refusals are audited as one summary per socket and
 * window, never one event per refused request.
 */
import { TooManyRequestsError } from '../../common/errors.js';

/** The limits (the README's security section quotes them). */
export const ROOM_LIMITS = {
  /** Requests a socket may make at once before it must slow down. */
  burst: 40,
  /** Requests per second a socket may sustain. */
  perSecond: 20,
  /** How often a socket's refusals are summarised into the audit trail while they keep coming. */
  summaryEveryMs: 60_000,
} as const;

/** What was refused, by reason, since the last summary. */
export type RefusalCounts = Record<string, number>;

/** One socket's bucket and refusal counters. */
export class RequestLimiter {
  #tokens: number;
  #last: number;
  #refused: RefusalCounts = {};
  #since: number;

  constructor(
    private readonly limits: { readonly burst: number; readonly perSecond: number } = ROOM_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.#tokens = limits.burst;
    this.#last = now();
    this.#since = this.#last;
  }

  /** Takes one request's token, or throws `rate_limited` (and counts it). */
  take(): void {
    const t = this.now();
    this.#tokens = Math.min(this.limits.burst, this.#tokens + ((t - this.#last) / 1000) * this.limits.perSecond);
    this.#last = t;
    if (this.#tokens >= 1) {
      this.#tokens -= 1;
      return;
    }
    this.count('rate_limited');
    throw new TooManyRequestsError({ message: 'Too many requests: slow down.', code: 'rate_limited' });
  }

  /** Counts a refusal of another kind (e.g. a malformed request). */
  count(reason: string): void {
    this.#refused[reason] = (this.#refused[reason] ?? 0) + 1;
  }

  /**
   * The refusals since the last summary, and resets them, when there are any and either `force`
   * (the socket is leaving) or a summary window has passed; otherwise undefined.
   */
  summary(force = false): { refused: RefusalCounts; sinceMs: number } | undefined {
    const t = this.now();
    if (Object.keys(this.#refused).length === 0 || (!force && t - this.#since < ROOM_LIMITS.summaryEveryMs)) return undefined;
    const out = { refused: this.#refused, sinceMs: t - this.#since };
    this.#refused = {};
    this.#since = t;
    return out;
  }
}
