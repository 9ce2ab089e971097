/**
 * Compare-and-set updates that are safe on FerretDB, whose updates are not atomic: it reads the
 * document, applies the change in Go and writes the whole document back, so two concurrent
 * updates of one document (even of different fields, even with a condition in the filter) can
 * undo each other. Exclusivity therefore comes from a unique insert (the claim below); the
 * version in each write's filter only keeps a writer that stalled for seconds from landing late. The same code is correct on MongoDB.
 *
 * Every document updated this way carries `_rev` (absent = 0). To move a document from `v` to
 * `v + 1` a writer first inserts the claim `<collection>:<id>:<v+1>` under the unique `_id` of
 * `revision_claims`: of writers racing from the same version exactly one succeeds, the others
 * read again and retry (so a condition such as "status is still live" is re-checked on the new
 * version). The winner checks that the document is still at `v` (a writer that read long ago
 * could claim a version already passed and deleted), writes it only where it is still at `v`, and
 * deletes its claim. A claim left
 * by a writer that died between its claim and its write holds the values it meant to write and
 * is rolled forward by the next writer after `STUCK_MS`, or at once by the reconciliation of a
 * dead run.
 */
import mongoose, { Schema } from 'mongoose';
import { ConflictError } from '../../common/errors.js';
import { insertOnce } from './duplicateKey.js';

const claimSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** The values the claimant writes (with `_rev` and `_intents`), kept for a roll-forward. */
    set: { type: Schema.Types.Mixed, required: true },
    at: { type: Date, required: true },
    /** Run of the claimant (server/db/runs.ts), when known. */
    run: { type: String, default: null },
  },
  { collection: 'revision_claims', versionKey: false, minimize: false },
);
const ClaimModel = mongoose.model('RevisionClaim', claimSchema);

/** A claim older than this whose document has not moved is rolled forward by the next writer. */
export const STUCK_MS = 10_000;
/** How many audit intents a document remembers (server/audit/intents.ts reads them). */
export const KEPT_INTENTS = 8;
const MAX_ATTEMPTS = 25;

/** Fields every versioned document may carry. */
export interface VersionFields {
  readonly _id: unknown;
  readonly _rev?: number;
  /** Ids of the last audit intents that changed this document, newest last. */
  readonly _intents?: readonly string[];
}

/** An id as stored: an ObjectId when `id` is one in hex (as route parameters are), else `id` itself. */
export function storedId(id: string): unknown {
  return mongoose.isValidObjectId(id) && /^[0-9a-f]{24}$/i.test(id) ? new mongoose.Types.ObjectId(id) : id;
}

/** Outcome of `updateVersioned()`. */
export type VersionedResult<T> = { readonly found: false } | { readonly found: true; readonly changed: boolean; readonly doc: T };

/** Options of `updateVersioned()`. */
export interface VersionedOptions {
  /** Audit intent this change belongs to (remembered in `_intents`). */
  readonly intent?: string;
  /** Run of this service, stamped on the claim. */
  readonly run?: string;
}

// Any model: the documents' own types are the callers' business.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyModel = mongoose.Model<any>;

function claimId(model: AnyModel, id: unknown, rev: number): string {
  return `${model.collection.collectionName}:${String(id)}:${rev}`;
}

/**
 * FerretDB over SQLite answers a write that met another writer's transaction (a read upgraded to
 * a write in WAL mode) with SQLITE_BUSY at once, whatever its busy timeout: nothing was written,
 * so the write is tried again, a few times, after short pauses.
 */
async function whileBusy<T>(write: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await write();
    } catch (err) {
      if (attempt >= MAX_ATTEMPTS || !/SQLITE_BUSY|database is locked/.test(String((err as { message?: unknown }).message))) throw err;
      await pause(attempt);
    }
  }
}

function pause(attempt: number): Promise<void> {
  // Random and growing, so writers that lost the same race do not collide again in lockstep.
  return new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * attempt));
}

/**
 * Sets `set` (the next version's values) on document `id` only while it is at version `rev` (a
 * document never written this way has no `_rev`: 0); false when it has moved on.
 */
export async function writeAtRevision(model: AnyModel, id: unknown, rev: number, set: Record<string, unknown>): Promise<boolean> {
  const at = rev === 0 ? { $or: [{ _rev: 0 }, { _rev: null }, { _rev: { $exists: false } }] } : { _rev: rev };
  const res = await whileBusy(() => model.updateOne({ _id: id, ...at }, { $set: set }, { strict: false }));
  return res.matchedCount > 0;
}

async function revisionOf(model: AnyModel, id: unknown): Promise<number | undefined> {
  const doc = await model.findById(id, { _rev: 1 }).lean<{ _rev?: number }>();
  return doc ? (doc._rev ?? 0) : undefined;
}

/**
 * Applies `change` to the current version of the document `id` and writes the result, unless
 * another writer got there first, in which case it starts again from the newer version.
 * `change` returns the fields to set, or null to leave the document alone (a condition that no
 * longer holds). Throws `ConflictError` (`concurrent_update`) after 25 lost races in a row.
 */
export async function updateVersioned<T extends VersionFields>(model: AnyModel, id: unknown, change: (current: T) => Record<string, unknown> | null, opts: VersionedOptions = {}): Promise<VersionedResult<T>> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    // An id that cannot be one of this collection's (a malformed ObjectId) names no document.
    const current = await model
      .findById(id)
      .lean<T>()
      .catch((err: unknown) => {
        if ((err as { name?: unknown }).name === 'CastError') return null;
        throw err;
      });
    if (!current) return { found: false };
    const rev = current._rev ?? 0;
    const set = change(current);
    if (set === null) return { found: true, changed: false, doc: current };
    const full: Record<string, unknown> = { ...set, _rev: rev + 1 };
    if (opts.intent) full._intents = [...(current._intents ?? []).slice(1 - KEPT_INTENTS), opts.intent];
    const claim = claimId(model, current._id, rev + 1);
    if (!(await insertOnce(() => ClaimModel.create({ _id: claim, set: full, at: new Date(), run: opts.run ?? null })))) {
      await settleClaim(model, current._id, rev, { deadRuns: new Set() });
      await pause(attempt);
      continue;
    }
    if ((await revisionOf(model, current._id)) !== rev) {
      // Claimed a version the document has already passed: that claim means nothing.
      await ClaimModel.deleteOne({ _id: claim });
      continue;
    }
    // The claim is ours: this write must land, also past a moment's lock contention. It applies
    // only to version `rev`: a writer stalled past STUCK_MS finds its claim rolled forward (these
    // very values) and must not write them again over a later version.
    // False only when the next writer rolled this very claim forward: the values are in either way.
    await writeAtRevision(model, current._id, rev, full);
    await ClaimModel.deleteOne({ _id: claim }).catch(() => undefined);
    return { found: true, changed: true, doc: { ...current, ...full } as T };
  }
  throw new ConflictError({ message: 'The record is being changed by someone else; retry.', code: 'concurrent_update' });
}

/**
 * Rolls forward the claim on version `rev + 1` of a document still at `rev` when its writer is
 * gone (its run is in `deadRuns`, or the claim is older than `STUCK_MS`); removes a leftover
 * claim the document has already passed.
 */
async function settleClaim(model: AnyModel, id: unknown, rev: number, opts: { readonly deadRuns: ReadonlySet<string> }): Promise<void> {
  const claim = await ClaimModel.findById(claimId(model, id, rev + 1)).lean();
  if (!claim) return;
  const stuck = Date.now() - claim.at.getTime() > STUCK_MS || (typeof claim.run === 'string' && opts.deadRuns.has(claim.run));
  if (!stuck) return;
  const now = await revisionOf(model, id);
  if (now === rev) await writeAtRevision(model, id, rev, claim.set as Record<string, unknown>);
  await ClaimModel.deleteOne({ _id: claim._id });
}

/**
 * Finishes any change of document `id` left half-done by a writer that is gone (reconciliation
 * calls it before deciding whether an intent's change was applied).
 */
export async function settleVersioned(model: AnyModel, id: unknown, deadRuns: ReadonlySet<string>): Promise<void> {
  const rev = await revisionOf(model, id);
  if (rev !== undefined) await settleClaim(model, id, rev, { deadRuns });
}
