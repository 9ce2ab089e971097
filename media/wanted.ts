/**
 * What one participant should be receiving right now: for every stream in the room, the producer
 * of the variant the policy chooses. The room compares this with the consumers that exist and
 * closes or creates consumers until they match; nothing else ever creates a consumer.
 */
import type { ParticipantRole, ProtectiveMeasure } from '../common/vocabulary.js';
import type { types } from './mediasoup.js';
import { interpretationRoute, mediaVariant, suspensionWithholds, type Listening } from './policy.js';

/** What the room's decisions depend on besides the streams. */
export interface RoomState {
  readonly measures: readonly ProtectiveMeasure[];
  /** The requested authority suspended the hearing. */
  readonly suspended: boolean;
  /** Simultaneous interpretation: the interpreters' participant ids (their audio is the channel). */
  readonly simultaneousInterpreters: ReadonlySet<string> | undefined;
}

/** A participant as the policy sees them. */
export interface Viewer {
  readonly id: string;
  readonly role: ParticipantRole;
  readonly listening: Listening;
}

/** A published stream: its raw producer and, for the witness, the masked one while masking runs. */
export interface Stream {
  readonly ownerId: string;
  readonly ownerRole: ParticipantRole;
  readonly raw: types.Producer;
  readonly masked: types.Producer | undefined;
}

/** One consumer a participant should have. */
export interface Wanted {
  readonly producer: types.Producer;
  readonly stream: Stream;
  readonly variant: 'raw' | 'masked';
  /** The operator's preview of what the accused receives (shown beside the raw stream). */
  readonly preview: boolean;
  /** Floor audio for someone listening to the interpretation: played quietly. */
  readonly ducked: boolean;
}

/**
 * The consumers `viewer` should have, by producer id. A masked viewer gets the masked producer
 * or, while its masking processes are down, nothing: never the raw one. Operators also get the masked
 * variant of every stream the accused receives masked, as a preview. A suspension withholds the
 * witness side from everyone else; simultaneous interpretation routes the interpreters' audio
 * (see policy.ts).
 */
export function wantedBy(viewer: Viewer, streams: readonly Stream[], state: RoomState): Map<string, Wanted> {
  const out = new Map<string, Wanted>();
  const interpreters = state.simultaneousInterpreters;
  for (const stream of streams) {
    if (stream.ownerId === viewer.id || stream.raw.closed) continue;
    if (state.suspended && suspensionWithholds(viewer.role, stream.ownerRole)) continue;
    const kind = stream.raw.kind;
    let ducked = false;
    if (kind === 'audio' && interpreters) {
      const route = interpretationRoute({ listening: viewer.listening, viewerIsInterpreter: interpreters.has(viewer.id), sourceIsInterpreter: interpreters.has(stream.ownerId) });
      if (route === 'skip') continue;
      ducked = route === 'duck';
    }
    const variant = mediaVariant({ viewerRole: viewer.role, sourceRole: stream.ownerRole, kind, measures: state.measures });
    const masked = stream.masked && !stream.masked.closed ? stream.masked : undefined;
    if (variant === 'raw') out.set(stream.raw.id, { producer: stream.raw, stream, variant: 'raw', preview: false, ducked });
    if (variant === 'masked' && masked) out.set(masked.id, { producer: masked, stream, variant: 'masked', preview: false, ducked });
    const accusedSees = mediaVariant({ viewerRole: 'accused', sourceRole: stream.ownerRole, kind, measures: state.measures });
    if (viewer.role === 'operator' && accusedSees === 'masked' && masked && !out.has(masked.id)) {
      out.set(masked.id, { producer: masked, stream, variant: 'masked', preview: true, ducked: false });
    }
  }
  return out;
}

/** Whether an existing consumer still matches what is wanted (same producer, same handling). */
export function stillWanted(wanted: Map<string, Wanted>, consumer: { readonly producerId: string; readonly appData: { readonly ducked?: boolean } }): boolean {
  const w = wanted.get(consumer.producerId);
  return w !== undefined && w.ducked === (consumer.appData.ducked ?? false);
}
