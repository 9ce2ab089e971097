/**
 * Operator console: which session (trial, window, measures in force), lobby admit/deny and admit
 * all, every feed with pause/resume and remove (and who speaks), the witness's masking with a
 * preview of what the accused sees, closed session, start/end, and per participant what they send
 * and their link figures. The server enforces every one of these; the console only asks. Once the
 * session ends nothing of the room stays: no tile, no button.
 */
import { usePageTitle } from '../../app/title.js';
import { api } from '../../api/endpoints.js';
import { useAuth } from '../../app/auth.js';
import type { RoomSnapshot } from '../../room/port.js';
import { useRoom } from '../../room/useRoom.js';
import { ErrorNotice, Loading, UserFacingError } from '../../components/common.js';
import { Link } from '../../app/Layout.js';
import { useLoad } from '../../components/useLoad.js';
import { AudioSinks } from '../../components/media.js';
import { t } from '../../strings.js';
import { FeedGrid, feedLabel } from '../participant/FeedGrid.js';
import { LinkTable } from './LinkTable.js';
import { LobbyPanel } from './LobbyPanel.js';
import { MaskingPanel } from './MaskingPanel.js';
import { SessionControls, type CtlProps } from './SessionControls.js';
import { HearingBanner } from '../hearing/HearingBanner.js';
import { HearingControls } from '../hearing/HearingControls.js';
import { useRoomCommand } from '../hearing/useRoomCommand.js';
import { RoomHeader } from '../room/RoomStatus.js';
import { SessionTitle } from '../room/SessionTitle.js';

export function OperatorConsole({ sessionId }: { sessionId: string }) {
  usePageTitle(t.titles.console);
  const { token } = useAuth();
  const session = useLoad(() => api.session(sessionId), [sessionId]);
  const { error, exec: run } = useRoomCommand();
  const exec = (f: () => Promise<void>) => void run(f);
  // The room exists once the lobby is open; before that the console offers to open it.
  const roomOpen = session.data?.status === 'lobby' || session.data?.status === 'live';
  // The operator publishes nothing: the console only receives and controls.
  const { port, snap } = useRoom({ token, sessionId, join: roomOpen });

  if (session.loading && !session.data) return <Loading />;
  const cancel = () => {
    if (window.confirm(t.consoleLifecycle.confirmCancel)) exec(() => api.setStatus(sessionId, 'cancelled').then(session.reload));
  };
  const heading = <SessionTitle id="console-title" prefix={t.console.title} sessionId={sessionId} session={session.data} />;
  const over = snap.phase === 'ended' || snap.phase === 'removed' || snap.phase === 'signedOut';
  if (!port || over)
    return (
      <section className="console" aria-labelledby="console-title">
        {heading}
        <ErrorNotice error={session.error} />
        <ErrorNotice error={error} />
        {over ? <Ended snap={snap} sessionId={sessionId} /> : session.data && <BeforeLobby status={session.data.status} exec={exec} sessionId={sessionId} onOpened={session.reload} onCancel={cancel} />}
      </section>
    );
  const status = snap.sessionStatus ?? session.data?.status ?? '';
  return (
    <section className="console" aria-labelledby="console-title">
      <RoomHeader snap={snap} title={heading} />
      <ErrorNotice error={session.error} />
      {(snap.phase === 'refused' || snap.phase === 'error') && <ErrorNotice error={new UserFacingError(snap.error ?? t.join.refused)} />}
      <ErrorNotice error={error} />
      <HearingBanner snap={snap} />
      <SessionControls port={port} snap={snap} status={status} exec={exec} onCancel={cancel} />
      <HearingControls port={port} snap={snap} />
      <div className="console-cols">
        <LobbyPanel participants={snap.participants} exec={exec} port={port} />
        <div className="card feeds">
          <h2>{t.console.feeds}</h2>
          <FeedGrid
            feeds={snap.feeds}
            speaking={snap.activeSpeaker}
            participants={snap.participants.filter((p) => p.id !== snap.self?.id)}
            controls={(id) => <FeedControls port={port} snap={snap} participantId={id} exec={exec} />}
          />
        </div>
      </div>
      <MaskingPanel port={port} snap={snap} exec={exec} />
      <div className="card">
        <LinkTable participants={snap.participants.filter((p) => !p.inLobby)} />
      </div>
      {/* The preview's sound would double the witness's: only its picture is shown. */}
      <AudioSinks feeds={snap.feeds.filter((f) => f.kind === 'audio' && !f.preview)} />
    </section>
  );
}

/** Before the room exists: the status, open the lobby, cancel. */
function BeforeLobby(p: { status: string; sessionId: string; exec(run: () => Promise<void>): void; onOpened(): void; onCancel(): void }) {
  return (
    <div className="card controls">
      <p>
        {t.console.status}: <strong data-testid="session-status">{t.statuses[p.status] ?? p.status}</strong>
      </p>
      {p.status === 'scheduled' && (
        <>
          <button type="button" onClick={() => p.exec(() => api.setStatus(p.sessionId, 'lobby').then(p.onOpened))}>
            {t.console.openLobby}
          </button>
          <button type="button" className="danger" onClick={p.onCancel}>
            {t.consoleLifecycle.cancel}
          </button>
        </>
      )}
    </div>
  );
}

/** After End (or when this console was cut off): what happened and where the record is. */
function Ended({ snap, sessionId }: { snap: RoomSnapshot; sessionId: string }) {
  const ended = snap.phase === 'ended';
  return (
    <div className="card controls">
      <p>
        {t.console.status}: <strong data-testid="session-status">{t.statuses[ended ? 'ended' : (snap.sessionStatus ?? '')] ?? snap.sessionStatus}</strong>
      </p>
      <p role="status">{snap.signedOut ? t.courtRoom.signedOut[snap.signedOut] : ended ? t.courtRoom.endedText : t.join.removed}</p>
      <Link to={`/sessions/${sessionId}`}>{t.courtRoom.toSession}</Link>
    </div>
  );
}

const kindLabel = (kind: 'audio' | 'video') => (kind === 'audio' ? t.console.audio : t.console.video);

function FeedControls({ port, snap, participantId, exec }: CtlProps & { participantId: string }) {
  const who = snap.participants.find((p) => p.id === participantId);
  const name = who ? feedLabel(who) : participantId;
  const producers = snap.producers.filter((p) => p.participantId === participantId);
  return (
    <div className="tile-controls">
      {producers.map((pr) => (
        <button
          key={pr.producerId}
          type="button"
          className="secondary"
          aria-label={pr.paused ? t.console.resumeOf(kindLabel(pr.kind), name) : t.console.pauseOf(kindLabel(pr.kind), name)}
          onClick={() => exec(() => (pr.paused ? port.resumeProducer(pr.producerId) : port.pauseProducer(pr.producerId)))}
        >
          {pr.paused ? t.console.resume(kindLabel(pr.kind)) : t.console.pause(kindLabel(pr.kind))}
        </button>
      ))}
      <button
        type="button"
        className="danger"
        aria-label={t.console.remove(name)}
        onClick={() => {
          if (window.confirm(t.console.confirmRemove(name))) exec(() => port.remove(participantId));
        }}
      >
        {t.console.removeShort}
      </button>
    </div>
  );
}
