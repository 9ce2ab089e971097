/**
 * Creates a trial (case number, court, country, presiding judge, prosecutors, defendants,
 * charges) or changes one (everything but the case number; defendants can only be added, so
 * sentences keep referring to them).
 */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/endpoints.js';
import type { DirectoryUser, Trial } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { CountrySelect } from '../../components/CountrySelect.js';
import { ErrorNotice, UserFacingError } from '../../components/common.js';
import { useAction } from '../../components/useAction.js';
import { t } from '../../strings.js';
import { DefendantsField } from './DefendantsField.js';

const CHARGES = ['humanTrafficking', 'migrantSmuggling', 'drugs', 'financialCrime', 'smugglingAndFraud', 'stolenVehicles', 'terrorism'] as const;
const STATUSES = ['pending', 'inProgress', 'concluded', 'suspended'] as const;
type Charge = (typeof CHARGES)[number];
type Status = (typeof STATUSES)[number];

const f = t.trialForm;

interface Props {
  /** The trial to change; a new one when absent. */
  readonly trial?: Trial;
  readonly people: readonly DirectoryUser[];
  onSaved(trial: Trial): void;
  onClose(): void;
}

export function TrialForm({ trial, people, onSaved, onClose }: Props) {
  const { user } = useAuth();
  const judges = people.filter((p) => p.role === 'judge');
  const prosecutors = people.filter((p) => p.role === 'prosecutor');
  const [caseNumber, setCaseNumber] = useState(trial?.caseNumber ?? '');
  const [court, setCourt] = useState(trial?.court ?? '');
  const [courtCountry, setCourtCountry] = useState(trial?.courtCountry ?? '');
  const [judgeId, setJudgeId] = useState(trial?.judgeId ?? '');
  const [prosecutorIds, setProsecutorIds] = useState<string[]>(() => [...(trial?.prosecutorIds ?? (user?.role === 'prosecutor' ? [user.id] : []))]);
  const [defendants, setDefendants] = useState<string[]>(trial ? [] : ['']);
  const [charges, setCharges] = useState<Charge[]>(() => CHARGES.filter((c) => trial?.charges.includes(c)));
  const [status, setStatus] = useState<Status>(() => STATUSES.find((s) => s === trial?.status) ?? 'pending');
  const { busy, error, setError, run } = useAction();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const named = defendants.map((d) => d.trim()).filter(Boolean).map((name) => ({ name }));
    if (prosecutorIds.length === 0 || charges.length === 0 || (!trial && named.length === 0)) {
      setError(new UserFacingError(f.pickAtLeastOne));
      return;
    }
    void run(async () => {
      const saved = trial
        ? await api.updateTrial(trial.id, { court: court.trim(), judgeId, prosecutorIds, charges, status, ...(named.length ? { addDefendants: named } : {}) })
        : await api.createTrial({ caseNumber: caseNumber.trim(), court: court.trim(), courtCountry, judgeId, prosecutorIds, defendants: named, charges, status });
      onSaved(saved);
    });
  };

  const title = trial ? f.editTitle(trial.caseNumber) : f.createTitle;
  return (
    <form className="card form-grid" onSubmit={onSubmit} aria-label={title}>
      <h2 className="span-all">{title}</h2>
      {!trial && (
        <label>
          {f.caseNumber}
          <input name="caseNumber" value={caseNumber} onChange={(e) => setCaseNumber(e.target.value)} maxLength={40} required />
        </label>
      )}
      <label>
        {f.court}
        <input name="court" value={court} onChange={(e) => setCourt(e.target.value)} maxLength={200} required />
      </label>
      {!trial && (
        <CountrySelect name="courtCountry" label={f.courtCountry} value={courtCountry} onChange={setCourtCountry} />
      )}
      <label>
        {f.judge}
        <select name="judge" value={judgeId} onChange={(e) => setJudgeId(e.target.value)} required>
          <option value="">{t.schedule.chooseOne}</option>
          {judges.map((j) => (
            <option key={j.id} value={j.id}>
              {j.displayName}
            </option>
          ))}
        </select>
        {judges.length === 0 && <small>{f.noJudges}</small>}
      </label>
      {trial && (
        <label>
          {f.status}
          <select name="status" value={status} onChange={(e) => setStatus(STATUSES.find((s) => s === e.target.value) ?? 'pending')}>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t.trialStatuses[s]}
              </option>
            ))}
          </select>
        </label>
      )}
      <Checkboxes legend={f.prosecutors} name="prosecutor" options={prosecutors.map((p) => ({ value: p.id, label: p.displayName }))} value={prosecutorIds} onChange={setProsecutorIds} />
      <Checkboxes legend={f.charges} name="charge" options={CHARGES.map((c) => ({ value: c, label: t.charges[c] ?? c }))} value={charges} onChange={(v) => setCharges(CHARGES.filter((c) => v.includes(c)))} />
      {trial && (
        <p className="span-all">
          {f.existingDefendants}: {trial.defendants.map((d) => d.name).join(', ')}
        </p>
      )}
      <DefendantsField legend={trial ? f.newDefendants : f.defendants} value={defendants} onChange={setDefendants} />
      <ErrorNotice error={error} />
      <div className="row span-all">
        <button type="submit" disabled={busy}>
          {trial ? f.submitEdit : f.submitCreate}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          {f.cancel}
        </button>
      </div>
    </form>
  );
}

/** A group of checkboxes for a list of values. */
function Checkboxes<V extends string>(p: { legend: string; name: string; options: readonly { value: V; label: string }[]; value: readonly V[]; onChange(v: V[]): void }) {
  return (
    <fieldset>
      <legend>{p.legend}</legend>
      {p.options.map((o) => (
        <label key={o.value} className="check">
          <input
            type="checkbox"
            name={`${p.name}-${o.value}`}
            checked={p.value.includes(o.value)}
            onChange={(e) => p.onChange(e.target.checked ? [...p.value, o.value] : p.value.filter((x) => x !== o.value))}
          />
          {o.label}
        </label>
      ))}
    </fieldset>
  );
}
