/** The room for judge, prosecutor, defence, interpreter: every feed they may receive, own preview, leave. */
import type { RoomPort, RoomSnapshot } from '../../room/port.js';
import { AudioSinks, TrackVideo } from '../../components/media.js';
import { t } from '../../strings.js';
import { FeedGrid } from './FeedGrid.js';

export function ParticipantStage({ port, snap, local, title }: { port: RoomPort; snap: RoomSnapshot; local: MediaStream | undefined; title?: string }) {
  return (
    <section className="stage" aria-labelledby="stage-title">
      <div className="stage-head">
        <h1 id="stage-title">{title ?? t.room.feeds}</h1>
        <button type="button" className="leave danger" onClick={() => port.leave()}>
          {t.room.leave}
        </button>
      </div>
      <FeedGrid feeds={snap.feeds} />
      {local && <TrackVideo track={local.getVideoTracks()[0]} label={t.room.you} className="own-preview" />}
      <AudioSinks tracks={snap.feeds.filter((f) => f.kind === 'audio').map((f) => f.track)} />
    </section>
  );
}
