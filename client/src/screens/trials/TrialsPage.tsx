/**
 * Trials the signed-in user may see (the API decides: a prosecutor their own), with their
 * witnesses (codenames only); creating and changing trials and recording sentences for those
 * the user may change.
 */
import { useState } from 'react';
import { api } from '../../api/endpoints.js';
import type { DirectoryUser, TestimonySession, Trial, Witness } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { canCreateTrial, canEditTrial } from '../../app/can.js';
import { countryName } from '../../app/timezones.js';
import { usePageTitle } from '../../app/title.js';
import { ErrorNotice, Loading, SuccessNotice } from '../../components/common.js';
import { useLoad } from '../../components/useLoad.js';
import { t } from '../../strings.js';
import { SentenceForm } from './SentenceForm.js';
import { TrialForm } from './TrialForm.js';

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

async function loadTrials() {
  const [trials, witnesses, sessions, people] = await Promise.all([
    api.trials(),
    api.witnesses().catch(() => []),
    api.sessions(),
    api.directory().catch((): DirectoryUser[] => []),
  ]);
  return { trials, witnesses, sessions, people };
}

export function TrialsPage() {
  usePageTitle(t.titles.trials);
  const { user } = useAuth();
  const { data, error, loading, reload } = useLoad(loadTrials, []);
  const [form, setForm] = useState<Trial | 'new'>();
  const [sentenceFor, setSentenceFor] = useState<Trial>();
  const [notice, setNotice] = useState<string>();
  if (loading && !data) return <Loading />;
  if (!data) return <ErrorNotice error={error} />;
  const byTrial = witnessesByTrial(data.sessions, data.witnesses);
  const saved = (tr: Trial, created: boolean) => {
    setForm(undefined);
    setNotice(created ? t.trialForm.created(tr.caseNumber) : t.trialForm.saved(tr.caseNumber));
    reload();
  };
  return (
    <section aria-labelledby="trials-title">
      <div className="list-head">
        <h1 id="trials-title">{t.trials.title}</h1>
        {canCreateTrial(user) && form === undefined && (
          <button type="button" onClick={() => (setNotice(undefined), setForm('new'))}>
            {t.trialForm.open}
          </button>
        )}
      </div>
      {user?.role === 'prosecutor' && <p className="muted">{t.trialForm.yourTrials}</p>}
      {notice && <SuccessNotice>{notice}</SuccessNotice>}
      {form !== undefined && <TrialForm people={data.people} {...(form === 'new' ? {} : { trial: form })} onSaved={(tr) => saved(tr, form === 'new')} onClose={() => setForm(undefined)} />}
      {data.trials.length === 0 && <p>{t.trials.empty}</p>}
      <ul className="cards">
        {data.trials.map((tr) => (
          <li key={tr.id} className="card" data-case-number={tr.caseNumber}>
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
            {canEditTrial(user, tr) && (
              <>
                <button type="button" className="secondary" aria-label={t.trialForm.editLabel(tr.caseNumber)} onClick={() => (setNotice(undefined), setForm(tr))}>
                  {t.trialForm.edit}
                </button>
                <button type="button" className="secondary" onClick={() => setSentenceFor(tr)} aria-expanded={sentenceFor?.id === tr.id}>
                  {t.trials.recordSentence}
                </button>
              </>
            )}
            {sentenceFor?.id === tr.id && <SentenceForm trial={tr} onDone={() => undefined} />}
          </li>
        ))}
      </ul>
    </section>
  );
}
