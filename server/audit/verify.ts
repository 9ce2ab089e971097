/** Verification of the audit chain against its MACs, links and checkpoints. */
import { AuditEventModel, type AuditEventDoc } from './audit.model.js';
import { GENESIS_HASH, hashEvent } from './chain.js';
import type { FoundCheckpoint } from './checkpoints.js';

/** Result of `AuditLog.verify()`. */
export interface ChainReport {
  readonly ok: boolean;
  /**
   * `rewritten`: an event was altered, re-linked, removed from the middle or MACed with another
   * key (`firstBrokenAt` is the first such event); `truncated`: events a checkpoint vouches for
   * are missing at the end (`firstBrokenAt` is the first missing sequence number).
   */
  readonly status: 'ok' | 'rewritten' | 'truncated';
  readonly events: number;
  readonly firstBrokenAt: number | null;
  /** Why, in one word: `mac`, `link`, `gap`, `key`, `checkpoint`, `checkpointForged` or `missingTail`. */
  readonly reason: string | null;
  /** The newest valid checkpoint the chain was checked against. */
  readonly checkpoint: { readonly seq: number; readonly at: string; readonly source: 'database' | 'anchor' } | null;
}

type Broken = { readonly seq: number; readonly reason: string };

/** Walks the events in order; returns the first broken one, the count and the MAC at each seq asked for. */
async function walk(key: Buffer, kid: string, wanted: ReadonlySet<number>): Promise<{ events: number; head: number; broken: Broken | null; at: Map<number, string> }> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  let events = 0;
  let broken: Broken | null = null;
  const at = new Map<number, string>();
  for await (const e of AuditEventModel.find({}).sort({ seq: 1 }).lean().cursor()) {
    events++;
    const doc = e as AuditEventDoc;
    if (wanted.has(doc.seq)) at.set(doc.seq, doc.hash);
    if (broken === null) {
      let reason: string | null = null;
      if (doc.seq !== expectedSeq) reason = 'gap';
      else if (doc.kid !== kid) reason = 'key';
      else if (doc.prevHash !== prev) reason = 'link';
      else if (hashEvent(key, { ...doc, details: doc.details ?? null }) !== doc.hash) reason = 'mac';
      if (reason) broken = { seq: doc.seq, reason };
    }
    prev = doc.hash;
    expectedSeq = doc.seq + 1;
  }
  return { events, head: expectedSeq - 1, broken, at };
}

/**
 * Checks every event's MAC, sequence number and link to the one before, then compares the
 * chain with each checkpoint (database and anchor file): a valid checkpoint beyond the last
 * event means the tail was cut; one whose MAC differs from the event at its sequence number, or
 * a checkpoint that does not verify, means rewriting.
 */
export async function verifyChain(key: Buffer, kid: string, checkpoints: readonly FoundCheckpoint[]): Promise<ChainReport> {
  const { events, head, broken, at } = await walk(key, kid, new Set(checkpoints.map((c) => c.seq)));
  const valid = checkpoints.filter((c) => c.valid).sort((a, b) => b.seq - a.seq);
  const newest = valid[0];
  const checkpoint = newest ? { seq: newest.seq, at: newest.at.toISOString(), source: newest.source } : null;
  const report = (status: ChainReport['status'], firstBrokenAt: number | null, reason: string | null): ChainReport => ({ ok: status === 'ok', status, events, firstBrokenAt, reason, checkpoint });
  if (broken) return report('rewritten', broken.seq, broken.reason);
  const forged = checkpoints.find((c) => !c.valid);
  if (forged) return report('rewritten', Math.min(forged.seq, head + 1), 'checkpointForged');
  if (newest && newest.seq > head) return report('truncated', head + 1, 'missingTail');
  const differs = valid.filter((c) => at.get(c.seq) !== c.hash).sort((a, b) => a.seq - b.seq)[0];
  if (differs) return report('rewritten', differs.seq, 'checkpoint');
  return report('ok', null, null);
}
