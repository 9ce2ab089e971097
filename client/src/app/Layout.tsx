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
    { path: '/sessions', label: t.nav.sessions },
    { path: '/schedule', label: t.nav.schedule },
  ],
  judge: [{ path: '/sessions', label: t.nav.sessions }],
  defence: [{ path: '/sessions', label: t.nav.sessions }],
  interpreter: [{ path: '/sessions', label: t.nav.sessions }],
  operator: [{ path: '/sessions', label: t.nav.console }],
  staff: [{ path: '/reports', label: t.nav.reports }],
  admin: [
    { path: '/trials', label: t.nav.trials },
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
export function Link({ to, children, className }: { to: string; children: ReactNode; className?: string }) {
  const onClick = (e: MouseEvent<HTMLAnchorElement>) => {
    if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} className={className}>
      {children}
    </a>
  );
}

export function Layout({ children }: { children: ReactNode }) {
  const { user, signOut } = useAuth();
  const path = usePath();
  if (!user) return <>{children}</>;
  const items = NAV_BY_ROLE[user.role] ?? [];
  return (
    <div className="shell">
      <header className="topbar">
        <span className="brand">{t.app.name}</span>
        <nav aria-label={t.app.mainNav}>
          <ul>
            {items.map((i) => (
              <li key={i.path}>
                <Link to={i.path} className={path.startsWith(i.path) ? 'active' : undefined}>
                  {i.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span className="who">{t.app.signedInAs(user.displayName ?? user.username, roleLabel(user.role))}</span>
        <button type="button" className="secondary" onClick={signOut}>
          {t.app.signOut}
        </button>
      </header>
      <main id="main">{children}</main>
    </div>
  );
}
