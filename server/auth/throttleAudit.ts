/**
 * Throttled logins are audited as one summary per window instead of one event per attempt, so an
 * anonymous flood adds one write a minute to the audit chain, not one per request: the first
 * throttled attempt opens a window, later ones are counted, and the summary is appended when the
 * window closes (or at shutdown).
 */
import type { AuditLog } from '../audit/index.js';
import type { Logger } from '../logger.js';

/** Length of one aggregation window (default one minute). */
export const THROTTLE_AUDIT_WINDOW_MS = 60_000;
/** Usernames named in a summary, at most (the count covers the rest). */
const SAMPLE = 10;

interface Window {
  readonly from: Date;
  attempts: number;
  readonly usernames: Set<string>;
  readonly timer: NodeJS.Timeout;
}

/** Counts throttled attempts and writes one audit event per window. */
export class ThrottleAudit {
  #window: Window | undefined;

  constructor(
    private readonly audit: AuditLog,
    private readonly logger: Logger,
    private readonly windowMs = THROTTLE_AUDIT_WINDOW_MS,
  ) {}

  /** Counts one throttled attempt (never waits on the audit log). */
  note(username: string): void {
    this.#window ??= { from: new Date(), attempts: 0, usernames: new Set(), timer: setTimeout(() => void this.flush(), this.windowMs).unref() };
    this.#window.attempts++;
    if (this.#window.usernames.size < 1000) this.#window.usernames.add(username);
  }

  /** Appends the open window's summary now (shutdown, tests); nothing when none is open. */
  async flush(): Promise<void> {
    const w = this.#window;
    if (!w) return;
    this.#window = undefined;
    clearTimeout(w.timer);
    const details = { reason: 'throttled', attempts: w.attempts, usernames: w.usernames.size, sample: [...w.usernames].slice(0, SAMPLE), from: w.from.toISOString(), to: new Date().toISOString() };
    await this.audit
      .append({ actor: { kind: 'anonymous', label: 'throttled logins' }, action: 'auth.login', target: 'user:unknown', outcome: 'failure', details })
      .catch((err: unknown) => this.logger.error({ err }, 'flushThrottleAudit() failed'));
  }
}
