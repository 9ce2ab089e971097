/**
 * Operator console: lobby admit/deny, every feed with pause/resume and remove, closed-session
 * toggle, start/end, and per-participant link figures. The server enforces every one of these;
 * the console only asks.
 */
import { useState } from 'react';
import { api } from '../../api/endpoints.js';
import { useAuth } from '../../app/auth.js';
import type { RoomPort, RoomSnapshot } from '../../room/port.js';
import { useRoom } from '../../room/useRoom.js';
import { ErrorNotice, Loading, UserFacingError } from '../../components/common.js';
import { useLoad } from '../../components/useLoad.js';
import { AudioSinks } from '../../components/media.js';
import { t } from '../../strings.js';
import { FeedGrid, feedLabel } from '../participant/FeedGrid.js';
import { LinkTable } from './LinkTable.js';
import { LobbyPanel } from './LobbyPanel.js';

/** Runs a room command and keeps its failure as a sentence to show. */
function useCommand(): [unknown, (run: () => Promise<void>) => void] {
  const [error, setError] = useState<unknown>();
  const exec = (run: () => Promise<void>) => {
    setError(undefined);
    // A refused room command carries a code: ErrorNotice shows the client's sentence for it.
    run().catch((e: unknown) => setError(e));
  };
  return [error, exec];
}

export function OperatorConsole({ sessionId }: { sessionId: string }) {
  const { token } = useAuth();
  const session = useLoad(() => api.session(sessionId), [sessionId]);
  const [error, exec] = useCommand();
  // The room exists once the lobby is open; before that the console offers to open it.
  const roomOpen = session.data?.status === 'lobby' || session.data?.status === 'live';
  // The operator publishes nothing: the console only receives and controls.
  const { port, snap } = useRoom({ token, sessionId, local: undefined, join: roomOpen });

  if (session.loading && !session.data) return <Loading />;
  if (!port)
    return (
      <section className="console" aria-labelledby="console-title">
        <h1 id="console-title">{t.console.title}</h1>
        <ErrorNotice error={session.error} />
        <ErrorNotice error={error} />
        {session.data && (
          <div className="card controls">
            <p>
              {t.console.status}: <strong data-testid="session-status">{t.statuses[session.data.status] ?? session.data.status}</strong>
            </p>
            {session.data.status === 'scheduled' && (
              <button type="button" onClick={() => exec(() => api.setStatus(sessionId, 'lobby').then(session.reload))}>
                {t.console.openLobby}
              </button>
            )}
          </div>
        )}
      </section>
    );
  const status = snap.sessionStatus ?? session.data?.status ?? '';
  return (
    <section className="console" aria-labelledby="console-title">
      <h1 id="console-title">{t.console.title}</h1>
      <ErrorNotice error={session.error} />
      {(snap.phase === 'refused' || snap.phase === 'error') && <ErrorNotice error={new UserFacingError(snap.error ?? t.join.refused)} />}
      <ErrorNotice error={error} />
      <SessionControls port={port} snap={snap} status={status} exec={exec} />
      <div className="console-cols">
        <LobbyPanel participants={snap.participants.filter((p) => p.inLobby)} exec={exec} port={port} />
        <div className="card feeds">
          <h2>{t.console.feeds}</h2>
          <FeedGrid feeds={snap.feeds} participants={snap.participants.filter((p) => p.id !== snap.self?.id)} controls={(id) => <FeedControls port={port} snap={snap} participantId={id} exec={exec} />} />
        </div>
      </div>
      <div className="card">
        <LinkTable participants={snap.participants.filter((p) => !p.inLobby)} />
      </div>
      <AudioSinks tracks={snap.feeds.filter((f) => f.kind === 'audio').map((f) => f.track)} />
    </section>
  );
}

interface CtlProps {
  readonly port: RoomPort;
  readonly snap: RoomSnapshot;
  exec(run: () => Promise<void>): void;
}

function SessionControls({ port, snap, status, exec }: CtlProps & { status: string }) {
  const connected = snap.phase === 'admitted';
  return (
    <div className="card controls" role="group" aria-label={t.console.status}>
      <p>
        {t.console.status}: <strong data-testid="session-status">{t.statuses[status] ?? status}</strong> · {t.console.connection}:{' '}
        <span>{t.console.connStates[snap.phase === 'admitted' ? 'connected' : snap.phase] ?? snap.phase}</span>
      </p>
      <label className="check">
        <input type="checkbox" checked={snap.closedSession} disabled={!connected} onChange={(e) => exec(() => port.setClosedSession(e.target.checked))} />
        {t.console.closedSession}
      </label>
      <button type="button" disabled={!connected || status === 'live' || status === 'ended'} onClick={() => exec(() => port.start())}>
        {t.console.start}
      </button>
      <button
        type="button"
        className="danger"
        disabled={!connected || status === 'ended'}
        onClick={() => {
          if (window.confirm(t.console.confirmEnd)) exec(() => port.end());
        }}
      >
        {t.console.end}
      </button>
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
      {producers.map((pr) => {
        const label = `${name} (${kindLabel(pr.kind)})`;
        return (
          <button
            key={pr.producerId}
            type="button"
            className="secondary"
            aria-label={pr.paused ? t.console.resume(label) : t.console.pause(label)}
            onClick={() => exec(() => (pr.paused ? port.resumeProducer(pr.producerId) : port.pauseProducer(pr.producerId)))}
          >
            {pr.paused ? t.console.resume(kindLabel(pr.kind)) : t.console.pause(kindLabel(pr.kind))}
          </button>
        );
      })}
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
