/** Hashing of audit events: canonical JSON (sorted keys) so stored key order never matters. */
import { createHash } from 'node:crypto';

/** Hash standing in for "the event before the first one". */
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

/** The fields a hash covers. */
export interface HashedFields {
  readonly seq: number;
  readonly at: Date;
  readonly actor: { kind: string; id?: string | null; role?: string | null; label?: string | null };
  readonly action: string;
  readonly target: string;
  readonly outcome: string;
  readonly details?: unknown;
  readonly prevHash: string;
}

/** SHA-256 of the event's canonical form, hex. */
export function hashEvent(e: HashedFields): string {
  const actor = { kind: e.actor.kind, id: e.actor.id ?? null, role: e.actor.role ?? null, label: e.actor.label ?? null };
  // Only the listed fields: a stored document also carries _id and its own hash.
  const body = canonicalJson({ seq: e.seq, at: e.at, actor, action: e.action, target: e.target, outcome: e.outcome, details: e.details ?? null, prevHash: e.prevHash });
  return createHash('sha256').update(body).digest('hex');
}
