/** The witness's room: the court's feed large, own preview small, a leave button — nothing else. */
import type { RoomPort, RoomSnapshot } from '../../room/port.js';
import { AudioSinks, TrackVideo } from '../../components/media.js';
import { t } from '../../strings.js';

/** The court is the judge's video; failing that, any video the witness receives. */
function courtTrack(snap: RoomSnapshot): MediaStreamTrack | undefined {
  const video = snap.feeds.filter((f) => f.kind === 'video');
  return (video.find((f) => f.role === 'judge') ?? video[0])?.track;
}

export function WitnessRoom({ port, snap, local }: { port: RoomPort; snap: RoomSnapshot; local: MediaStream }) {
  const court = courtTrack(snap);
  return (
    <main id="main" className="witness-room">
      <div className="court-feed">
        {court ? (
          <>
            <TrackVideo track={court} label={t.join.courtFeed} className="large" testRole="court" />
            <span className="court-caption">{t.join.courtFeed}</span>
          </>
        ) : (
          <p className="big" role="status">
            {t.join.waitingForCourt}
          </p>
        )}
      </div>
      <TrackVideo track={local.getVideoTracks()[0]} label={t.join.ownPreview} className="own-preview" />
      <AudioSinks tracks={snap.feeds.filter((f) => f.kind === 'audio').map((f) => f.track)} />
      <button type="button" className="leave" onClick={() => port.leave()}>
        {t.join.leave}
      </button>
    </main>
  );
}
