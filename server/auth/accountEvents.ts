/**
 * "Account changed" events: deactivation, role change and password change end the account's
 * tokens, and live connections of that account must be cut. Changes made through this process are
 * published at once; changes made by another instance (or by `npm run admin:reset`) are found by
 * polling `accountChangedAt` while anyone listens, so every instance cuts its sockets within
 * `ACCOUNT_POLL_MS`.
 */
import type { Logger } from '../logger.js';
import { UserModel } from './user.model.js';

/** How often other instances' account changes are looked for while someone listens. */
export const ACCOUNT_POLL_MS = 500;

/** An account whose earlier tokens no longer work. */
export interface AccountChange {
  readonly userId: string;
}

/** Publishes account changes to listeners (the rooms) and polls for other instances' changes. */
export class AccountEvents {
  readonly #listeners = new Set<(e: AccountChange) => void>();
  /** Change time last published per user, so a change is told once whichever way it arrives. */
  readonly #told = new Map<string, number>();
  #since = new Date();
  #timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly logger: Logger,
    /** Called for every change seen, before listeners (drops cached accounts). */
    private readonly onChange: (userId: string) => void,
  ) {}

  /** Publishes a change made at `at` by this process. */
  publish(userId: string, at: Date): void {
    this.onChange(userId);
    if ((this.#told.get(userId) ?? 0) >= at.getTime()) return;
    this.#told.set(userId, at.getTime());
    if (this.#told.size > 10_000) this.#told.clear();
    for (const l of this.#listeners) {
      try {
        l({ userId });
      } catch (err) {
        this.logger.error({ err }, 'publishAccountChange() listener failed');
      }
    }
  }

  /** Adds a listener; polling runs while there is at least one. Returns its removal. */
  subscribe(listener: (e: AccountChange) => void): () => void {
    this.#listeners.add(listener);
    if (!this.#timer) {
      this.#since = new Date();
      this.#timer = setInterval(() => void this.#poll(), ACCOUNT_POLL_MS);
      this.#timer.unref();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  /** Stops polling (shutdown). */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #poll(): Promise<void> {
    try {
      // A little overlap: a change stamped just before the previous poll's read is not missed.
      const from = new Date(this.#since.getTime() - ACCOUNT_POLL_MS);
      this.#since = new Date();
      const changed = await UserModel.find({ accountChangedAt: { $gt: from } }, { accountChangedAt: 1 }).lean();
      for (const u of changed) if (u.accountChangedAt) this.publish(u._id.toHexString(), u.accountChangedAt);
    } catch (err) {
      this.logger.warn({ err }, 'pollAccountChanges() failed; retrying');
    }
  }
}
