/**
 * The audit log: append-only and tamper-evident. FerretDB has no transactions, so appends are
 * serialised in-process through a promise queue, and the unique index on `seq` makes a second
 * writer (another process) fail instead of forking the chain; that writer reloads the tail and
 * retries.
 */
import type { Logger } from '../logger.js';
import { AuditEventModel, type AuditEventDoc } from './audit.model.js';
import type { AuditInput, AuditListQuery } from './audit.schemas.js';
import { GENESIS_HASH, hashEvent } from './chain.js';
import { isDuplicateKey } from '../db/duplicateKey.js';

/** Result of `verify()`. */
export interface ChainReport {
  readonly ok: boolean;
  readonly events: number;
  /** Sequence number of the first event whose hash or link does not match; null when ok. */
  readonly firstBrokenAt: number | null;
}

/** One event as the API returns it. */
export interface AuditEventView {
  readonly seq: number;
  readonly at: string;
  readonly actor: AuditInput['actor'];
  readonly action: string;
  readonly target: string;
  readonly outcome: string;
  readonly details: unknown;
  readonly prevHash: string;
  readonly hash: string;
}

const MAX_APPEND_ATTEMPTS = 12;

/**
 * Two writers that lose the same race retry at once and can keep colliding; a random pause that
 * grows with each attempt breaks the lockstep.
 */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * 10 * attempt;
  return new Promise((resolve) => setTimeout(resolve, ms));
}


/** Appends and reads audit events. */
export class AuditLog {
  #queue: Promise<unknown> = Promise.resolve();
  #tail: { seq: number; hash: string } | undefined;

  constructor(private readonly logger: Logger) {}

  /** Appends one event after every earlier append of this process has finished. */
  append(input: AuditInput): Promise<void> {
    const next = this.#queue.then(() => this.#write(input));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #write(input: AuditInput): Promise<void> {
    // Details are stored as plain JSON so that what is hashed is exactly what is read back.
    const details = input.details === undefined ? null : (JSON.parse(JSON.stringify(input.details)) as unknown);
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt++) {
      const tail = this.#tail ?? (await this.#loadTail());
      const fields = { seq: tail.seq + 1, at: new Date(), actor: input.actor, action: input.action, target: input.target, outcome: input.outcome, details, prevHash: tail.hash };
      const hash = hashEvent(fields);
      try {
        await AuditEventModel.create({ ...fields, hash });
        this.#tail = { seq: fields.seq, hash };
        return;
      } catch (err) {
        if (!isDuplicateKey(err)) throw err;
        this.#tail = undefined;
        this.logger.warn({ seq: fields.seq, attempt }, 'appendAudit() lost a race for the sequence number; retrying');
        await backoff(attempt);
      }
    }
    throw new Error('appendAudit() could not claim a sequence number');
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

  /** Walks the chain in order, recomputing each hash and link. */
  async verify(): Promise<ChainReport> {
    let prev = GENESIS_HASH;
    let expectedSeq = 1;
    let events = 0;
    let firstBrokenAt: number | null = null;
    for await (const e of AuditEventModel.find({}).sort({ seq: 1 }).lean().cursor()) {
      events++;
      const doc = e as AuditEventDoc;
      const recomputed = hashEvent({ ...doc, actor: doc.actor, details: doc.details ?? null });
      const broken = doc.seq !== expectedSeq || doc.prevHash !== prev || recomputed !== doc.hash;
      if (broken && firstBrokenAt === null) firstBrokenAt = doc.seq;
      prev = doc.hash;
      expectedSeq = doc.seq + 1;
    }
    return { ok: firstBrokenAt === null, events, firstBrokenAt };
  }

  /** Waits for queued appends (used at shutdown and by tests). */
  async drain(): Promise<void> {
    await this.#queue;
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
    prevHash: d.prevHash,
    hash: d.hash,
  };
}
