/** Upcoming and past sessions, with the actions the signed-in role may take on each. */
import { Fragment, useState } from 'react';
import { api } from '../../api/endpoints.js';
import type { TestimonySession, UserRole } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { Link } from '../../app/Layout.js';
import { ErrorNotice, Loading, formatInZone } from '../../components/common.js';
import { useLoad } from '../../components/useLoad.js';
import { t } from '../../strings.js';
import { InvitationPanel } from './InvitationPanel.js';

const DONE = ['ended', 'cancelled'];

interface Names {
  readonly witness: Map<string, string>;
  readonly trial: Map<string, string>;
}

async function loadAll() {
  // Not every role may list witnesses or trials; the table then shows ids it does know.
  const [sessions, witnesses, trials] = await Promise.all([
    api.sessions(),
    api.witnesses().catch(() => []),
    api.trials().catch(() => []),
  ]);
  const names: Names = {
    witness: new Map(witnesses.map((w) => [w.id, w.codename])),
    trial: new Map(trials.map((x) => [x.id, x.caseNumber])),
  };
  return { sessions, names };
}

export function SessionsPage() {
  const { user } = useAuth();
  const { data, error, loading } = useLoad(loadAll, []);
  if (loading) return <Loading />;
  if (error || !data) return <ErrorNotice error={error} />;
  const role = user?.role ?? 'judge';
  const byStart = [...data.sessions].sort((a, b) => a.start.localeCompare(b.start));
  const upcoming = byStart.filter((s) => !DONE.includes(s.status));
  const past = byStart.filter((s) => DONE.includes(s.status)).reverse();
  return (
    <section aria-labelledby="sessions-title">
      <h1 id="sessions-title">{role === 'operator' ? t.console.title : t.sessions.title}</h1>
      <SessionTable title={t.sessions.upcoming} sessions={upcoming} names={data.names} role={role} active />
      <SessionTable title={t.sessions.past} sessions={past} names={data.names} role={role} active={false} />
    </section>
  );
}

function SessionTable(p: { title: string; sessions: readonly TestimonySession[]; names: Names; role: UserRole; active: boolean }) {
  const [inviting, setInviting] = useState<string>();
  const id = `sessions-${p.active ? 'upcoming' : 'past'}`;
  return (
    <div className="card">
      <h2 id={id}>{p.title}</h2>
      {p.sessions.length === 0 ? (
        <p className="muted">{t.sessions.empty}</p>
      ) : (
        <div className="table-wrap">
          <table aria-labelledby={id}>
            <thead>
              <tr>
                <th scope="col">{t.sessions.when}</th>
                <th scope="col">{t.sessions.trial}</th>
                <th scope="col">{t.sessions.witness}</th>
                <th scope="col">{t.sessions.pair}</th>
                <th scope="col">{t.sessions.status}</th>
                {p.active && <th scope="col">{t.sessions.actions}</th>}
              </tr>
            </thead>
            <tbody>
              {p.sessions.map((s) => (
                <Fragment key={s.id}>
                  <tr data-session-id={s.id}>
                    <td>{formatInZone(s.start, s.timeZones.court)}</td>
                    <td>{p.names.trial.get(s.trialId) ?? '—'}</td>
                    <td>{p.names.witness.get(s.witnessId) ?? '—'}</td>
                    <td>
                      {s.fromCountry} → {s.courtCountry}
                    </td>
                    <td>{t.statuses[s.status] ?? s.status}</td>
                    {p.active && (
                      <td className="actions">
                        <Actions session={s} role={p.role} inviting={inviting === s.id} onInvite={() => setInviting(inviting === s.id ? undefined : s.id)} />
                      </td>
                    )}
                  </tr>
                  {inviting === s.id && (
                    <tr>
                      <td colSpan={6}>
                        <InvitationPanel sessionId={s.id} />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}

function Actions({ session, role, inviting, onInvite }: { session: TestimonySession; role: UserRole; inviting: boolean; onInvite(): void }) {
  const canInvite = role === 'prosecutor' || role === 'admin';
  const canRun = role === 'operator' || role === 'admin';
  return (
    <>
      {canInvite && (
        <button type="button" className="secondary" aria-expanded={inviting} onClick={onInvite}>
          {t.sessions.invite}
        </button>
      )}
      {canRun ? (
        <Link to={`/sessions/${session.id}/console`} className="button">
          {t.sessions.console}
        </Link>
      ) : (
        role !== 'staff' && (
          <Link to={`/sessions/${session.id}/room`} className="button">
            {t.sessions.join}
          </Link>
        )
      )}
    </>
  );
}
