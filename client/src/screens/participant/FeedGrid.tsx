/**
 * A grid of every received video feed, each labelled with role (codename for the witness), marked
 * when the server disguises it and when its participant speaks; the operator's preview of what the
 * accused receives is a tile of its own.
 */
import type { ReactNode } from 'react';
import type { RoomFeed, RoomParticipant } from '../../room/port.js';
import { isPresent } from '../../room/roomView.js';
import { TrackVideo } from '../../components/media.js';
import { roleLabel, t } from '../../strings.js';

/** `Witness — ALBATROSS`, `Judge — J. Doe`; the name is left out where it only repeats the role. */
export function feedLabel(p: { role: string; displayName: string }, roleName: (role: string) => string = roleLabel): string {
  const role = roleName(p.role);
  const repeats = !p.displayName || p.displayName === role || p.displayName === p.role || p.displayName === roleLabel(p.role);
  return repeats ? role : `${role} — ${p.displayName}`;
}

/** The words a grid shows, in the viewer's language (English by default). */
export interface FeedGridText {
  readonly noFeeds: string;
  readonly audioOnly: string;
  readonly paused: string;
  readonly speaking: string;
  readonly disguised: string;
  roleName(role: string): string;
}

const ENGLISH: FeedGridText = {
  noFeeds: t.room.noFeeds,
  audioOnly: t.room.audioOnly,
  paused: t.room.paused,
  speaking: t.courtRoom.speaking,
  disguised: t.courtRoom.disguised,
  roleName: roleLabel,
};

interface Props {
  readonly feeds: readonly RoomFeed[];
  /** Participants without a video feed are shown as audio-only tiles when given (those present only). */
  readonly participants?: readonly RoomParticipant[];
  /** Who speaks now. */
  readonly speaking?: string | undefined;
  /** Extra controls under each tile (the operator's). */
  readonly controls?: (participantId: string) => ReactNode;
  readonly text?: FeedGridText;
}

/** The label of a feed: who, and what the viewer should know about it (disguised, paused, speaking). */
function tileText(f: { role: string; displayName: string; variant?: string; paused?: boolean }, speaking: boolean, text: FeedGridText): string {
  const parts = [feedLabel(f, text.roleName)];
  if (f.variant === 'masked') parts.push(text.disguised);
  if (f.paused) parts.push(text.paused);
  if (speaking) parts.push(text.speaking);
  return parts.join(' · ');
}

export function FeedGrid({ feeds, participants, speaking, controls, text = ENGLISH }: Props) {
  const video = feeds.filter((f) => f.kind === 'video' && !f.preview);
  const withVideo = new Set(video.map((f) => f.participantId));
  const audioOnly = (participants ?? []).filter((p) => !p.inLobby && isPresent(p) && !withVideo.has(p.id));
  if (video.length === 0 && audioOnly.length === 0) return <p className="muted">{text.noFeeds}</p>;
  const cls = (base: string, id: string) => (speaking === id ? `${base} speaking` : base);
  return (
    <ul className={video.length + audioOnly.length === 1 ? 'feed-grid single' : 'feed-grid'}>
      {video.map((f) => {
        const label = tileText(f, speaking === f.participantId, text);
        return (
          <li key={f.producerId} className={cls(f.paused ? 'tile paused' : 'tile', f.participantId)} data-participant-role={f.role} data-variant={f.variant}>
            <TrackVideo track={f.track} label={label} testRole={f.role} />
            <span className="tile-label">{label}</span>
            {controls?.(f.participantId)}
          </li>
        );
      })}
      {audioOnly.map((p) => {
        const label = tileText(p, speaking === p.id, text);
        return (
          <li key={p.id} className={cls('tile audio-only', p.id)} data-participant-role={p.role}>
            <div className="placeholder">{text.audioOnly}</div>
            <span className="tile-label">{label}</span>
            {controls?.(p.id)}
          </li>
        );
      })}
    </ul>
  );
}

/** The operator's preview: the accused's variant of each of the witness's pictures. */
export function PreviewTiles({ feeds }: { feeds: readonly RoomFeed[] }) {
  const previews = feeds.filter((f) => f.preview && f.kind === 'video');
  if (previews.length === 0) return null;
  return (
    <ul className="feed-grid previews">
      {previews.map((f) => (
        <li key={f.producerId} className="tile preview" data-testid="accused-preview">
          <TrackVideo track={f.track} label={`${t.courtRoom.preview}: ${feedLabel(f)}`} testRole="preview" />
          <span className="tile-label">
            {t.courtRoom.preview}: {feedLabel(f)}
          </span>
        </li>
      ))}
    </ul>
  );
}
