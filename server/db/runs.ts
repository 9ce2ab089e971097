/**
 * Service runs: one document per start of the service, so that the service knows when an earlier
 * run did not stop cleanly and can reconcile what it left half-done before reporting ready.
 *
 * A run writes a heartbeat every second and `stoppedAt` when it stops cleanly. A run without
 * `stoppedAt` is dead when its heartbeat has not moved for `STALE_MS` as this process watches
 * it (comparing the value, not clocks, so instances need not agree on the time). On the
 * embedded database no other instance can be running, so every such run is dead at once.
 */
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import type { Logger } from '../logger.js';

const runSchema = new Schema(
  {
    _id: { type: String, required: true },
    startedAt: { type: Date, required: true },
    heartbeatAt: { type: Date, required: true },
    /** Set by a clean stop, or by the run that reconciled after this one died. */
    stoppedAt: { type: Date, default: null },
    /** True for a clean stop, false for a run found dead. */
    clean: { type: Boolean, default: null },
    reconciledBy: { type: String, default: null },
    host: { type: String, required: true },
    pid: { type: Number, required: true },
  },
  { collection: 'service_runs', versionKey: false },
);
const RunModel = mongoose.model('ServiceRun', runSchema);

/** Heartbeat period, and how long an unmoving heartbeat takes to count as dead. */
export const HEARTBEAT_MS = 1000;
export const STALE_MS = 5000;
/** Clean runs older than this are deleted at start-up (the collection stays small). */
const KEEP_CLEAN_MS = 7 * 24 * 3600_000;

/** This service's run, and what it knows about the others. */
export class RunRegistry {
  #timer: NodeJS.Timeout | undefined;
  #beat: Promise<unknown> = Promise.resolve();
  #stopped = false;
  /** Last heartbeat value seen per other open run, and when (our clock) it last moved. */
  readonly #seen = new Map<string, { value: number; movedAt: number }>();

  private constructor(
    /** Random id of this run (stamped on intents and claims this process writes). */
    readonly id: string,
    private readonly exclusive: boolean,
    private readonly logger: Logger,
  ) {}

  /**
   * Records a new run. `exclusive`: this service alone uses the database (the embedded one), so
   * any other open run is dead.
   */
  static async start(opts: { readonly exclusive: boolean; readonly logger: Logger }): Promise<RunRegistry> {
    const id = randomUUID();
    const now = new Date();
    await RunModel.create({ _id: id, startedAt: now, heartbeatAt: now, host: hostname(), pid: process.pid });
    await RunModel.deleteMany({ clean: true, stoppedAt: { $lt: new Date(now.getTime() - KEEP_CLEAN_MS) } });
    const registry = new RunRegistry(id, opts.exclusive, opts.logger.child({ module: 'runs' }));
    registry.#timer = setInterval(() => registry.#heartbeat(), HEARTBEAT_MS);
    registry.#timer.unref();
    return registry;
  }

  #heartbeat(): void {
    this.#beat = this.#beat.then(() => (this.#stopped ? undefined : RunModel.updateOne({ _id: this.id }, { $set: { heartbeatAt: new Date() } }).catch(() => undefined)));
  }

  /** Open runs other than this one that are dead now, judged from one look (see `deadRuns`). */
  async #look(): Promise<{ dead: string[]; undecided: string[] }> {
    const open = await RunModel.find({ stoppedAt: null, _id: { $ne: this.id } }, { heartbeatAt: 1 }).lean();
    const now = Date.now();
    const dead: string[] = [];
    const undecided: string[] = [];
    for (const run of open) {
      const value = run.heartbeatAt.getTime();
      const seen = this.#seen.get(run._id);
      if (!seen || seen.value !== value) this.#seen.set(run._id, { value, movedAt: now });
      const movedAt = this.#seen.get(run._id)!.movedAt;
      if (this.exclusive || now - movedAt >= STALE_MS) dead.push(run._id);
      else if (!seen || seen.value === value) undecided.push(run._id);
    }
    for (const id of this.#seen.keys()) if (!open.some((r) => r._id === id)) this.#seen.delete(id);
    return { dead, undecided };
  }

  /**
   * Earlier runs that ended without a clean stop and are not reconciled yet. Waits (at most
   * `STALE_MS`) until each open run has either moved its heartbeat (another live instance) or
   * stayed still long enough to be dead.
   */
  async deadRuns(): Promise<string[]> {
    for (;;) {
      const { dead, undecided } = await this.#look();
      if (undecided.length === 0) return dead;
      await new Promise((r) => setTimeout(r, HEARTBEAT_MS / 2));
    }
  }

  /** Dead runs found by a single look, without waiting (for the periodic sweep). */
  async deadRunsNow(): Promise<string[]> {
    return (await this.#look()).dead;
  }

  /** Marks dead runs as reconciled by this one (they are not looked at again). */
  async markReconciled(ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await RunModel.updateMany({ _id: { $in: [...ids] }, stoppedAt: null }, { $set: { stoppedAt: new Date(), clean: false, reconciledBy: this.id } });
    for (const id of ids) this.#seen.delete(id);
    this.logger.warn({ runs: ids }, 'markReconciled() earlier runs had not stopped cleanly; reconciled');
  }

  /**
   * Stops the heartbeat and records a clean stop, unless `record` is false (the database is away:
   * the next start will find this run open and reconcile it). Idempotent.
   */
  async stop(opts: { readonly record: boolean } = { record: true }): Promise<void> {
    if (this.#stopped) return;
    this.#stopped = true;
    clearInterval(this.#timer);
    if (!opts.record) return;
    await this.#beat;
    await RunModel.updateOne({ _id: this.id }, { $set: { stoppedAt: new Date(), clean: true } });
  }
}
