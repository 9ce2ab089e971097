/**
 * The one-time link (`/join#token=…`): device check → lobby → room. The token is read from the
 * fragment (never sent to the HTTP server), moved to sessionStorage so a reload can reconnect,
 * and sent only in the Socket.IO handshake.
 */
import { useEffect, useMemo, useState } from 'react';
import type { RoomPhase } from '../../room/port.js';
import { useRoom } from '../../room/useRoom.js';
import { t } from '../../strings.js';
import { ErrorNotice, UserFacingError } from '../../components/common.js';
import { DeviceCheck } from './DeviceCheck.js';
import { WitnessRoom } from './WitnessRoom.js';
import { ParticipantStage } from '../participant/ParticipantStage.js';

const KEY = 'wb.invitation';

/** Takes the token out of the address bar (and history) at once. */
function takeToken(): string | undefined {
  const m = /(?:^#|&)token=([^&]+)/.exec(location.hash);
  if (m?.[1]) {
    const token = decodeURIComponent(m[1]);
    sessionStorage.setItem(KEY, token);
    history.replaceState(null, '', location.pathname);
    return token;
  }
  return sessionStorage.getItem(KEY) ?? undefined;
}

const FINAL_MESSAGES: Partial<Record<RoomPhase, string>> = {
  denied: t.join.denied,
  removed: t.join.removed,
  ended: t.join.ended,
  left: t.join.left,
};

export function JoinPage() {
  const token = useMemo(takeToken, []);
  const [local, setLocal] = useState<MediaStream>();
  const { port, snap } = useRoom({ token, local, join: !!local });

  // The camera goes off when the session is over for this person.
  useEffect(() => {
    if (FINAL_MESSAGES[snap.phase] || snap.phase === 'refused') local?.getTracks().forEach((tr) => tr.stop());
    if (snap.phase === 'ended' || snap.phase === 'removed' || snap.phase === 'denied') sessionStorage.removeItem(KEY);
  }, [snap.phase, local]);

  if (!token) return <Calm>{<ErrorNotice error={new UserFacingError(t.join.noToken)} />}</Calm>;
  if (!local || !port) return <DeviceCheck onReady={setLocal} />;
  const final = FINAL_MESSAGES[snap.phase];
  if (final)
    return (
      <Calm>
        <p role="status" className="big">
          {final}
        </p>
      </Calm>
    );
  if (snap.phase === 'refused' || snap.phase === 'error')
    return <Calm>{<ErrorNotice error={new UserFacingError(snap.error ?? t.join.refused)} />}</Calm>;
  if (snap.phase === 'connecting' || snap.phase === 'lobby')
    return (
      <Calm>
        <h1>{t.join.lobbyTitle}</h1>
        <p role="status" className="big" data-testid="lobby">
          {snap.phase === 'connecting' ? t.join.connecting : (snap.waitingReason ?? t.join.lobbyText)}
        </p>
        <div className="breathe" aria-hidden="true" />
      </Calm>
    );
  if (snap.self?.role && snap.self.role !== 'witness') return <ParticipantStage port={port} snap={snap} local={local} />;
  return <WitnessRoom port={port} snap={snap} local={local} />;
}

function Calm({ children }: { children: React.ReactNode }) {
  return (
    <main id="main" className="calm narrow">
      {children}
    </main>
  );
}
