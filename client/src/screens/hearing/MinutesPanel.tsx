/**
 * The minutes on the session page: version, seal and hash, the course of the hearing, the PDF as
 * issued; for the judge, remarks and the seal.
 */
import { useId, useState } from 'react';
import { api } from '../../api/endpoints.js';
import type { MinutesView } from '../../api/types.js';
import { ErrorNotice, Loading, SuccessNotice } from '../../components/common.js';
import { useAction } from '../../components/useAction.js';
import { useLoad } from '../../components/useLoad.js';
import { t } from '../../strings.js';

interface Content {
  readonly events?: readonly { readonly at: string; readonly text: string }[];
  readonly remarks?: { readonly text: string } | null;
}

async function download(sessionId: string): Promise<void> {
  const blob = await api.minutesPdf(sessionId);
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `minutes-${sessionId}.pdf`;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function JudgeActions({ minutes, onChange }: { minutes: MinutesView; onChange(m: MinutesView): void }) {
  const id = useId();
  const [remarks, setRemarks] = useState('');
  const { busy, error, run } = useAction();
  return (
    <div>
      <label htmlFor={`${id}-remarks`}>{t.hearing.remarks}</label>
      <textarea id={`${id}-remarks`} value={remarks} maxLength={4000} rows={3} onChange={(e) => setRemarks(e.target.value)} />
      <div className="row">
        <button type="button" className="secondary" disabled={busy || !remarks.trim()} onClick={() => void run(async () => onChange(await api.minutesRemarks(minutes.sessionId, minutes.version, remarks)))}>
          {t.hearing.addRemarks}
        </button>
        <button
          type="button"
          disabled={busy}
          onClick={() => {
            if (window.confirm(t.hearing.confirmSeal)) void run(async () => onChange(await api.sealMinutes(minutes.sessionId, minutes.version)));
          }}
        >
          {t.hearing.seal}
        </button>
      </div>
      <ErrorNotice error={error} />
    </div>
  );
}

export function MinutesPanel({ sessionId, canEdit }: { sessionId: string; canEdit: boolean }) {
  const loaded = useLoad(() => api.minutes(sessionId), [sessionId]);
  const [latest, setLatest] = useState<MinutesView>();
  const dl = useAction();
  const make = useAction();
  const minutes = latest ?? loaded.data;
  if (loaded.loading && !minutes) return <Loading />;
  if (!minutes)
    return (
      <div className="card">
        <ErrorNotice error={loaded.error} />
        <button type="button" disabled={make.busy} onClick={() => void make.run(async () => setLatest(await api.generateMinutes(sessionId)))}>
          {t.hearing.generate}
        </button>
        <ErrorNotice error={make.error} />
      </div>
    );
  const content = minutes.content as Content;
  return (
    <section className="card minutes" aria-label={t.hearing.minutesTitle} data-testid="minutes">
      <h3>{t.hearing.minutesTitle}</h3>
      <p data-testid="minutes-version">{t.hearing.minutesVersion(minutes.version, minutes.sealed)}</p>
      {minutes.sealed && <SuccessNotice>{t.hearing.sealed}</SuccessNotice>}
      <p className="muted">
        {t.hearing.minutesHash}: <code>{minutes.sha256Pdf}</code>
      </p>
      <button type="button" className="secondary" disabled={dl.busy} onClick={() => void dl.run(() => download(sessionId))}>
        {t.hearing.downloadPdf}
      </button>
      <ErrorNotice error={dl.error} />
      <h4>{t.hearing.events}</h4>
      <ol className="minutes-events">
        {(content.events ?? []).map((e, i) => (
          <li key={i}>
            <time dateTime={e.at}>{new Date(e.at).toLocaleTimeString(undefined, { hourCycle: 'h23' })}</time> {e.text}
          </li>
        ))}
      </ol>
      {content.remarks && (
        <p>
          <strong>{t.hearing.remarks}:</strong> {content.remarks.text}
        </p>
      )}
      {canEdit && !minutes.sealed && <JudgeActions minutes={minutes} onChange={setLatest} />}
    </section>
  );
}
