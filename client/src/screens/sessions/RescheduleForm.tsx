/** Moves a scheduled session (date, times in the court's local time, court room); a clash (409) is shown inline. */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/endpoints.js';
import { ApiError } from '../../api/http.js';
import type { TestimonySession } from '../../api/types.js';
import { wallTimeToIso } from '../../app/timezones.js';
import { ErrorNotice, UserFacingError } from '../../components/common.js';
import { useAction } from '../../components/useAction.js';
import { t } from '../../strings.js';

/** `YYYY-MM-DD` and `HH:MM` of an instant on the wall clock of `zone`. */
export function wallClock(iso: string, zone: string): { date: string; time: string } {
  const f = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
  const p = Object.fromEntries(f.formatToParts(new Date(iso)).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, time: `${p.hour}:${p.minute}` };
}

export function RescheduleForm({ session, onMoved }: { session: TestimonySession; onMoved(s: TestimonySession): void }) {
  const zone = session.timeZones.court;
  const from = wallClock(session.start, zone);
  const [date, setDate] = useState(from.date);
  const [start, setStart] = useState(from.time);
  const [end, setEnd] = useState(wallClock(session.end, zone).time);
  const [courtRoom, setCourtRoom] = useState(session.courtRoom);
  const { busy, error, setError, run } = useAction();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    const s = wallTimeToIso(date, start, zone);
    const en = wallTimeToIso(date, end, zone);
    if (!s || !en || Date.parse(en) <= Date.parse(s)) {
      setError(new UserFacingError(t.schedule.endBeforeStart));
      return;
    }
    void run(async () => onMoved(await api.updateSession(session.id, { start: s, end: en, courtRoom: courtRoom.trim() })));
  };

  const conflict = error instanceof ApiError && error.status === 409;
  return (
    <form className="subform" onSubmit={onSubmit} aria-labelledby="reschedule-title" name="reschedule">
      <h3 id="reschedule-title">{t.session.rescheduleTitle}</h3>
      <p className="muted">{t.session.rescheduleHint}</p>
      <div className="row">
        <label>
          {t.session.date}
          <input name="date" type="date" value={date} onChange={(e) => setDate(e.target.value)} required />
        </label>
        <label>
          {t.session.start}
          <input name="start" type="time" value={start} onChange={(e) => setStart(e.target.value)} required />
        </label>
        <label>
          {t.session.end}
          <input name="end" type="time" value={end} onChange={(e) => setEnd(e.target.value)} required />
        </label>
        <label>
          {t.session.courtRoom}
          <input name="courtRoom" value={courtRoom} maxLength={80} onChange={(e) => setCourtRoom(e.target.value)} required />
        </label>
      </div>
      <ErrorNotice error={error} {...(conflict ? { title: t.session.notAvailable } : {})} />
      <button type="submit" disabled={busy}>
        {t.session.saveWindow}
      </button>
    </form>
  );
}
