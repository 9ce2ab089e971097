/**
 * The room for everyone but the witness and the operator: the header (measures in force; on court
 * pages the trial and window), notices, every feed they may receive (who speaks, which are
 * disguised), their own microphone, camera and devices, own preview, leave (after a question).
 * The judge also gets the court's controls. Link participants see it in their language;
 * signed-in ones in English (the default language outside the join page).
 */
import type { ReactNode } from 'react';
import type { RoomPort, RoomSnapshot } from '../../room/port.js';
import { AudioSinks, TrackVideo } from '../../components/media.js';
import { usePageTitle } from '../../app/title.js';
import { useWitnessText } from '../../i18n/index.js';
import { LeaveButton } from '../witness/LeaveButton.js';
import { roleName } from '../witness/witnessText.js';
import { FeedGrid } from './FeedGrid.js';
import { HearingControls } from '../hearing/HearingControls.js';
import { CourtControls } from '../room/CourtControls.js';
import { RoomHeader, RoomNotices } from '../room/RoomStatus.js';
import { RoomToolbar } from '../room/RoomToolbar.js';

interface Props {
  readonly port: RoomPort;
  readonly snap: RoomSnapshot;
  readonly local: MediaStream | undefined;
  onLocal(stream: MediaStream): void;
  /** The page's `h1` (court pages: which session); the participants heading otherwise. */
  readonly title?: ReactNode;
}

export function ParticipantStage({ port, snap, local, onLocal, title }: Props) {
  const m = useWitnessText();
  usePageTitle(m.titles.room);
  return (
    <section className="stage" aria-labelledby="stage-title">
      <div className="stage-head">
        {title ?? <h1 id="stage-title">{m.stage.feeds}</h1>}
        <LeaveButton className="leave danger" label={m.stage.leave} onLeave={() => port.leave()} />
      </div>
      <RoomHeader snap={snap} />
      <RoomNotices snap={snap} />
      {!local && <p className="muted">{m.room.watchOnly}</p>}
      <HearingControls port={port} snap={snap} />
      {snap.self?.role === 'judge' && <CourtControls port={port} snap={snap} />}
      <FeedGrid feeds={snap.feeds} speaking={snap.activeSpeaker} text={{ ...m.stage, speaking: m.room.speaking, disguised: m.room.disguised, roleName: (r) => roleName(m, r) }} />
      {local && <TrackVideo track={local.getVideoTracks()[0]} label={m.stage.you} className="own-preview" testRole="self" />}
      <RoomToolbar port={port} snap={snap} local={local} onLocal={onLocal} />
      <AudioSinks feeds={snap.feeds.filter((f) => f.kind === 'audio')} />
    </section>
  );
}
