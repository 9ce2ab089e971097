/** A signed-in participant joins a session's room: device check → lobby → stage. */
import { useEffect, useState } from 'react';
import { useAuth } from '../../app/auth.js';
import { Link } from '../../app/Layout.js';
import { useRoom } from '../../room/useRoom.js';
import { ErrorNotice, UserFacingError } from '../../components/common.js';
import { t } from '../../strings.js';
import { DeviceCheck } from '../witness/DeviceCheck.js';
import { ParticipantStage } from './ParticipantStage.js';

const FINAL: Record<string, string> = { denied: t.join.denied, removed: t.join.removed, ended: t.join.ended, left: t.join.left };

export function ParticipantRoom({ sessionId }: { sessionId: string }) {
  const { token } = useAuth();
  const [local, setLocal] = useState<MediaStream>();
  const { port, snap } = useRoom({ token, sessionId, local, join: !!local });
  useEffect(() => {
    if (FINAL[snap.phase]) local?.getTracks().forEach((tr) => tr.stop());
  }, [snap.phase, local]);

  if (!local || !port) return <DeviceCheck onReady={setLocal} />;
  const final = FINAL[snap.phase];
  if (final)
    return (
      <section>
        <p role="status">{final}</p>
        <Link to="/sessions">{t.nav.sessions}</Link>
      </section>
    );
  if (snap.phase === 'refused' || snap.phase === 'error') return <ErrorNotice error={new UserFacingError(snap.error ?? t.join.refused)} />;
  if (snap.phase !== 'admitted')
    return (
      <p role="status" className="big" data-testid="lobby">
        {snap.phase === 'connecting' ? t.join.connecting : (snap.waitingReason ?? (snap.self?.role === 'judge' ? t.room.judgeLobbyText : t.room.lobbyText))}
      </p>
    );
  return <ParticipantStage port={port} snap={snap} local={local} />;
}
