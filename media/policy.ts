/**
 * Who may publish and who may receive what, per role, derived from the protective measures a
 * court ordered. The room applies it on every consume request and every change of measures, so
 * the policy holds whatever a client sends.
 */
import type { ParticipantRole, ProtectiveMeasure } from '../server/signaling/ports.js';

/** Media kinds a room carries. */
export type MediaKind = 'audio' | 'video';

/** Roles that must never receive the witness's raw face or voice when masking is ordered. */
const MASKED_AUDIENCE: ReadonlySet<ParticipantRole> = new Set(['accused', 'defence', 'public']);

/** Roles that only watch: the public gallery publishes nothing. */
const LISTEN_ONLY: ReadonlySet<ParticipantRole> = new Set(['public']);

/** May a participant with `role` publish `kind`? */
export function canPublish(role: ParticipantRole, _kind: MediaKind): boolean {
  return !LISTEN_ONLY.has(role);
}

/** What a decision is based on. */
export interface ConsumeQuestion {
  readonly consumerRole: ParticipantRole;
  readonly producerRole: ParticipantRole;
  readonly kind: MediaKind;
  readonly measures: readonly ProtectiveMeasure[];
}

/**
 * May `consumerRole` receive a `kind` stream published by `producerRole`?
 * - `closedSession`: the public gallery receives nothing.
 * - `faceMask`: accused, defence and public receive no raw witness video (audio only until
 *   masked media exists).
 * - `voiceMask`: likewise for the witness's raw voice.
 */
export function canConsume(q: ConsumeQuestion): boolean {
  const has = (m: ProtectiveMeasure): boolean => q.measures.includes(m);
  if (q.consumerRole === 'public' && has('closedSession')) return false;
  if (q.producerRole !== 'witness' || !MASKED_AUDIENCE.has(q.consumerRole)) return true;
  if (q.kind === 'video' && has('faceMask')) return false;
  if (q.kind === 'audio' && has('voiceMask')) return false;
  return true;
}
