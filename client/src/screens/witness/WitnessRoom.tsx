/**
 * The witness's room: the court's feed large, own preview small, the protection in force, their
 * microphone and camera, and a leave button — in their language. They are told when the operator
 * pauses them and when the court sits in closed session.
 */
import type { RoomPort, RoomSnapshot } from '../../room/port.js';
import { AudioSinks, TrackVideo } from '../../components/media.js';
import { usePageTitle } from '../../app/title.js';
import { useWitnessText } from '../../i18n/index.js';
import { LeaveButton } from './LeaveButton.js';
import { RoomHeader, RoomNotices } from '../room/RoomStatus.js';
import { RoomToolbar } from '../room/RoomToolbar.js';

/** The court is the judge's video; failing that, any video the witness receives. */
function courtTrack(snap: RoomSnapshot): MediaStreamTrack | undefined {
  const video = snap.feeds.filter((f) => f.kind === 'video');
  return (video.find((f) => f.role === 'judge') ?? video[0])?.track;
}

interface Props {
  readonly port: RoomPort;
  readonly snap: RoomSnapshot;
  readonly local: MediaStream | undefined;
  onLocal(stream: MediaStream): void;
}

export function WitnessRoom({ port, snap, local, onLocal }: Props) {
  const m = useWitnessText();
  usePageTitle(m.titles.room);
  const court = courtTrack(snap);
  return (
    <main id="main" className="witness-room">
      <h1 className="sr-only">{m.titles.room}</h1>
      <div className="witness-top">
        <RoomHeader snap={snap} />
        <RoomNotices snap={snap} />
      </div>
      <div className="court-feed">
        {court ? (
          <>
            <TrackVideo track={court} label={m.join.courtFeed} className="large" testRole="court" />
            <span className="court-caption">{m.join.courtFeed}</span>
          </>
        ) : (
          <p className="big" role="status">
            {m.join.waitingForCourt}
          </p>
        )}
      </div>
      {local && <TrackVideo track={local.getVideoTracks()[0]} label={m.join.ownPreview} className="own-preview" testRole="self" />}
      <AudioSinks feeds={snap.feeds.filter((f) => f.kind === 'audio')} />
      <div className="witness-bottom">
        <RoomToolbar port={port} snap={snap} local={local} onLocal={onLocal} />
        <LeaveButton className="leave" label={m.join.leave} onLeave={() => port.leave()} />
      </div>
    </main>
  );
}
