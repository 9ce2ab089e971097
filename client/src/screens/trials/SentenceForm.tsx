/** Records a sentence for one defendant of a trial. */
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/endpoints.js';
import type { Trial } from '../../api/types.js';
import { ErrorNotice, SuccessNotice } from '../../components/common.js';
import { useAction } from '../../components/useAction.js';
import { t } from '../../strings.js';

const OUTCOMES = ['convicted', 'acquitted', 'dismissed'] as const;

export function SentenceForm({ trial, onDone }: { trial: Trial; onDone: () => void }) {
  const id = useId();
  const [defendantId, setDefendantId] = useState(trial.defendants[0]?.id ?? '');
  const [date, setDate] = useState(new Date().toISOString().slice(0, 10));
  const [term, setTerm] = useState('12');
  const [outcome, setOutcome] = useState<(typeof OUTCOMES)[number]>('convicted');
  const [saved, setSaved] = useState(false);
  const { busy, error, run } = useAction();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setSaved(false);
    return run(async () => {
      // Only a conviction carries a term.
      await api.recordSentence({ trialId: trial.id, defendantId, date, termMonths: outcome === 'convicted' ? Number(term) : 0, outcome });
      setSaved(true);
      onDone();
    });
  };

  return (
    <form className="subform" onSubmit={(e) => void onSubmit(e)} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        {t.sentence.title} — {trial.caseNumber}
      </h3>
      <ErrorNotice error={error} />
      {saved && <SuccessNotice>{t.sentence.saved}</SuccessNotice>}
      <label>
        {t.sentence.defendant}
        <select name="defendant" value={defendantId} onChange={(e) => setDefendantId(e.target.value)} required>
          {trial.defendants.map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t.sentence.date}
        <input name="date" type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
      </label>
      <label>
        {t.sentence.term}
        <input
          name="termMonths"
          type="number"
          min={0}
          max={1200}
          value={outcome === 'convicted' ? term : '0'}
          disabled={outcome !== 'convicted'}
          onChange={(e) => setTerm(e.target.value)}
          required
        />
      </label>
      <label>
        {t.sentence.outcome}
        <select name="outcome" value={outcome} onChange={(e) => setOutcome(OUTCOMES.find((o) => o === e.target.value) ?? 'convicted')}>
          {OUTCOMES.map((o) => (
            <option key={o} value={o}>
              {t.sentence.outcomes[o]}
            </option>
          ))}
        </select>
      </label>
      <button type="submit" disabled={busy}>
        {t.sentence.submit}
      </button>
    </form>
  );
}
