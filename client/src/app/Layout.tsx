/** Page frame for signed-in users: header, role-based navigation, main content. */
import type { MouseEvent, ReactNode } from 'react';
import type { UserRole } from '../api/types.js';
import { roleLabel, t } from '../strings.js';
import { useAuth } from './auth.js';
import { navigate, usePath } from './router.js';

interface NavItem {
  readonly path: string;
  readonly label: string;
}

/** Which screens each role reaches. */
export const NAV_BY_ROLE: Readonly<Record<UserRole, readonly NavItem[]>> = {
  prosecutor: [
    { path: '/trials', label: t.nav.trials },
    { path: '/witnesses', label: t.nav.witnesses },
    { path: '/sessions', label: t.nav.sessions },
    { path: '/schedule', label: t.nav.schedule },
  ],
  judge: [{ path: '/sessions', label: t.nav.sessions }],
  defence: [{ path: '/sessions', label: t.nav.sessions }],
  interpreter: [{ path: '/sessions', label: t.nav.sessions }],
  operator: [{ path: '/sessions', label: t.nav.console }],
  staff: [
    { path: '/reports', label: t.nav.reports },
    { path: '/witnesses', label: t.nav.witnesses },
  ],
  admin: [
    { path: '/trials', label: t.nav.trials },
    { path: '/witnesses', label: t.nav.witnesses },
    { path: '/sessions', label: t.nav.sessions },
    { path: '/schedule', label: t.nav.schedule },
    { path: '/reports', label: t.nav.reports },
    { path: '/users', label: t.nav.users },
  ],
};

/** The first screen of a role. */
export function homeOf(role: UserRole): string {
  return NAV_BY_ROLE[role]?.[0]?.path ?? '/sessions';
}

/** An in-app link that keeps the page (no reload). */
export function Link({ to, children, className, label, current }: { to: string; children: ReactNode; className?: string; label?: string; current?: boolean }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} className={className} aria-label={label} aria-current={current ? 'page' : undefined}>
      {children}
    </a>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { user, signOut } = useAuth();
  const path = usePath();
  if (!user) return <>{children}</>;
  // Until a one-time password is replaced, the password page is the only place to go.
  const items = user.mustChangePassword ? [] : (NAV_BY_ROLE[user.role] ?? []);
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">{t.app.name}</span>
        <nav aria-label={t.app.mainNav}>
          <ul>
            {items.map((i) => (
              <li key={i.path}>
                <Link to={i.path} className={path.startsWith(i.path) ? 'active' : undefined} {...(path.startsWith(i.path) ? { current: true } : {})}>
                  {i.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">{t.app.signedInAs(user.displayName ?? user.username, roleLabel(user.role))}</span>
        <Link to="/password" className="nav-extra" {...(path === '/password' ? { current: true } : {})}>
          {t.password.link}
        </Link>
        <button type="button" className="secondary" onClick={signOut}>
          {t.app.signOut}
        </button>
      </header>
      <main id="main">{children}</main>
    </div>
  );
}
