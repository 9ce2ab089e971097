/** Prosecutor: trials with their witnesses (codenames only), and recording a sentence. */
import { useState } from 'react';
import { api } from '../../api/endpoints.js';
import type { TestimonySession, Trial, Witness } from '../../api/types.js';
import { countryName } from '../../app/timezones.js';
import { ErrorNotice, Loading } from '../../components/common.js';
import { useLoad } from '../../components/useLoad.js';
import { t } from '../../strings.js';
import { SentenceForm } from './SentenceForm.js';

/** Codenames of the witnesses scheduled in each trial. */
function witnessesByTrial(sessions: readonly TestimonySession[], witnesses: readonly Witness[]): Map<string, string[]> {
  const codename = new Map(witnesses.map((w) => [w.id, w.codename]));
  const out = new Map<string, string[]>();
  for (const s of sessions) {
    const name = codename.get(s.witnessId);
    if (!name) continue;
    const list = out.get(s.trialId) ?? [];
    if (!list.includes(name)) list.push(name);
    out.set(s.trialId, list);
  }
  return out;
}

export function TrialsPage() {
  const { data, error, loading } = useLoad(() => Promise.all([api.trials(), api.witnesses(), api.sessions()]), []);
  const [sentenceFor, setSentenceFor] = useState<Trial>();
  if (loading) return <Loading />;
  if (error || !data) return <ErrorNotice error={error} />;
  const [trials, witnesses, sessions] = data;
  const byTrial = witnessesByTrial(sessions, witnesses);
  return (
    <section aria-labelledby="trials-title">
      <h1 id="trials-title">{t.trials.title}</h1>
      {trials.length === 0 && <p>{t.trials.empty}</p>}
      <ul className="cards">
        {trials.map((tr) => (
          <li key={tr.id} className="card">
            <h2>{tr.caseNumber}</h2>
            <dl className="facts">
              <dt>{t.trials.court}</dt>
              <dd>
                {tr.court} ({countryName(tr.courtCountry)})
              </dd>
              <dt>{t.trials.status}</dt>
              <dd>{t.trialStatuses[tr.status] ?? tr.status}</dd>
              <dt>{t.trials.charges}</dt>
              <dd>{tr.charges.map((c) => t.charges[c] ?? c).join(', ')}</dd>
              <dt>{t.trials.defendants}</dt>
              <dd>{tr.defendants.map((d) => d.name).join(', ')}</dd>
              <dt>{t.trials.witnesses}</dt>
              <dd>{(byTrial.get(tr.id) ?? []).join(', ') || t.trials.noWitnesses}</dd>
            </dl>
            <button type="button" className="secondary" onClick={() => setSentenceFor(tr)} aria-expanded={sentenceFor?.id === tr.id}>
              {t.trials.recordSentence}
            </button>
            {sentenceFor?.id === tr.id && <SentenceForm trial={tr} onDone={() => undefined} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
