/**
 * A signed-in participant joins a session's room: connect → device check → lobby → stage, with
 * the session named in the header (trial and window).
 */
import { usePageTitle } from '../../app/title.js';
import { api } from '../../api/endpoints.js';
import { useAuth } from '../../app/auth.js';
import { Link } from '../../app/Layout.js';
import { ErrorNotice, UserFacingError } from '../../components/common.js';
import { useLoad } from '../../components/useLoad.js';
import { t } from '../../strings.js';
import { DeviceCheck } from '../witness/DeviceCheck.js';
import { ParticipantStage } from './ParticipantStage.js';
import { HearingControls } from '../hearing/HearingControls.js';
import { useRoomEntry } from '../room/useRoomEntry.js';
import { SessionTitle } from '../room/SessionTitle.js';

const FINAL: Record<string, string> = { denied: t.join.denied, removed: t.join.removed, ended: t.join.ended, left: t.join.left };

export function ParticipantRoom({ sessionId }: { sessionId: string }) {
  usePageTitle(t.titles.room);
  const { token } = useAuth();
  const session = useLoad(() => api.session(sessionId).catch(() => undefined), [sessionId]);
  const entry = useRoomEntry({ token, sessionId });
  const { port, snap } = entry;

  const final = snap.signedOut ? t.courtRoom.signedOut[snap.signedOut] : FINAL[snap.phase];
  if (final)
    return (
      <section>
        <p role="status">{final}</p>
        <Link to="/sessions">{t.nav.sessions}</Link>
      </section>
    );
  if (snap.phase === 'refused' || snap.phase === 'error') return <ErrorNotice error={new UserFacingError(snap.error ?? t.join.refused)} />;
  if (port && entry.needsDevices) return <DeviceCheck onReady={entry.ready} />;
  if (!port || snap.phase !== 'admitted')
    return (
      <>
        <p role="status" className="big" data-testid="lobby">
          {snap.phase === 'connecting' ? t.join.connecting : (snap.waitingReason ?? (snap.self?.role === 'judge' ? t.room.judgeLobbyText : t.room.lobbyText))}
        </p>
        {port && snap.self?.role === 'authority' && <HearingControls port={port} snap={snap} />}
      </>
    );
  const title = <SessionTitle id="stage-title" prefix={t.courtRoom.roomTitle} sessionId={sessionId} session={session.data} />;
  return <ParticipantStage port={port} snap={snap} local={entry.local} onLocal={entry.setLocal} title={title} />;
}
