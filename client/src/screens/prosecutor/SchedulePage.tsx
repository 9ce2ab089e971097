/** Prosecutor: schedule a testimony session; conflicts (409) are shown inline. */
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/endpoints.js';
import { ApiError } from '../../api/http.js';
import type { Participant, TestimonySession, Trial, User } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { wallTimeToIso, zoneOf } from '../../app/timezones.js';
import { CountrySelect } from '../../components/CountrySelect.js';
import { ErrorNotice, Loading, SuccessNotice, UserFacingError } from '../../components/common.js';
import { useAction } from '../../components/useAction.js';
import { useLoad } from '../../components/useLoad.js';
import { t } from '../../strings.js';
import { InvitationPanel } from '../sessions/InvitationPanel.js';
import { canScheduleFor } from '../../app/can.js';
import { Link } from '../../app/Layout.js';
import { usePageTitle } from '../../app/title.js';
import { ParticipantsField } from './ParticipantsField.js';
import { WindowPreview } from './WindowPreview.js';

const MEASURES = ['pseudonym', 'faceMask', 'voiceMask', 'closedSession', 'noRecording'] as const;

function tomorrow(): string {
  return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
}

/** Default participants: the trial's judge and the signed-in prosecutor. */
function defaultParticipants(trial: Trial | undefined, me: User | undefined): Participant[] {
  const out: Participant[] = [];
  if (trial?.judgeId) out.push({ userId: trial.judgeId, role: 'judge' });
  if (me?.role === 'prosecutor') out.push({ userId: me.id, role: 'prosecutor' });
  return out;
}

export function SchedulePage() {
  const { user } = useAuth();
  usePageTitle(t.titles.schedule);
  const lists = useLoad(() => Promise.all([api.trials(), api.witnesses()]), []);
  const users = useLoad(() => api.directory().catch(() => undefined), []);
  const [trialId, setTrialId] = useState('');
  const [witnessId, setWitnessId] = useState('');
  const [fromCountry, setFromCountry] = useState('');
  const [courtCountry, setCourtCountry] = useState('');
  const [date, setDate] = useState(tomorrow);
  const [startTime, setStartTime] = useState('10:00');
  const [endTime, setEndTime] = useState('12:00');
  const [zoneSide, setZoneSide] = useState<'court' | 'witness'>('court');
  const [participants, setParticipants] = useState<Participant[]>([]);
  const [measures, setMeasures] = useState<string[]>(['pseudonym']);
  const [interpreter, setInterpreter] = useState('');
  const [courtRoom, setCourtRoom] = useState('');
  const [created, setCreated] = useState<TestimonySession>();
  const { busy, error, setError, run } = useAction();

  // Only trials this user may schedule for are offered (the API refuses the others).
  const trials = (lists.data?.[0] ?? []).filter((x) => canScheduleFor(user, x));
  const witnesses = lists.data?.[1] ?? [];
  const trial = trials.find((x) => x.id === trialId);
  // A session's witness must be one of its trial's (the API checks it too).
  const offered = trial ? witnesses.filter((w) => w.trialIds.includes(trial.id)) : witnesses;

  // Choosing a trial or witness fills in the countries and default participants.
  useEffect(() => {
    if (trial) {
      setCourtCountry(trial.courtCountry);
      setParticipants(defaultParticipants(trial, user));
    }
  }, [trial, user]);
  useEffect(() => {
    const w = witnesses.find((x) => x.id === witnessId);
    if (w) setFromCountry(w.countryOfOrigin);
  }, [witnessId, witnesses]);

  const zone = zoneOf(zoneSide === 'court' ? courtCountry : fromCountry);
  const start = zone ? wallTimeToIso(date, startTime, zone) : undefined;
  const end = zone ? wallTimeToIso(date, endTime, zone) : undefined;

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setCreated(undefined);
    const zones = { witness: zoneOf(fromCountry), court: zoneOf(courtCountry) };
    if (!start || !end || new Date(end) <= new Date(start) || !zones.witness || !zones.court) {
      setError(new UserFacingError(t.schedule.endBeforeStart));
      return;
    }
    const session = {
      trialId,
      witnessId,
      fromCountry,
      courtCountry,
      courtRoom: courtRoom.trim(),
      start,
      end,
      timeZones: { witness: zones.witness, court: zones.court },
      participants: participants.filter((p) => p.userId),
      measures,
      ...(interpreter ? { interpreterLanguage: interpreter } : {}),
    };
    await run(async () => setCreated(await api.createSession(session)));
  };

  if (lists.loading) return <Loading />;
  if (lists.error) return <ErrorNotice error={lists.error} />;
  const conflict = error instanceof ApiError && error.status === 409;
  return (
    <section aria-labelledby="schedule-title">
      <h1 id="schedule-title">{t.schedule.title}</h1>
      <form className="card form-grid" onSubmit={(e) => void onSubmit(e)}>
        <label>
          {t.schedule.trial}
          <select name="trial" value={trialId} onChange={(e) => setTrialId(e.target.value)} required>
            <option value="">{t.schedule.chooseOne}</option>
            {trials.map((x) => (
              <option key={x.id} value={x.id}>
                {x.caseNumber} — {x.court}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t.schedule.witness}
          <select name="witness" value={witnessId} onChange={(e) => setWitnessId(e.target.value)} required>
            <option value="">{t.schedule.chooseOne}</option>
            {offered.map((w) => (
              <option key={w.id} value={w.id}>
                {w.codename}
              </option>
            ))}
          </select>
        </label>
        <CountrySelect name="fromCountry" label={t.schedule.fromCountry} value={fromCountry} onChange={setFromCountry} />
        <CountrySelect name="courtCountry" label={t.schedule.courtCountry} value={courtCountry} onChange={setCourtCountry} />
        <label>
          {t.schedule.courtRoom}
          <input name="courtRoom" value={courtRoom} maxLength={80} onChange={(e) => setCourtRoom(e.target.value)} required />
        </label>
        <label>
          {t.schedule.date}
          <input name="date" type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
        </label>
        <div className="row">
          <label>
            {t.schedule.start}
            <input name="start" type="time" value={startTime} onChange={(e) => setStartTime(e.target.value)} required />
          </label>
          <label>
            {t.schedule.end}
            <input name="end" type="time" value={endTime} onChange={(e) => setEndTime(e.target.value)} required />
          </label>
          <label>
            {t.schedule.enteredIn}
            <select name="zoneSide" value={zoneSide} onChange={(e) => setZoneSide(e.target.value === 'witness' ? 'witness' : 'court')}>
              <option value="court">{t.schedule.courtTime}</option>
              <option value="witness">{t.schedule.witnessTime}</option>
            </select>
          </label>
        </div>
        <WindowPreview start={start} end={end} fromCountry={fromCountry} courtCountry={courtCountry} />
        <ParticipantsField
          value={participants}
          users={users.data}
          known={{ ...(trial ? { [trial.judgeId]: t.schedule.trialJudge } : {}), ...(user ? { [user.id]: t.schedule.you } : {}) }}
          onChange={setParticipants}
        />
        <fieldset>
          <legend>{t.schedule.measures}</legend>
          {MEASURES.map((m) => (
            <label key={m} className="check">
              <input
                type="checkbox"
                name={`measure-${m}`}
                checked={measures.includes(m)}
                onChange={(e) => setMeasures(e.target.checked ? [...measures, m] : measures.filter((x) => x !== m))}
              />
              {t.measures[m]}
            </label>
          ))}
        </fieldset>
        <label>
          {t.schedule.interpreter}
          <input name="interpreter" value={interpreter} maxLength={3} pattern="[a-z]{2,3}" onChange={(e) => setInterpreter(e.target.value)} />
        </label>
        <ErrorNotice error={error} {...(conflict ? { title: t.schedule.conflictTitle } : {})} />
        <button type="submit" disabled={busy}>
          {busy ? t.schedule.submitting : t.schedule.submit}
        </button>
      </form>
      {created && (
        <div className="card">
          <SuccessNotice>{t.schedule.created}</SuccessNotice>
          <p>
            <Link to={`/sessions/${created.id}`}>{t.session.details}</Link>
          </p>
          <InvitationPanel session={created} witnessLanguages={witnesses.find((w) => w.id === created.witnessId)?.languages ?? []} />
        </div>
      )}
    </section>
  );
}
