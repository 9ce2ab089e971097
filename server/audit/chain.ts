/**
 * The audit chain's MAC: HMAC-SHA256 under `AUDIT_KEY` over the event's canonical JSON (sorted
 * keys, so stored key order never matters), which includes the MAC of the event before it.
 * Without the key nobody can append, alter or re-link events so that they verify.
 */
import { createHmac } from 'node:crypto';

/** MAC standing in for "the event before the first one". */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level; dates as ISO strings. */
export function canonicalJson(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** The fields a MAC covers. */
export interface HashedFields {
  readonly seq: number;
  readonly at: Date;
  readonly actor: { kind: string; id?: string | null; role?: string | null; label?: string | null };
  readonly action: string;
  readonly target: string;
  readonly outcome: string;
  readonly details?: unknown;
  /** True for an event written by reconciliation after the request that caused it was cut off. */
  readonly reconciled?: boolean | null;
  readonly prevHash: string;
}

/** Short public id of a key (stored on each event and checkpoint), so a key change is told apart from tampering. */
export function keyId(key: Buffer): string {
  return createHmac('sha256', key).update('witness-bridge audit key id').digest('hex').slice(0, 16);
}

/** HMAC-SHA256 of the event's canonical form under `key`, hex. */
export function hashEvent(key: Buffer, e: HashedFields): string {
  const actor = { kind: e.actor.kind, id: e.actor.id ?? null, role: e.actor.role ?? null, label: e.actor.label ?? null };
  // Only the listed fields: a stored document also carries _id and its own MAC.
  const body = canonicalJson({ seq: e.seq, at: e.at, actor, action: e.action, target: e.target, outcome: e.outcome, details: e.details ?? null, reconciled: e.reconciled ?? false, prevHash: e.prevHash });
  return createHmac('sha256', key).update(body).digest('hex');
}

/** A checkpoint: the chain's head (sequence number and MAC) at a time, itself MACed. */
export interface Checkpoint {
  readonly seq: number;
  readonly hash: string;
  readonly at: Date;
  readonly kid: string;
  readonly mac: string;
}

/** MAC of a checkpoint's fields under `key`. */
export function checkpointMac(key: Buffer, c: Omit<Checkpoint, 'mac'>): string {
  return createHmac('sha256', key).update(canonicalJson({ checkpoint: true, seq: c.seq, hash: c.hash, at: c.at, kid: c.kid })).digest('hex');
}
