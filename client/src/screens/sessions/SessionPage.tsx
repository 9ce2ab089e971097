/**
 * One session: its facts, what the signed-in user may do with it (reschedule, cancel, open the
 * lobby, the console or the room) and its invitation links with their state.
 */
import { useState } from 'react';
import { api } from '../../api/endpoints.js';
import type { TestimonySession, Trial, Witness } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { canInvite, canMove, canReschedule, managesSession } from '../../app/can.js';
import { Link } from '../../app/Layout.js';
import { usePageTitle } from '../../app/title.js';
import { ErrorNotice, Loading, SuccessNotice, formatInZone } from '../../components/common.js';
import { useAction } from '../../components/useAction.js';
import { useLoad } from '../../components/useLoad.js';
import { roleLabel, t } from '../../strings.js';
import { InvitationList } from './InvitationList.js';
import { InvitationPanel } from './InvitationPanel.js';
import { RescheduleForm } from './RescheduleForm.js';

interface Loaded {
  readonly session: TestimonySession;
  readonly trial: Trial | undefined;
  readonly witness: Witness | undefined;
}

async function loadSession(id: string): Promise<Loaded> {
  const session = await api.session(id);
  // Not every role may read the trial or the witnesses: the page then shows what it has.
  const [trial, witnesses] = await Promise.all([api.trial(session.trialId).catch(() => undefined), api.witnesses().catch(() => [])]);
  return { session, trial, witness: witnesses.find((w) => w.id === session.witnessId) };
}

export function SessionPage({ sessionId }: { sessionId: string }) {
  usePageTitle(t.titles.session);
  const { data, error, loading, reload } = useLoad(() => loadSession(sessionId), [sessionId]);
  const [notice, setNotice] = useState<string>();
  if (loading && !data) return <Loading />;
  if (!data) return <ErrorNotice error={error} />;
  const { session: s, trial, witness } = data;
  const done = (text: string) => {
    setNotice(text);
    reload();
  };
  return (
    <section aria-labelledby="session-title">
      <p>
        <Link to="/sessions">{t.session.back}</Link>
      </p>
      <h1 id="session-title">
        {t.titles.session}: {trial?.caseNumber ?? '—'}, {formatInZone(s.start, s.timeZones.court)}
      </h1>
      {notice && <SuccessNotice>{notice}</SuccessNotice>}
      <Facts s={s} trial={trial} witness={witness} />
      <Lifecycle s={s} trial={trial} onDone={done} />
      <Invitations s={s} trial={trial} witness={witness} />
    </section>
  );
}

function Facts({ s, trial, witness }: Omit<Loaded, 'session'> & { s: TestimonySession }) {
  return (
    <div className="card">
      <dl className="facts">
        <dt>{t.session.status}</dt>
        <dd data-testid="session-status">{t.statuses[s.status] ?? s.status}</dd>
        <dt>{t.session.trial}</dt>
        <dd>{trial ? `${trial.caseNumber} — ${trial.court}` : '—'}</dd>
        <dt>{t.session.witness}</dt>
        <dd>{witness?.codename ?? '—'}</dd>
        <dt>{t.session.countries}</dt>
        <dd>{s.fromCountry ? `${s.fromCountry} → ${s.courtCountry}` : s.courtCountry}</dd>
        <dt>{t.session.courtRoom}</dt>
        <dd>{s.courtRoom}</dd>
        <dt>{t.session.windowCourt}</dt>
        <dd data-testid="window-court">
          {formatInZone(s.start, s.timeZones.court)} – {formatInZone(s.end, s.timeZones.court)}
        </dd>
        {s.timeZones.witness && (
          <>
            <dt>{t.session.windowWitness}</dt>
            <dd>
              {formatInZone(s.start, s.timeZones.witness)} – {formatInZone(s.end, s.timeZones.witness)}
            </dd>
          </>
        )}
        <dt>{t.session.measures}</dt>
        <dd>{s.measures.length ? s.measures.map((m) => t.measures[m] ?? m).join(', ') : t.session.noMeasures}</dd>
        <dt>{t.session.participants}</dt>
        <dd>{s.participants.map((p) => `${roleLabel(p.role)} — ${p.displayName}`).join('; ') || '—'}</dd>
      </dl>
    </div>
  );
}

function Lifecycle({ s, trial, onDone }: { s: TestimonySession; trial: Trial | undefined; onDone(text: string): void }) {
  const { user } = useAuth();
  const [moving, setMoving] = useState(false);
  const act = useAction();
  const over = s.status === 'ended' || s.status === 'cancelled';
  const takesPart = s.participants.some((p) => p.userId === user?.id);
  // A judge who sits in the hearing runs it from their own room (it has the court's controls);
  // one who only presides the trial runs it from the console.
  const runs = user?.role === 'operator' || user?.role === 'admin' || (user?.role === 'judge' && !takesPart && managesSession(user, s, trial));
  const cancel = () => {
    if (window.confirm(t.session.confirmCancel)) void act.run(async () => (await api.setStatus(s.id, 'cancelled'), onDone(t.session.cancelled)));
  };
  return (
    <div className="card" role="group" aria-labelledby="lifecycle-title">
      <h2 id="lifecycle-title">{t.session.lifecycle}</h2>
      <p className="muted">{over ? t.session.over : t.session.lifecycleRule}</p>
      <ErrorNotice error={act.error} />
      {canMove(user, s, trial, 'lobby') && (
        <button type="button" disabled={act.busy} onClick={() => void act.run(async () => (await api.setStatus(s.id, 'lobby'), onDone(t.statuses.lobby ?? '')))}>
          {t.session.openLobby}
        </button>
      )}
      {runs && (s.status === 'lobby' || s.status === 'live') && (
        <Link to={`/sessions/${s.id}/console`} className="button">
          {t.session.console}
        </Link>
      )}
      {!runs && !over && user?.role !== 'staff' && takesPart && (
        <Link to={`/sessions/${s.id}/room`} className="button">
          {user?.role === 'judge' ? t.sessions.judgeJoin : t.session.join}
        </Link>
      )}
      {canReschedule(user, s, trial) && (
        <button type="button" className="secondary" aria-expanded={moving} onClick={() => setMoving(!moving)}>
          {t.session.reschedule}
        </button>
      )}
      {canMove(user, s, trial, 'cancelled') && (
        <button type="button" className="danger" disabled={act.busy} onClick={cancel}>
          {t.session.cancelSession}
        </button>
      )}
      {moving && canReschedule(user, s, trial) && <RescheduleForm session={s} onMoved={() => (setMoving(false), onDone(t.session.moved))} />}
    </div>
  );
}

function Invitations({ s, trial, witness }: { s: TestimonySession; trial: Trial | undefined; witness: Witness | undefined }) {
  const { user } = useAuth();
  const manages = managesSession(user, s, trial) && (user?.role === 'admin' || user?.role === 'prosecutor' || user?.role === 'operator');
  const list = useLoad(() => (manages ? api.invitations(s.id) : Promise.resolve([])), [s.id, manages]);
  if (!manages) return null;
  return (
    <div className="card" aria-labelledby="invitations-title">
      <h2 id="invitations-title">{t.invitations.title}</h2>
      <ErrorNotice error={list.error} />
      {list.data && <InvitationList sessionId={s.id} items={list.data} zone={s.timeZones.court} canRevoke={!['ended', 'cancelled'].includes(s.status)} onChanged={list.reload} />}
      {canInvite(user, s, trial) && (
        <>
          <h3>{t.invitations.newLink}</h3>
          <InvitationPanel session={s} witnessLanguages={witness?.languages ?? []} onIssued={list.reload} />
        </>
      )}
    </div>
  );
}
