/**
 * What a participant must know at a glance in the room, in the page's language: the protective
 * measures in force (live), the hearing's suspension and interpretation, a closed session, and
 * that the operator paused their microphone or camera.
 */
import type { ReactNode } from 'react';
import type { RoomSnapshot } from '../../room/port.js';
import { useWitnessText } from '../../i18n/index.js';
import { HearingBanner } from '../hearing/HearingBanner.js';

/** The measures in force as a short list (`aria-live`: a change during the hearing is announced). */
export function MeasuresInForce({ snap }: { snap: RoomSnapshot }) {
  const m = useWitnessText().room;
  const names: Readonly<Record<string, string>> = m.measureNames;
  return (
    <p className="measures" data-testid="measures" aria-live="polite">
      <strong>{m.measures}:</strong> {snap.measures.length === 0 ? m.noMeasures : snap.measures.map((x) => names[x] ?? x).join(' · ')}
    </p>
  );
}

/** The room's header: `title` (court pages: trial and window), then the measures in force. */
export function RoomHeader({ snap, title }: { snap: RoomSnapshot; title?: ReactNode }) {
  return (
    <header className="room-header">
      {title}
      <MeasuresInForce snap={snap} />
    </header>
  );
}

/** Suspension, closed session, and the operator's hold on this participant's media. */
export function RoomNotices({ snap }: { snap: RoomSnapshot }) {
  const m = useWitnessText().room;
  return (
    <div className="room-notices">
      <HearingBanner snap={snap} />
      {snap.closedSession && (
        <p className="notice" role="status" data-testid="closed-session">
          {m.closedSession}
        </p>
      )}
      {snap.own.audio === 'held' && (
        <p className="notice notice-warn" role="alert" data-testid="held-audio">
          {m.heldAudio}
        </p>
      )}
      {snap.own.video === 'held' && (
        <p className="notice notice-warn" role="alert" data-testid="held-video">
          {m.heldVideo}
        </p>
      )}
    </div>
  );
}
