/**
 * Changing one's own password (the current one required). A user holding a one-time password set
 * by an administrator is brought here first and can go nowhere else until they choose their own
 * (the API answers everything else with 403 password_change_required meanwhile).
 */
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/http.js';
import { useAuth } from '../app/auth.js';
import { usePageTitle } from '../app/title.js';
import { ErrorNotice, SuccessNotice, UserFacingError } from '../components/common.js';
import { useAction } from '../components/useAction.js';
import { t } from '../strings.js';

const p = t.password;

export function PasswordPage() {
  usePageTitle(p.title);
  const { user, changePassword } = useAuth();
  const forced = user?.mustChangePassword === true;
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const [repeat, setRepeat] = useState('');
  const [done, setDone] = useState(false);
  const { busy, error, setError, run } = useAction();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    setDone(false);
    if (next !== repeat) return setError(new UserFacingError(p.mismatch));
    void run(async () => {
      try {
        await changePassword(current, next);
      } catch (err) {
        // A wrong current password is a 401 here, not an expired sign-in.
        throw err instanceof ApiError && err.status === 401 ? new UserFacingError(p.wrongCurrent) : err;
      }
      setCurrent('');
      setNext('');
      setRepeat('');
      setDone(true);
    });
  };

  return (
    <section className="narrow" aria-labelledby="password-title">
      <h1 id="password-title">{p.title}</h1>
      {forced && <p className="notice">{p.forcedIntro}</p>}
      {done && <SuccessNotice>{p.changed}</SuccessNotice>}
      <form className="card" onSubmit={onSubmit} aria-labelledby="password-title">
        <ErrorNotice error={error} />
        <label>
          {p.current}
          <input name="currentPassword" type="password" autoComplete="current-password" required value={current} onChange={(e) => setCurrent(e.target.value)} />
        </label>
        <label>
          {p.next}
          <input name="newPassword" type="password" autoComplete="new-password" required minLength={12} maxLength={256} aria-describedby="new-password-hint" value={next} onChange={(e) => setNext(e.target.value)} />
          <small id="new-password-hint">{p.nextHint}</small>
        </label>
        <label>
          {p.repeat}
          <input name="repeatPassword" type="password" autoComplete="new-password" required value={repeat} onChange={(e) => setRepeat(e.target.value)} />
        </label>
        <button type="submit" disabled={busy}>
          {p.submit}
        </button>
      </form>
    </section>
  );
}
