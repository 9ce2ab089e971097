/** Top-level routing: the witness join page needs no account; everything else needs a sign-in. */
import { Suspense, lazy, useEffect, type ReactNode } from 'react';
import type { UserRole } from '../api/types.js';
import { t } from '../strings.js';
import { useAuth } from './auth.js';
import { Layout, Link, homeOf } from './Layout.js';
import { match, navigate, usePath } from './router.js';
import { SignIn } from '../screens/SignIn.js';
import { TrialsPage } from '../screens/trials/TrialsPage.js';
import { WitnessesPage } from '../screens/witnesses/WitnessesPage.js';
import { SessionPage } from '../screens/sessions/SessionPage.js';
import { usePageTitle } from './title.js';
import { SchedulePage } from '../screens/prosecutor/SchedulePage.js';
import { SessionsPage } from '../screens/prosecutor/SessionsPage.js';
import { UsersPage } from '../screens/admin/UsersPage.js';
import { PasswordPage } from '../screens/PasswordPage.js';
import { Loading } from '../components/common.js';

// The charting and WebRTC libraries are large: each screen loads only what it needs.
const ReportsPage = lazy(() => import('../screens/staff/ReportsPage.js').then((m) => ({ default: m.ReportsPage })));
const JoinPage = lazy(() => import('../screens/witness/JoinPage.js').then((m) => ({ default: m.JoinPage })));
const ParticipantRoom = lazy(() => import('../screens/participant/ParticipantRoom.js').then((m) => ({ default: m.ParticipantRoom })));
const OperatorConsole = lazy(() => import('../screens/operator/OperatorConsole.js').then((m) => ({ default: m.OperatorConsole })));

interface Route {
  readonly pattern: string;
  readonly roles: readonly UserRole[];
  render(params: Record<string, string>): ReactNode;
}

const ALL: readonly UserRole[] = ['admin', 'prosecutor', 'judge', 'operator', 'staff', 'defence', 'interpreter'];

const ROUTES: readonly Route[] = [
  { pattern: '/trials', roles: ['prosecutor', 'admin'], render: () => <TrialsPage /> },
  { pattern: '/witnesses', roles: ['prosecutor', 'staff', 'admin', 'judge', 'operator'], render: () => <WitnessesPage /> },
  { pattern: '/schedule', roles: ['prosecutor', 'admin'], render: () => <SchedulePage /> },
  { pattern: '/sessions', roles: ALL, render: () => <SessionsPage /> },
  { pattern: '/sessions/:id', roles: ALL, render: (p) => <SessionPage sessionId={p.id ?? ''} /> },
  { pattern: '/sessions/:id/room', roles: ALL, render: (p) => <ParticipantRoom sessionId={p.id ?? ''} /> },
  { pattern: '/sessions/:id/console', roles: ['operator', 'judge', 'admin'], render: (p) => <OperatorConsole sessionId={p.id ?? ''} /> },
  { pattern: '/reports', roles: ['staff', 'admin'], render: () => <ReportsPage /> },
  { pattern: '/users', roles: ['admin'], render: () => <UsersPage /> },
  { pattern: '/password', roles: ALL, render: () => <PasswordPage /> },
];

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound() {
  usePageTitle(t.titles.notFound);
  return (
    <section>
      <p>{t.app.notFound}</p>
      <Link to="/">{t.app.goHome}</Link>
    </section>
  );
}

export function App() {
  const path = usePath();
  return (
    <Suspense fallback={<Loading />}>
      <Routes path={path} />
    </Suspense>
  );
}

function Routes({ path }: { path: string }) {
  const { user, ready } = useAuth();
  if (path === '/join') return <JoinPage />;
  // A new tab first asks the open ones for their sign-in (a fraction of a second).
  if (!user && !ready) return <Loading />;
  if (!user) return <SignIn />;
  // A one-time password must be replaced before anything else (the API refuses everything else).
  if (user.mustChangePassword && path !== '/password') return <Redirect to="/password" />;
  if (path === '/' || path === '/login') return <Redirect to={homeOf(user.role)} />;
  for (const r of ROUTES) {
    const params = match(r.pattern, path);
    if (!params) continue;
    return <Layout>{r.roles.includes(user.role) ? r.render(params) : <NotFound />}</Layout>;
  }
  return (
    <Layout>
      <NotFound />
    </Layout>
  );
}
