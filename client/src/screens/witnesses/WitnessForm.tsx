/**
 * Registers a witness or changes one: codename data, the trials they testify in, and — for those
 * who may (programme staff and admins on a new witness, the handler on a registered one) — the
 * protected identity, replaced only when they choose to: it is never read back into a form.
 */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/endpoints.js';
import type { Trial, Witness, WitnessIdentity } from '../../api/types.js';
import { CountrySelect } from '../../components/CountrySelect.js';
import { ErrorNotice, UserFacingError } from '../../components/common.js';
import { useAction } from '../../components/useAction.js';
import { t } from '../../strings.js';

const w = t.witnesses;
const STATUSES = ['candidate', 'active', 'relocated', 'suspended', 'ended'] as const;
const RISKS = ['low', 'medium', 'high', 'critical'] as const;
const EMPTY_IDENTITY: WitnessIdentity = { legalName: '', dateOfBirth: '', contact: '', currentLocation: '' };

interface Props {
  readonly witness?: Witness;
  /** Trials the user may link the witness to (a prosecutor: their own). */
  readonly trials: readonly Trial[];
  /** Whether the identity part is offered (the API refuses it to everyone else). */
  readonly identity: boolean;
  /** A prosecutor must link at least one of their trials. */
  readonly trialRequired: boolean;
  onSaved(w: Witness): void;
  onClose(): void;
}

export function WitnessForm({ witness, trials, identity: offerIdentity, trialRequired, onSaved, onClose }: Props) {
  const [codename, setCodename] = useState(witness?.codename ?? '');
  const [country, setCountry] = useState(witness?.countryOfOrigin ?? '');
  const [languages, setLanguages] = useState((witness?.languages ?? []).join(', '));
  const [status, setStatus] = useState<(typeof STATUSES)[number]>(() => STATUSES.find((s) => s === witness?.protectionStatus) ?? 'candidate');
  const [risk, setRisk] = useState<(typeof RISKS)[number]>(() => RISKS.find((r) => r === witness?.riskLevel) ?? 'high');
  const [trialIds, setTrialIds] = useState<readonly string[]>(witness?.trialIds ?? (trials.length === 1 && trials[0] ? [trials[0].id] : []));
  const [replace, setReplace] = useState(!witness && offerIdentity);
  const [identity, setIdentity] = useState<WitnessIdentity>(EMPTY_IDENTITY);
  const { busy, error, run, setError } = useAction();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (trialRequired && trialIds.length === 0) return setError(new UserFacingError(w.pickTrial));
    const langs = languages.split(/[\s,]+/).map((l) => l.trim().toLowerCase()).filter(Boolean);
    const common = { codename: codename.trim(), countryOfOrigin: country, languages: langs, protectionStatus: status, riskLevel: risk, trialIds: [...trialIds] };
    const withIdentity = replace && offerIdentity ? { identity } : {};
    void run(async () => {
      const saved = witness ? await api.updateWitness(witness.id, { ...common, ...withIdentity }) : await api.createWitness({ ...common, ...withIdentity });
      setIdentity(EMPTY_IDENTITY);
      onSaved(saved);
    });
  };

  const title = witness ? w.editTitle(witness.codename) : w.createTitle;
  const setId = (k: keyof WitnessIdentity) => (e: { target: { value: string } }) => setIdentity({ ...identity, [k]: e.target.value });
  const toggleTrial = (id: string, on: boolean) => setTrialIds(on ? [...trialIds, id] : trialIds.filter((x) => x !== id));
  // Trials already linked that this user cannot see stay linked: the list shows only what they may change.
  return (
    <form className="card form-grid" onSubmit={onSubmit} aria-label={title} autoComplete="off">
      <h2 className="span-all">{title}</h2>
      <label>
        {w.codename}
        <input name="codename" value={codename} onChange={(e) => setCodename(e.target.value)} maxLength={40} required />
      </label>
      <CountrySelect name="countryOfOrigin" label={w.country} value={country} onChange={setCountry} />
      <label>
        {w.languages}
        <input name="languages" value={languages} onChange={(e) => setLanguages(e.target.value)} aria-describedby="languages-hint" required />
        <small id="languages-hint">{w.languagesHint}</small>
      </label>
      <label>
        {w.protectionStatus}
        <select name="protectionStatus" value={status} onChange={(e) => setStatus(STATUSES.find((s) => s === e.target.value) ?? 'candidate')}>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {w.protectionStatuses[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        {w.riskLevel}
        <select name="riskLevel" value={risk} onChange={(e) => setRisk(RISKS.find((r) => r === e.target.value) ?? 'high')}>
          {RISKS.map((r) => (
            <option key={r} value={r}>
              {w.riskLevels[r]}
            </option>
          ))}
        </select>
      </label>
      <fieldset className="span-all">
        <legend>{w.trials}</legend>
        {trials.length === 0 && <p className="muted">{w.noTrials}</p>}
        <div className="row">
          {trials.map((tr) => (
            <label key={tr.id} className="check">
              <input type="checkbox" name="trialIds" value={tr.id} checked={trialIds.includes(tr.id)} onChange={(e) => toggleTrial(tr.id, e.target.checked)} />
              {tr.caseNumber}
            </label>
          ))}
        </div>
      </fieldset>
      <fieldset className="span-all">
        <legend>{w.identity}</legend>
        <p className="muted">{offerIdentity ? w.identityHint : w.identityByHandler}</p>
        {offerIdentity && witness && (
          <label className="check">
            <input type="checkbox" name="replaceIdentity" checked={replace} onChange={(e) => setReplace(e.target.checked)} />
            {w.replaceIdentity}
          </label>
        )}
        {offerIdentity && replace && (
          <div className="row">
            <label>
              {w.legalName}
              <input name="legalName" value={identity.legalName} onChange={setId('legalName')} maxLength={200} required />
            </label>
            <label>
              {w.dateOfBirth}
              <input name="dateOfBirth" type="date" value={identity.dateOfBirth} onChange={setId('dateOfBirth')} required />
            </label>
            <label>
              {w.contact}
              <input name="contact" value={identity.contact} onChange={setId('contact')} maxLength={200} />
            </label>
            <label>
              {w.currentLocation}
              <input name="currentLocation" value={identity.currentLocation} onChange={setId('currentLocation')} maxLength={200} />
            </label>
          </div>
        )}
      </fieldset>
      <ErrorNotice error={error} />
      <div className="row span-all">
        <button type="submit" disabled={busy}>
          {witness ? w.submitEdit : w.submitCreate}
        </button>
        <button type="button" className="secondary" onClick={onClose}>
          {w.cancel}
        </button>
      </div>
    </form>
  );
}
