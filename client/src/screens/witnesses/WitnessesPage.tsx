/**
 * Witnesses by codename (the API decides which: a prosecutor those of their trials). Programme
 * staff and admins register and change them; prosecutors register witnesses of their own trials
 * (codename data only). The handler (or an admin) may read a protected identity, one at a time,
 * on request (each reading is audited by the API and the identity is dropped from the page when
 * hidden).
 */
import { useState } from 'react';
import { api } from '../../api/endpoints.js';
import type { Trial, User, Witness, WitnessIdentity } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { canEditWitness, canRegisterWitness, entersIdentity, handlesIdentity, prosecutes } from '../../app/can.js';
import { countryName } from '../../app/timezones.js';
import { usePageTitle } from '../../app/title.js';
import { ErrorNotice, Loading, SuccessNotice } from '../../components/common.js';
import { useAction } from '../../components/useAction.js';
import { useLoad } from '../../components/useLoad.js';
import { t } from '../../strings.js';
import { WitnessForm } from './WitnessForm.js';

const w = t.witnesses;

export function WitnessesPage() {
  usePageTitle(t.titles.witnesses);
  const { user } = useAuth();
  const register = canRegisterWitness(user);
  const edit = canEditWitness(user);
  const { data, error, loading, reload } = useLoad(() => loadAll(user), [user]);
  const [form, setForm] = useState<Witness | 'new'>();
  const [notice, setNotice] = useState<string>();
  if (loading && !data) return <Loading />;
  if (!data) return <ErrorNotice error={error} />;
  const { witnesses, trials, linkable } = data;
  const caseNumbers = new Map(trials.map((tr) => [tr.id, tr.caseNumber]));
  const isProsecutor = user?.role === 'prosecutor';
  const saved = (x: Witness, created: boolean) => {
    setForm(undefined);
    setNotice(created ? w.created(x.codename) : w.saved(x.codename));
    reload();
  };
  return (
    <section aria-labelledby="witnesses-title">
      <div className="list-head">
        <h1 id="witnesses-title">{w.title}</h1>
        {register && form === undefined && (
          <button type="button" onClick={() => (setNotice(undefined), setForm('new'))}>
            {w.open}
          </button>
        )}
      </div>
      {!register && <p className="muted">{w.readOnly}</p>}
      {isProsecutor && <p className="muted">{w.prosecutorHint}</p>}
      {notice && <SuccessNotice>{notice}</SuccessNotice>}
      {form !== undefined && (
        <WitnessForm
          {...(form === 'new' ? {} : { witness: form })}
          trials={linkable}
          identity={form === 'new' ? entersIdentity(user) : handlesIdentity(user, form)}
          trialRequired={isProsecutor}
          onSaved={(x) => saved(x, form === 'new')}
          onClose={() => setForm(undefined)}
        />
      )}
      {witnesses.length === 0 ? (
        <p>{w.empty}</p>
      ) : (
        <div className="card table-wrap">
          <table aria-labelledby="witnesses-title">
            <thead>
              <tr>
                <th scope="col">{w.codename}</th>
                <th scope="col">{w.country}</th>
                <th scope="col">{w.languages}</th>
                <th scope="col">{w.protectionStatus}</th>
                <th scope="col">{w.riskLevel}</th>
                <th scope="col">{w.trials}</th>
                {edit && <th scope="col">{t.sessions.actions}</th>}
              </tr>
            </thead>
            <tbody>
              {witnesses.map((x) => (
                <tr key={x.id} data-codename={x.codename}>
                  <th scope="row">{x.codename}</th>
                  <td>{countryName(x.countryOfOrigin)}</td>
                  <td>{x.languages.join(', ')}</td>
                  <td>{w.protectionStatuses[x.protectionStatus] ?? x.protectionStatus}</td>
                  <td>{w.riskLevels[x.riskLevel] ?? x.riskLevel}</td>
                  <td>{x.trialIds.map((id) => caseNumbers.get(id) ?? '—').join(', ') || '—'}</td>
                  {edit && (
                    <td className="actions">
                      <button type="button" className="secondary" aria-label={w.editLabel(x.codename)} onClick={() => (setNotice(undefined), setForm(x))}>
                        {w.edit}
                      </button>
                      {handlesIdentity(user, x) && <IdentityReveal witness={x} />}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** The witnesses the API lists, the trials it lists (for case numbers), and those the user may link a witness to. */
async function loadAll(user: User | undefined): Promise<{ witnesses: readonly Witness[]; trials: readonly Trial[]; linkable: readonly Trial[] }> {
  const [witnesses, trials] = await Promise.all([api.witnesses(), api.trials().catch((): readonly Trial[] => [])]);
  const linkable = user?.role === 'prosecutor' ? trials.filter((tr) => prosecutes(user, tr)) : trials;
  return { witnesses, trials, linkable };
}

/** Reads one identity on request and forgets it when hidden. */
function IdentityReveal({ witness }: { witness: Witness }) {
  const [identity, setIdentity] = useState<WitnessIdentity>();
  const { busy, error, run } = useAction();
  if (identity)
    return (
      <div className="identity" data-testid="identity">
        <p>
          {identity.legalName} · {identity.dateOfBirth}
          {identity.contact && ` · ${identity.contact}`}
          {identity.currentLocation && ` · ${identity.currentLocation}`}
        </p>
        <p className="muted">{w.identityShown}</p>
        <button type="button" className="secondary" onClick={() => setIdentity(undefined)}>
          {w.hideIdentity}
        </button>
      </div>
    );
  return (
    <>
      <button type="button" className="secondary" aria-label={w.showIdentity(witness.codename)} disabled={busy} onClick={() => void run(async () => setIdentity(await api.witnessIdentity(witness.id)))}>
        {w.showIdentityShort}
      </button>
      <ErrorNotice error={error} />
    </>
  );
}
