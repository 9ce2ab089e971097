/** Upcoming and past sessions, with the actions the signed-in role may take on each. */
import { Fragment, useState } from 'react';
import { api } from '../../api/endpoints.js';
import type { TestimonySession, UserRole } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { Link } from '../../app/Layout.js';
import { ErrorNotice, Loading, formatInZone } from '../../components/common.js';
import { useLoad } from '../../components/useLoad.js';
import { t } from '../../strings.js';
import { usePageTitle } from '../../app/title.js';
import { MinutesPanel } from '../hearing/MinutesPanel.js';

/** Who reads minutes (the server checks the trial); the judge also remarks and seals. */
const MINUTES_ROLES: readonly UserRole[] = ['judge', 'prosecutor', 'admin'];

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
  usePageTitle(user?.role === 'operator' ? t.titles.console : t.titles.sessions);
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
  const [reading, setReading] = useState<string>();
  const minutes = !p.active && MINUTES_ROLES.includes(p.role);
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
                <th scope="col">{t.sessions.actions}</th>
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
                    <td className="actions">
                      <Actions session={s} role={p.role} active={p.active} />
                      {minutes && s.status === 'ended' && (
                        <button type="button" className="secondary" aria-expanded={reading === s.id} onClick={() => setReading(reading === s.id ? undefined : s.id)}>
                          {t.hearing.minutes}
                        </button>
                      )}
                    </td>
                  </tr>
                  {reading === s.id && (
                    <tr>
                      <td colSpan={6}>
                        <MinutesPanel sessionId={s.id} canEdit={p.role === 'judge'} />
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

function Actions({ session, role, active }: { session: TestimonySession; role: UserRole; active: boolean }) {
  const canRun = role === 'operator' || role === 'admin';
  const when = formatInZone(session.start, session.timeZones.court);
  return (
    <>
      <Link to={`/sessions/${session.id}`} className="button secondary" label={t.session.detailsLabel(when)}>
        {t.session.details}
      </Link>
      {!active ? null : canRun ? (
        <Link to={`/sessions/${session.id}/console`} className="button">
          {t.sessions.console}
        </Link>
      ) : (
        role !== 'staff' && (
          <Link to={`/sessions/${session.id}/room`} className="button">
            {role === 'judge' ? t.sessions.judgeJoin : t.sessions.join}
          </Link>
        )
      )}
    </>
  );
}
