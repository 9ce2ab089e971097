/** Picks the session's participants: a user and the role they hold in the room. */
import type { DirectoryUser, Participant } from '../../api/types.js';
import { roleLabel, t } from '../../strings.js';

/** Roles a signed-in user can hold (the witness joins by invitation). */
const USER_ROLES = ['judge', 'prosecutor', 'defence', 'interpreter', 'operator', 'support', 'accused', 'public'] as const;

interface Props {
  readonly value: readonly Participant[];
  readonly users: readonly DirectoryUser[] | undefined;
  /** Names for ids the form knows without the user list (the trial's judge, the signed-in user). */
  readonly known: Readonly<Record<string, string>>;
  onChange(next: Participant[]): void;
}

export function ParticipantsField({ value, users, known, onChange }: Props) {
  const set = (i: number, p: Partial<Participant>) => onChange(value.map((v, j) => (j === i ? { ...v, ...p } : v)));
  return (
    <fieldset>
      <legend>{t.schedule.participants}</legend>
      {!users && <p className="muted">{t.schedule.participantIdHint}</p>}
      {value.map((p, i) => (
        <div className="row" key={i}>
          <label>
            {t.schedule.participantUser(i + 1)}
            {users ? (
              <select name={`participant-${i}-user`} value={p.userId} onChange={(e) => set(i, { userId: e.target.value })} required>
                <option value="">{t.schedule.chooseOne}</option>
                {users.map((u) => (
                  <option key={u.id} value={u.id}>
                    {`${u.displayName} (${roleLabel(u.role)})`}
                  </option>
                ))}
              </select>
            ) : (
              <span className="with-hint">
                <input name={`participant-${i}-user`} value={p.userId} onChange={(e) => set(i, { userId: e.target.value })} required />
                {known[p.userId] && <span className="muted"> ({known[p.userId]})</span>}
              </span>
            )}
          </label>
          <label>
            {t.schedule.participantRole(i + 1)}
            <select name={`participant-${i}-role`} value={p.role} onChange={(e) => set(i, { role: e.target.value })}>
              {USER_ROLES.map((r) => (
                <option key={r} value={r}>
                  {roleLabel(r)}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="secondary" onClick={() => onChange(value.filter((_, j) => j !== i))}>
            {t.schedule.removeParticipant(i + 1)}
          </button>
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => onChange([...value, { userId: '', role: 'defence' }])}>
        {t.schedule.addParticipant}
      </button>
    </fieldset>
  );
}
