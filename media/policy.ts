/**
 * Who may publish, and which variant of each stream each participant receives — `raw`, `masked`
 * (disguised by the server) or `none` — derived from the protective measures a court ordered. The
 * room applies it whenever a stream, a participant or a measure changes, so the policy holds
 * whatever a client sends. The table below is the README's.
 */
import { WATCH_ONLY_ROLES, type MediaKind, type MediaVariant, type ParticipantRole, type ProtectiveMeasure } from '../common/vocabulary.js';

/**
 * What each role receives of the video of the witness's side (the witness, and the requested
 * authority and support person beside them, whose cameras and microphones can catch the witness)
 * under `faceMask`, and of their audio under `voiceMask`. Without the measure everyone receives
 * the raw stream.
 */
export const WITNESS_MEDIA_POLICY: Readonly<Record<ParticipantRole, Readonly<Record<MediaKind, 'raw' | 'masked'>>>> = {
  judge: { video: 'raw', audio: 'raw' },
  operator: { video: 'raw', audio: 'raw' },
  prosecutor: { video: 'raw', audio: 'raw' },
  authority: { video: 'raw', audio: 'raw' },
  // The interpreter must hear every word as spoken.
  interpreter: { video: 'masked', audio: 'raw' },
  accused: { video: 'masked', audio: 'masked' },
  defence: { video: 'masked', audio: 'masked' },
  support: { video: 'masked', audio: 'masked' },
  public: { video: 'masked', audio: 'masked' },
  witness: { video: 'raw', audio: 'raw' },
};

/**
 * The witness's side of a cross-border hearing: their media is disguised under the measures,
 * and while the requested authority suspends the hearing nobody else receives it.
 */
export const WITNESS_SIDE: ReadonlySet<ParticipantRole> = new Set(['witness', 'authority', 'support']);

/** The measure that disguises each kind of the witness's media. */
const MASK_MEASURE: Readonly<Record<MediaKind, ProtectiveMeasure>> = { video: 'faceMask', audio: 'voiceMask' };

/** Roles that only watch: the public gallery publishes nothing and is never asked for a camera. */
const WATCH_ONLY: ReadonlySet<ParticipantRole> = new Set(WATCH_ONLY_ROLES);

/** May a participant with `role` publish `kind`? */
export function canPublish(role: ParticipantRole, _kind: MediaKind): boolean {
  return !WATCH_ONLY.has(role);
}

/** What a decision is based on. */
export interface VariantQuestion {
  readonly viewerRole: ParticipantRole;
  readonly sourceRole: ParticipantRole;
  readonly kind: MediaKind;
  readonly measures: readonly ProtectiveMeasure[];
}

/**
 * Which variant of a `kind` stream published by `sourceRole` a `viewerRole` receives:
 * - `closedSession`: the public gallery receives nothing at all;
 * - the witness side's video under `faceMask` and audio under `voiceMask`: per WITNESS_MEDIA_POLICY;
 * - everything else: raw.
 */
export function mediaVariant(q: VariantQuestion): MediaVariant {
  if (q.viewerRole === 'public' && q.measures.includes('closedSession')) return 'none';
  if (!WITNESS_SIDE.has(q.sourceRole) || !maskingOrdered(q.measures, q.kind)) return 'raw';
  return WITNESS_MEDIA_POLICY[q.viewerRole][q.kind];
}

/** Whether a suspension keeps `sourceRole`'s media from `viewerRole`. */
export function suspensionWithholds(viewerRole: ParticipantRole, sourceRole: ParticipantRole): boolean {
  return WITNESS_SIDE.has(sourceRole) && !WITNESS_SIDE.has(viewerRole);
}

/** What a participant listens to: the floor, or (simultaneous interpretation) the interpreter. */
export type Listening = 'floor' | 'interpretation';

/**
 * How an audio stream reaches a listener under simultaneous interpretation: the interpreters'
 * channel only to those who chose it (and to the other interpreters), the floor to everyone but
 * ducked for those who chose interpretation. Consecutive interpretation is plain floor.
 */
export function interpretationRoute(q: { readonly listening: Listening; readonly viewerIsInterpreter: boolean; readonly sourceIsInterpreter: boolean }): 'play' | 'duck' | 'skip' {
  if (q.sourceIsInterpreter) return q.listening === 'interpretation' || q.viewerIsInterpreter ? 'play' : 'skip';
  return q.listening === 'interpretation' && !q.viewerIsInterpreter ? 'duck' : 'play';
}

/** Whether `kind` of the witness side is disguised under `measures` (its masking pipelines run). */
export function maskingOrdered(measures: readonly ProtectiveMeasure[], kind: MediaKind): boolean {
  return measures.includes(MASK_MEASURE[kind]);
}

/** Whose streams get a masking pipeline: the witness side's, the only ones ever disguised. */
export function needsMasking(sourceRole: ParticipantRole): boolean {
  return WITNESS_SIDE.has(sourceRole);
}
