/**
 * Which session a court room screen is: the trial's case number and the window in the court's
 * time, linked to the session's page. Loads what the caller may read; shows `…` for the rest.
 */
import { api } from '../../api/endpoints.js';
import type { TestimonySession } from '../../api/types.js';
import { Link } from '../../app/Layout.js';
import { formatInZone } from '../../components/common.js';
import { useLoad } from '../../components/useLoad.js';
import { t } from '../../strings.js';

/** The window in the court's time: `1 Dec 2026, 09:00 GMT+1 – 10:30`. */
export function windowText(s: Pick<TestimonySession, 'start' | 'end' | 'timeZones'>): string {
  const end = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone: s.timeZones.court }).format(new Date(s.end));
  return `${formatInZone(s.start, s.timeZones.court)} – ${end}`;
}

/** `<prefix> — K-123/2026 · 1 Dec 2026, 09:00 GMT+1 – 10:30`, as the page's `h1`. */
export function SessionTitle({ id, prefix, sessionId, session }: { id: string; prefix: string; sessionId: string; session: TestimonySession | undefined }) {
  const trial = useLoad(() => (session ? api.trial(session.trialId).catch(() => undefined) : Promise.resolve(undefined)), [session?.trialId]);
  return (
    <h1 id={id}>
      {prefix}
      {session && (
        <span className="subtitle">
          {' — '}
          <Link to={`/sessions/${sessionId}`}>{t.courtRoom.header(trial.data?.caseNumber ?? '…', windowText(session))}</Link>
        </span>
      )}
    </h1>
  );
}
