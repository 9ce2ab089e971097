/**
 * Administrator: create accounts, deactivate or reactivate them, and reset a password to a
 * one-time password (shown once, here; the person must choose their own at next sign-in).
 */
import { usePageTitle } from '../../app/title.js';
import { useId, useState, type FormEvent } from 'react';
import { api } from '../../api/endpoints.js';
import type { User, UserRole } from '../../api/types.js';
import { useAuth } from '../../app/auth.js';
import { NAV_BY_ROLE } from '../../app/Layout.js';
import { ErrorNotice, Loading, SuccessNotice } from '../../components/common.js';
import { useAction } from '../../components/useAction.js';
import { useLoad } from '../../components/useLoad.js';
import { roleLabel, t } from '../../strings.js';

const ROLES = Object.keys(NAV_BY_ROLE) as UserRole[];

export function UsersPage() {
  usePageTitle(t.titles.users);
  const { data, error, loading, reload } = useLoad(() => api.users(), []);
  const [notice, setNotice] = useState<string>();
  const toggle = useAction();
  const me = useAuth().user;
  const [oneTime, setOneTime] = useState<{ name: string; password: string }>();

  const reset = (u: User) => {
    if (!window.confirm(t.password.confirmReset(u.displayName))) return;
    setNotice(undefined);
    void toggle.run(async () => {
      const r = await api.resetPassword(u.id);
      setOneTime({ name: r.user.displayName, password: r.password });
    });
  };

  const setActive = (u: User, active: boolean) => {
    setNotice(undefined);
    return toggle.run(async () => {
      await api.setUserActive(u.id, active);
      setNotice(active ? t.users.reactivated(u.displayName) : t.users.deactivated(u.displayName));
      reload();
    });
  };

  return (
    <section aria-labelledby="users-title">
      <h1 id="users-title">{t.users.title}</h1>
      <CreateUserForm
        onCreated={(u) => {
          setNotice(t.users.created(u.displayName));
          reload();
        }}
      />
      <h2 id="accounts-title">{t.users.listTitle}</h2>
      <ErrorNotice error={toggle.error} />
      {notice && <SuccessNotice>{notice}</SuccessNotice>}
      {oneTime && <OneTimePassword {...oneTime} onDone={() => setOneTime(undefined)} />}
      {loading && !data ? (
        <Loading />
      ) : error || !data ? (
        <ErrorNotice error={error} />
      ) : (
        <table aria-labelledby="accounts-title" className="users">
          <thead>
            <tr>
              <th scope="col">{t.users.nameColumn}</th>
              <th scope="col">{t.users.usernameColumn}</th>
              <th scope="col">{t.users.role}</th>
              <th scope="col">{t.users.status}</th>
              <th scope="col">
                <span className="sr-only">{t.users.status}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {data.map((u) => (
              <tr key={u.id} data-username={u.username}>
                <td>{u.displayName}</td>
                <td>{u.username}</td>
                <td>{roleLabel(u.role)}</td>
                <td>{u.active ? t.users.active : t.users.inactive}</td>
                <td>
                  {u.id === me?.id ? (
                    t.users.you
                  ) : (
                    <div className="row">
                      <button
                        type="button"
                        className="secondary"
                        aria-label={u.active ? t.users.deactivate(u.displayName) : t.users.reactivate(u.displayName)}
                        onClick={() => void setActive(u, !u.active)}
                      >
                        {u.active ? t.users.deactivateShort : t.users.reactivateShort}
                      </button>
                      <button type="button" className="secondary" aria-label={t.password.resetOf(u.displayName)} onClick={() => reset(u)}>
                        {t.password.reset}
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** The one-time password, once: it is not kept anywhere and goes when dismissed or the page is left. */
function OneTimePassword({ name, password, onDone }: { name: string; password: string; onDone(): void }) {
  return (
    <div className="notice notice-ok" role="status" data-testid="one-time-password">
      <p>
        {t.password.oneTime(name)} <code>{password}</code>
      </p>
      <p className="muted">{t.password.oneTimeHint}</p>
      <button type="button" className="secondary" onClick={onDone}>
        {t.password.dismiss}
      </button>
    </div>
  );
}

function CreateUserForm({ onCreated }: { onCreated(u: User): void }) {
  const id = useId();
  const [username, setUsername] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<UserRole>('prosecutor');
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    return run(async () => {
      const created = await api.createUser({ username, displayName, role, password });
      setUsername('');
      setDisplayName('');
      setPassword('');
      onCreated(created);
    });
  };

  return (
    <form className="subform" onSubmit={(e) => void onSubmit(e)} aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{t.users.createTitle}</h2>
      <ErrorNotice error={error} />
      <label>
        {t.users.username}
        <input name="username" value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="off" aria-describedby={`${id}-uh`} required />
        <small id={`${id}-uh`}>{t.users.usernameHint}</small>
      </label>
      <label>
        {t.users.displayName}
        <input name="displayName" value={displayName} onChange={(e) => setDisplayName(e.target.value)} required />
      </label>
      <label>
        {t.users.role}
        <select name="role" value={role} onChange={(e) => setRole(ROLES.find((r) => r === e.target.value) ?? 'prosecutor')}>
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {roleLabel(r)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t.users.password}
        <input name="password" type="password" value={password} onChange={(e) => setPassword(e.target.value)} autoComplete="new-password" aria-describedby={`${id}-ph`} required />
        <small id={`${id}-ph`}>{t.users.passwordHint}</small>
      </label>
      <button type="submit" disabled={busy}>
        {t.users.submit}
      </button>
    </form>
  );
}
