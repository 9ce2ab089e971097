/**
 * The audit log: append-only and tamper-evident. Events form a chain keyed with `AUDIT_KEY`
 * (chain.ts) whose head is checkpointed outside the database (checkpoints.ts). FerretDB has no
 * transactions, so appends are serialised in-process through a two-lane queue (queue.ts), and
 * the unique index on `seq` makes a second writer (another process) fail instead of forking the
 * chain; that writer reloads the tail and retries. Writes that must be accounted for go through
 * `recorded()` (intents.ts): no stored record without its event, no event without its record.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { Logger } from '../logger.js';
import { insertOnce, isDuplicateKey } from '../db/duplicateKey.js';
import type { ReportContribution } from '../reports/contribution.js';
import { AuditEventModel, type AuditEventDoc } from './audit.model.js';
import type { AuditInput, AuditListQuery } from './audit.schemas.js';
import { GENESIS_HASH, hashEvent, keyId } from './chain.js';
import { CHECKPOINT_IDLE_MS, Checkpoints } from './checkpoints.js';
import { IntentJournal, type ReconcileReport, type RecordRef, type WriteStamp } from './intents.js';
import { AppendQueue, type Aggregate, type QueuedEvent } from './queue.js';
import { verifyChain, type ChainReport } from './verify.js';

export type { ChainReport } from './verify.js';

/** One event as the API returns it. */
export interface AuditEventView {
  readonly seq: number;
  readonly at: string;
  readonly actor: AuditInput['actor'];
  readonly action: string;
  readonly target: string;
  readonly outcome: string;
  readonly details: unknown;
  readonly reconciled: boolean;
  readonly prevHash: string;
  readonly hash: string;
}

/** What `AuditLog` needs. */
export interface AuditLogOptions {
  readonly logger: Logger;
  /** HMAC key of the chain (`AUDIT_KEY`). */
  readonly key: Buffer;
  /** File outside the database that holds the chain's latest head (checkpoints.ts); none: database checkpoints only. */
  readonly anchorFile?: string;
  /** Id of this service run (server/db/runs.ts), stamped on intents; scripts get a random one. */
  readonly runId?: string;
  /** Adds a report contribution carried by an intent (server/reports). */
  readonly contribute?: (c: ReportContribution, intent: string) => Promise<void>;
  /** Most anonymous events waiting to be written (default 200); more are aggregated. */
  readonly anonymousQueueLimit?: number;
}

interface Pending extends QueuedEvent {
  readonly input: AuditInput;
  /** `_id` of the event (the intent's id), so it is written at most once. */
  readonly id?: mongoose.Types.ObjectId;
  readonly reconciled: boolean;
}

const MAX_APPEND_ATTEMPTS = 12;

/** Thrown inside `recordedInsert()`'s write when the unique index already held the record. */
class NotInserted extends Error {}

/**
 * Two writers that lose the same race retry at once and can keep colliding; a random pause that
 * grows with each attempt breaks the lockstep.
 */
function backoff(attempt: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * attempt));
}

/** Appends, reads and verifies audit events. */
export class AuditLog {
  readonly #key: Buffer;
  readonly #kid: string;
  readonly #logger: Logger;
  readonly #queue: AppendQueue<Pending>;
  readonly #checkpoints: Checkpoints;
  readonly #intents: IntentJournal;
  readonly #idle: NodeJS.Timeout;
  #tail: { seq: number; hash: string } | undefined;

  constructor(opts: AuditLogOptions) {
    this.#key = opts.key;
    this.#kid = keyId(opts.key);
    this.#logger = opts.logger;
    this.#checkpoints = new Checkpoints(opts.key, this.#kid, opts.anchorFile, opts.logger);
    this.#queue = new AppendQueue<Pending>(
      (p) => this.#write(p),
      (a) => this.#writeAggregate(a),
      opts.anonymousQueueLimit ?? 200,
    );
    this.#intents = new IntentJournal({
      run: opts.runId ?? `script-${randomUUID()}`,
      logger: opts.logger,
      contribute: opts.contribute,
      append: (input, id, reconciled) => this.#push({ input, id, reconciled }),
    });
    // Events written just before a quiet spell get their database checkpoint too.
    this.#idle = setInterval(() => void this.#checkpoints.flush(this.#tail).catch(() => undefined), CHECKPOINT_IDLE_MS);
    this.#idle.unref();
  }

  /** Anonymous events waiting to be written now. */
  get anonymousWaiting(): number {
    return this.#queue.anonymousWaiting;
  }

  /**
   * Appends one event after the events queued before it (anonymous events after all others).
   * With `id`, an event appended again under the same id is appended once. For an event that
   * accounts for a write, use `recorded()` instead.
   */
  append(input: AuditInput, id?: mongoose.Types.ObjectId): Promise<void> {
    return this.#push({ input, reconciled: false, ...(id ? { id } : {}) });
  }

  #push(p: Omit<Pending, 'anonymous' | 'aggregateKey'>): Promise<void> {
    const reason = (p.input.details as { reason?: unknown } | undefined)?.reason;
    return this.#queue.push({ ...p, anonymous: p.input.actor.kind === 'anonymous', aggregateKey: `${p.input.action}:${p.input.outcome}:${typeof reason === 'string' ? reason : ''}` });
  }

  /**
   * Performs `write` (which stores or changes `record`) so that it has exactly one event `input`
   * if and only if it took effect, also when the service or the database dies half-way: the
   * intent is stored first, the event appended after, and reconciliation settles intents left
   * behind. An update must pass `stamp.intent` to `updateVersioned()` (server/db/versioned.ts);
   * a create must use `record.id` as the new document's `_id`. `report` is counted with it.
   */
  recorded<T>(input: AuditInput, record: RecordRef, write: (stamp: WriteStamp) => Promise<T>, opts: { readonly report?: ReportContribution } = {}): Promise<T> {
    return this.#intents.run(input, record, write, opts.report);
  }

  /**
   * `recorded()` for an insert that a unique index lets happen once (`insertOnce()`): inserts
   * `doc` (whose `_id` must be set) and records `input` with it only if this call inserted it;
   * false when another had (nothing recorded). `after` runs once inserted, inside the write: when
   * it throws (having removed the record), no event is written either.
   */
  // Any model: the documents' own types are the callers' business.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async recordedInsert(input: AuditInput, model: mongoose.Model<any>, doc: { readonly _id: mongoose.Types.ObjectId }, opts: { readonly after?: () => Promise<void> } = {}): Promise<boolean> {
    const record = { collection: model.collection.collectionName, id: doc._id, change: 'create' } as const;
    const write = async (): Promise<void> => {
      if (!(await insertOnce(() => model.create(doc)))) throw new NotInserted();
      await opts.after?.();
    };
    return this.recorded(input, record, write).then(
      () => true,
      (err: unknown) => {
        if (err instanceof NotInserted) return false;
        throw err;
      },
    );
  }

  /**
   * Settles the intents left by `runs` (dead runs at start-up, or this run after its database
   * came back; its own writes still running are left alone). `deadRuns` lets half-done
   * versioned updates of those runs be rolled forward at once.
   */
  reconcile(runs: readonly string[], deadRuns: ReadonlySet<string> = new Set(runs)): Promise<ReconcileReport> {
    return this.#intents.reconcile(runs, deadRuns);
  }

  /** Id of the run this log stamps on its intents. */
  get runId(): string {
    return this.#intents.runId;
  }

  async #write(p: Pending): Promise<void> {
    // Details are stored as plain JSON so that what is MACed is exactly what is read back.
    const details = p.input.details === undefined ? null : (JSON.parse(JSON.stringify(p.input.details)) as unknown);
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      const tail = this.#tail ?? (await this.#loadTail());
      const fields = { seq: tail.seq + 1, at: new Date(), actor: p.input.actor, action: p.input.action, target: p.input.target, outcome: p.input.outcome, details, reconciled: p.reconciled, prevHash: tail.hash };
      const hash = hashEvent(this.#key, fields);
      try {
        await AuditEventModel.create({ ...fields, ...(p.id ? { _id: p.id } : {}), kid: this.#kid, hash });
        this.#tail = { seq: fields.seq, hash };
        await this.#checkpoints.advanced(this.#tail);
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        // Refused as a duplicate _id: this event is in the chain already (the tail read here may be behind it).
        if (p.id && (await AuditEventModel.exists({ _id: p.id }))) {
          this.#tail = undefined;
          return;
        }
        this.#tail = undefined;
        this.#logger.warn({ seq: fields.seq, attempt }, 'appendAudit() lost a race for the sequence number; retrying');
        await backoff(attempt);
      }
    }
    throw new Error('appendAudit() could not claim a sequence number');
  }

  #writeAggregate(a: Aggregate): Promise<void> {
    // A list, not an object keyed by action: stored field names cannot contain dots everywhere.
    const counts = Object.entries(a.counts).map(([key, count]) => {
      const [action, outcome, reason] = key.split(':');
      return { action, outcome, reason: reason || null, count };
    });
    const total = counts.reduce((s, c) => s + c.count, 0);
    this.#logger.warn({ total }, 'writeAggregate() anonymous audit events aggregated: the queue was full');
    const written = this.#write({ input: { actor: { kind: 'system' }, action: 'audit.aggregated', target: 'audit:anonymous', outcome: 'success', details: { since: a.since.toISOString(), until: new Date().toISOString(), total, counts } }, reconciled: false, anonymous: false, aggregateKey: '' });
    return written.catch((err: unknown) => {
      this.#logger.warn({ err }, 'writeAggregate() failed; the counts go into the next aggregate');
      throw err;
    });
  }

  async #loadTail(): Promise<{ seq: number; hash: string }> {
    const last = await AuditEventModel.findOne({}, { seq: 1, hash: 1 }).sort({ seq: -1 }).lean();
    return last ? { seq: last.seq, hash: last.hash } : { seq: 0, hash: GENESIS_HASH };
  }

  /** Newest first, filtered by action or target, paged by `before`. */
  async list(q: AuditListQuery): Promise<{ items: AuditEventView[]; nextBefore: number | null }> {
    const filter: Record<string, unknown> = {};
    if (q.action) filter.action = q.action;
    if (q.target) filter.target = q.target;
    if (q.before) filter.seq = { $lt: q.before };
    const docs = await AuditEventModel.find(filter).sort({ seq: -1 }).limit(q.limit).lean();
    const items = docs.map(toView);
    const last = items.at(-1);
    return { items, nextBefore: items.length === q.limit && last ? last.seq : null };
  }

  /** Walks the chain, checking every MAC and link, then the checkpoints: ok, rewritten or truncated, and where. */
  async verify(): Promise<ChainReport> {
    const checkpoints = await this.#checkpoints.load();
    return verifyChain(this.#key, this.#kid, checkpoints);
  }

  /** Waits for queued appends and checkpoints the head (shutdown and tests). */
  async drain(): Promise<void> {
    await this.#queue.drain();
    await this.#checkpoints.flush(this.#tail).catch(() => undefined);
  }

  /** Drains and stops the idle checkpoint timer. */
  async close(): Promise<void> {
    clearInterval(this.#idle);
    await this.drain();
  }
}

function toView(d: AuditEventDoc): AuditEventView {
  return {
    seq: d.seq,
    at: d.at.toISOString(),
    actor: { kind: d.actor.kind as AuditInput['actor']['kind'], id: d.actor.id ?? undefined, role: d.actor.role ?? undefined, label: d.actor.label ?? undefined },
    action: d.action,
    target: d.target,
    outcome: d.outcome,
    details: d.details ?? null,
    reconciled: d.reconciled ?? false,
    prevHash: d.prevHash,
    hash: d.hash,
  };
}
