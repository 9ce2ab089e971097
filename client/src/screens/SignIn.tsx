/** The sign-in form. */
import { usePageTitle } from '../app/title.js';
import { useState, type FormEvent } from 'react';
import { ApiError } from '../api/http.js';
import { useAuth } from '../app/auth.js';
import { ErrorNotice } from '../components/common.js';
import { t } from '../strings.js';

export function SignIn() {
  usePageTitle(t.titles.signIn);
  const { signIn, notice } = useAuth();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await signIn(username.trim(), password);
    } catch (err) {
      // A wrong password is a 401 on this form, not an expired sign-in.
      setError(err instanceof ApiError && err.status === 401 ? new ApiError({ ...err, message: t.errors.badCredentials }) : err);
      setBusy(false);
    }
  };

  return (
    <main id="main" className="narrow">
      <h1>{t.app.name}</h1>
      <p className="muted">{t.app.tagline}</p>
      <form className="card" onSubmit={(e) => void onSubmit(e)} aria-labelledby="signin-title">
        <h2 id="signin-title">{t.signIn.title}</h2>
        {notice && !error && <ErrorNotice error={new ApiError({ status: 401, code: 'expired', message: notice })} />}
        <ErrorNotice error={error} />
        <label>
          {t.signIn.username}
          <input name="username" autoComplete="username" required value={username} onChange={(e) => setUsername(e.target.value)} />
        </label>
        <label>
          {t.signIn.password}
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <button type="submit" disabled={busy}>
          {busy ? t.signIn.submitting : t.signIn.submit}
        </button>
      </form>
    </main>
  );
}
