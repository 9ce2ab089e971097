/** A grid of every received video feed, each labelled with role (codename for the witness). */
import type { ReactNode } from 'react';
import type { RoomFeed, RoomParticipant } from '../../room/port.js';
import { TrackVideo } from '../../components/media.js';
import { roleLabel, t } from '../../strings.js';

/** `Witness — ALBATROSS`, `Judge — J. Doe`. */
export function feedLabel(p: { role: string; displayName: string }): string {
  const role = roleLabel(p.role);
  return p.displayName && p.displayName !== role ? `${role} — ${p.displayName}` : role;
}

interface Props {
  readonly feeds: readonly RoomFeed[];
  /** Participants without a video feed are shown as audio-only tiles when given. */
  readonly participants?: readonly RoomParticipant[];
  /** Extra controls under each tile (the operator's). */
  readonly controls?: (participantId: string) => ReactNode;
}

export function FeedGrid({ feeds, participants, controls }: Props) {
  const video = feeds.filter((f) => f.kind === 'video');
  const withVideo = new Set(video.map((f) => f.participantId));
  const audioOnly = (participants ?? []).filter((p) => !p.inLobby && !withVideo.has(p.id));
  if (video.length === 0 && audioOnly.length === 0) return <p className="muted">{t.room.noFeeds}</p>;
  return (
    <ul className={video.length + audioOnly.length === 1 ? 'feed-grid single' : 'feed-grid'}>
      {video.map((f) => (
        <li key={f.producerId} className={f.paused ? 'tile paused' : 'tile'} data-participant-role={f.role}>
          <TrackVideo track={f.track} label={feedLabel(f)} testRole={f.role} />
          <span className="tile-label">
            {feedLabel(f)}
            {f.paused && <em> · {t.room.paused}</em>}
          </span>
          {controls?.(f.participantId)}
        </li>
      ))}
      {audioOnly.map((p) => (
        <li key={p.id} className="tile audio-only" data-participant-role={p.role}>
          <div className="placeholder">{t.room.audioOnly}</div>
          <span className="tile-label">{feedLabel(p)}</span>
          {controls?.(p.id)}
        </li>
      ))}
    </ul>
  );
}
