/**
 * Every stored record has its audit event, and no event exists for a record never stored,
 * without transactions. A write that must be accounted for goes:
 *
 *   1. insert the intent: the event to append, the record it concerns, this run's id;
 *   2. the write itself (a create with the record's `_id`, or an `updateVersioned()` that
 *      remembers the intent's id in the document's `_intents`);
 *   3. add the report contribution, if any (unique key: counted once);
 *   4. append the event with the intent's id as its `_id` (unique: appended once);
 *   5. delete the intent.
 *
 * An intent left behind (the service or the database died, the request was cut off) is settled
 * by reconciliation: if the record shows the write happened, steps 3 to 5 are finished and the
 * event says `reconciled: true`; if it still does not show at a second look (`#look`), the intent
 * is dropped and no event is written. Two passes of one process never settle one intent. Runs
 * that died are reconciled before the service reports ready; this run's own intents after its
 * database comes back, and every few seconds while it runs.
 */
import mongoose from 'mongoose';
import type { Logger } from '../logger.js';
import { isConnectivityError } from '../db/gate.js';
import { settleVersioned } from '../db/versioned.js';
import type { ReportContribution } from '../reports/contribution.js';
import { AuditIntentModel } from './audit.model.js';
import type { AuditInput } from './audit.schemas.js';

/** The record a recorded write creates or changes. */
export interface RecordRef {
  /** Its collection's name (`witnesses`, `sessions`, …). */
  readonly collection: string;
  /** Its `_id` (for a create: the one the new document will get). */
  readonly id: unknown;
  readonly change: 'create' | 'update';
}

/** What the write receives: the intent to pass to `updateVersioned()` and the run. */
export interface WriteStamp {
  readonly intent: string;
  readonly run: string;
}

/** What one reconciliation did. */
export interface ReconcileReport {
  /** Intents whose write had happened: their event (and contribution) were completed. */
  readonly completed: number;
  /** Intents whose write had not happened: dropped, no event. */
  readonly dropped: number;
}

interface IntentDeps {
  readonly run: string;
  readonly logger: Logger;
  readonly contribute: ((c: ReportContribution, intent: string) => Promise<void>) | undefined;
  readonly append: (input: AuditInput, id: mongoose.Types.ObjectId, reconciled: boolean) => Promise<void>;
}

interface StoredIntent {
  readonly _id: mongoose.Types.ObjectId;
  readonly run: string;
  readonly event: AuditInput;
  readonly record: RecordRef;
  readonly report: ReportContribution | null;
}

function modelOf(collection: string): mongoose.Model<unknown> | undefined {
  return Object.values(mongoose.models).find((m) => m.collection.collectionName === collection) as mongoose.Model<unknown> | undefined;
}

/** How long to wait before looking a second time for a write that seems not to have happened. */
export const SECOND_LOOK_MS = 1500;

/** Writes intents around recorded writes and settles those left behind. */
export class IntentJournal {
  /** Intents of writes still running in this process: reconciliation leaves them alone. */
  readonly #running = new Set<string>();
  /** Intents a reconciliation pass of this process has taken on: other passes leave them alone. */
  readonly #settling = new Set<string>();

  constructor(private readonly deps: IntentDeps) {}

  get runId(): string {
    return this.deps.run;
  }

  /** Steps 1 to 5 of the module comment around `write`. */
  async run<T>(event: AuditInput, record: RecordRef, write: (stamp: { intent: string; run: string }) => Promise<T>, report: ReportContribution | undefined): Promise<T> {
    const _id = new mongoose.Types.ObjectId();
    const intent = _id.toHexString();
    // Plain JSON, as the event will be stored and MACed.
    const stored = JSON.parse(JSON.stringify(event)) as AuditInput;
    // Running before it is stored: a pass whose list of intents comes back before this insert
    // returns must not take it on while this write goes on.
    this.#running.add(intent);
    try {
      await AuditIntentModel.create({ _id, run: this.deps.run, at: new Date(), event: stored, record, report: report ?? null });
      let result: T;
      try {
        result = await write({ intent, run: this.deps.run });
      } catch (err) {
        // A failed write may still have happened (the connection broke after the server applied
        // it): the record decides, now if the database answers, or at the next reconciliation.
        await this.#settle({ _id, run: this.deps.run, event: stored, record, report: report ?? null }).catch(() => undefined);
        throw err;
      }
      if (report) await this.deps.contribute?.(report, intent);
      await this.deps.append(stored, _id, false);
      await AuditIntentModel.deleteOne({ _id }).catch(() => undefined);
      return result;
    } finally {
      this.#running.delete(intent);
    }
  }

  /**
   * Settles the intents of `runs` that are not running here; see the module comment. Those whose
   * write does not show at the first look are looked at again together, once, after
   * `SECOND_LOOK_MS`: a pass over many of them takes that long once, not once per intent. An
   * intent another pass is settling (the sweep and a reconnection can overlap) is left to it: both
   * could complete it, and the second add its report contribution again after the first one's
   * had been folded. Passes do not wait for each other: a pass hung reading on a lost connection
   * holds up only the intents it has taken on (they are settled when it ends or by a later pass).
   */
  async reconcile(runs: readonly string[], deadRuns: ReadonlySet<string>): Promise<ReconcileReport> {
    let completed = 0;
    let dropped = 0;
    if (runs.length === 0) return { completed, dropped };
    const unseen: StoredIntent[] = [];
    /** Intents this pass has taken on, given back when it ends. */
    const mine = new Set<string>();
    const settle = async (intent: StoredIntent, last: boolean): Promise<void> => {
      const id = intent._id.toHexString();
      if (this.#running.has(id) || (this.#settling.has(id) && !mine.has(id))) return;
      this.#settling.add(id);
      mine.add(id);
      try {
        // Read again: a write that finished since the list was read has deleted its intent, and
        // settling it again could count its contribution a second time once it has been folded.
        if (!(await AuditIntentModel.exists({ _id: intent._id }))) return;
        const outcome = await this.#look(intent, deadRuns, last);
        if (outcome === 'completed') completed++;
        else if (outcome === 'dropped') dropped++;
        else unseen.push(intent);
      } catch (err) {
        // Without the database nothing can be settled: the whole reconciliation is retried. Any
        // other failure concerns this intent alone; it must not keep the others (or the service) waiting.
        if (isConnectivityError(err)) throw err;
        this.deps.logger.error({ err, intent: intent._id.toHexString() }, 'reconcile() could not settle an intent; left for the next pass');
      }
    };
    try {
      for (const intent of await AuditIntentModel.find({ run: { $in: [...runs] } }).lean<StoredIntent[]>()) await settle(intent, false);
      if (unseen.length > 0) {
        this.deps.logger.debug({ runs, unseen: unseen.length }, 'reconcile() waiting to look a second time');
        await new Promise((r) => setTimeout(r, SECOND_LOOK_MS));
        for (const intent of unseen.splice(0)) await settle(intent, true);
      }
    } finally {
      for (const id of mine) this.#settling.delete(id);
      // Also when the database went away half-way: what was settled stays settled.
      if (completed + dropped > 0) this.deps.logger.warn({ runs, completed, dropped }, 'reconcile() settled intents left by an interrupted run');
    }
    return { completed, dropped };
  }

  /** Settles one intent of this process's own failed write, with its second look (see `#look`). */
  async #settle(intent: StoredIntent): Promise<void> {
    if ((await this.#look(intent, new Set(), false)) !== 'unseen') return;
    await new Promise((r) => setTimeout(r, SECOND_LOOK_MS));
    await this.#look(intent, new Set(), true);
  }

  /**
   * One look at an intent: if its write shows, its contribution and event are completed and it
   * is deleted; if not, it is dropped, but only at the `last` look. A write sent just before an
   * outage can still reach the database when it resumes (a stopped process answers its queued
   * commands first): dropped at the first look, its record could land without its event.
   */
  async #look(intent: StoredIntent, deadRuns: ReadonlySet<string>, last: boolean): Promise<'completed' | 'dropped' | 'unseen'> {
    const applied = await this.#applied(intent, deadRuns);
    if (!applied && !last) return 'unseen';
    if (applied) {
      if (intent.report) await this.deps.contribute?.(intent.report, intent._id.toHexString());
      await this.deps.append(intent.event, intent._id, true);
    }
    await AuditIntentModel.deleteOne({ _id: intent._id });
    return applied ? 'completed' : 'dropped';
  }

  /** Whether the intent's write took effect, after finishing a versioned update its run left half-done. */
  async #applied(intent: StoredIntent, deadRuns: ReadonlySet<string>): Promise<boolean> {
    const { collection, id, change } = intent.record;
    const model = modelOf(collection);
    if (change === 'update' && model) await settleVersioned(model, id, deadRuns);
    const doc = await mongoose.connection.collection(collection).findOne({ _id: id as mongoose.mongo.BSON.ObjectId }, { projection: { _intents: 1 } });
    if (!doc) return false;
    return change === 'create' || ((doc._intents as string[] | undefined) ?? []).includes(intent._id.toHexString());
  }
}
