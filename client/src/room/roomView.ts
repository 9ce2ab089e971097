/**
 * Pure derivations from what the RoomClient reports to what the screens show: the feeds, the
 * participants with their link figures, this client's own media state. No React, no sockets.
 */
import type { ParticipantView, RemoteMedia } from '../rooms/index.js';
import type { LinkStats, MediaState, RoomFeed, RoomParticipant, RoomProducer } from './port.js';

type Kind = 'audio' | 'video';

export function toFeeds(remotes: Iterable<RemoteMedia>): RoomFeed[] {
  return [...remotes].map((r) => ({
    producerId: r.producerId,
    participantId: r.participantId,
    role: r.role,
    displayName: r.displayName,
    kind: r.kind,
    track: r.track,
    paused: r.paused,
    variant: r.variant,
    preview: r.preview,
    ducked: r.ducked,
  }));
}

/** The operator controls each received stream of the originals (a preview is a copy). */
export function toProducers(feeds: readonly RoomFeed[]): RoomProducer[] {
  return feeds.filter((f) => !f.preview).map((f) => ({ producerId: f.producerId, participantId: f.participantId, kind: f.kind, paused: f.paused }));
}

/** Who is in the lobby or the room (denied and removed ones are gone), with their link figures. */
export function toParticipants(list: Iterable<ParticipantView>, stats: ReadonlyMap<string, LinkStats>): RoomParticipant[] {
  return [...list]
    .filter((p) => p.admission === 'waiting' || p.admission === 'admitted')
    .map((p) => {
      const s = stats.get(p.participantId);
      return {
        id: p.participantId,
        role: p.role,
        displayName: p.displayName,
        inLobby: p.admission === 'waiting',
        connection: p.connected ? 'connected' : 'disconnected',
        media: p.media,
        ...(s ? { stats: s } : {}),
      };
    });
}

/** Present: connected now. A participant who left stays in the records but gets no tile and no button. */
export const isPresent = (p: RoomParticipant): boolean => p.connection !== 'disconnected';

/** What this client sends of `kind`, from what it published, muted itself, and what a controller holds. */
export function ownState(kind: Kind, o: { published: ReadonlySet<Kind>; muted: ReadonlySet<Kind>; held: ReadonlySet<Kind> }): MediaState {
  if (!o.published.has(kind)) return 'none';
  if (o.held.has(kind)) return 'held';
  return o.muted.has(kind) ? 'muted' : 'live';
}
