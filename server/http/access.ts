/**
 * Who may call which route: the one route → roles table of the API. Every route registered
 * through `routeKit.ts` must have an entry here (registration throws otherwise), so a new route
 * cannot forget its role check. Which records a caller may then read or change is decided by
 * their relation to each record, in `ownership.ts`.
 */

import { USER_ROLES, type UserRole } from '../../common/vocabulary.js';

/** The authenticated caller of an HTTP request. */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly role: UserRole;
  /** True while the account holds a generated one-time password (see `PASSWORD_CHANGE_ROUTES`). */
  readonly mustChangePassword?: boolean;
}

/** The only routes an account that must change its one-time password may call. */
export const PASSWORD_CHANGE_ROUTES: ReadonlySet<string> = new Set(['GET /auth/me', 'POST /auth/password', 'GET /openapi.json']);

/** `'public'` needs no token; otherwise the roles allowed. */
export type Access = 'public' | readonly UserRole[];

const ALL: readonly UserRole[] = USER_ROLES;
const ADMIN: readonly UserRole[] = ['admin'];
const PROGRAMME: readonly UserRole[] = ['admin', 'staff'];
/** Everyone who works with witnesses by codename (never their identity). */
const CASEWORK: readonly UserRole[] = ['admin', 'staff', 'prosecutor', 'judge', 'operator'];
/** Who registers witnesses: programme staff, and prosecutors for their own trials (codename data only). */
const REGISTRARS: readonly UserRole[] = ['admin', 'staff', 'prosecutor'];
const SCHEDULERS: readonly UserRole[] = ['admin', 'prosecutor'];
/** Who runs the session's lifecycle; prosecutors may only cancel (service rule). */
const LIFECYCLE: readonly UserRole[] = ['admin', 'operator', 'judge', 'prosecutor'];
const INVITERS: readonly UserRole[] = ['admin', 'prosecutor', 'operator'];
/** Minutes: the trial's judge and prosecutors, and admins (ownership checked by the service). */
const MINUTES_READERS: readonly UserRole[] = ['admin', 'judge', 'prosecutor'];
const TRIAL_READERS: readonly UserRole[] = ['admin', 'staff', 'prosecutor', 'judge', 'operator', 'defence'];

/** Route key (`METHOD /path` relative to `/api`, express syntax) → access. */
export const ROUTE_ACCESS = {
  'GET /openapi.json': 'public',
  'POST /auth/login': 'public',
  'GET /auth/me': ALL,
  'POST /auth/password': ALL,
  'POST /users': ADMIN,
  'GET /users': ADMIN,
  'GET /users/directory': SCHEDULERS,
  'GET /users/:id': ADMIN,
  'PATCH /users/:id': ADMIN,
  'POST /users/:id/password': ADMIN,
  'POST /witnesses': REGISTRARS,
  'GET /witnesses': CASEWORK,
  'GET /witnesses/:id': CASEWORK,
  'PATCH /witnesses/:id': PROGRAMME,
  'DELETE /witnesses/:id': PROGRAMME,
  'GET /witnesses/:id/identity': PROGRAMME,
  'POST /trials': SCHEDULERS,
  'GET /trials': TRIAL_READERS,
  'GET /trials/:id': TRIAL_READERS,
  'PATCH /trials/:id': SCHEDULERS,
  'POST /sessions': SCHEDULERS,
  'GET /sessions': ALL,
  'GET /sessions/:id': ALL,
  'PATCH /sessions/:id': SCHEDULERS,
  'POST /sessions/:id/status': LIFECYCLE,
  'POST /sessions/:id/invitations': INVITERS,
  'GET /sessions/:id/invitations': INVITERS,
  'DELETE /sessions/:id/invitations/:invitationId': INVITERS,
  'GET /sessions/:id/interpretation': ALL,
  'PUT /sessions/:id/interpretation': LIFECYCLE,
  'POST /sessions/:id/minutes': MINUTES_READERS,
  'GET /sessions/:id/minutes': MINUTES_READERS,
  'GET /sessions/:id/minutes/pdf': MINUTES_READERS,
  'GET /sessions/:id/minutes/json': MINUTES_READERS,
  'GET /sessions/:id/minutes/verify': MINUTES_READERS,
  'PUT /sessions/:id/minutes/remarks': ['judge'],
  'POST /sessions/:id/minutes/seal': ['judge'],
  'POST /sentences': SCHEDULERS,
  'GET /sentences': ['admin', 'staff', 'prosecutor', 'judge'],
  'GET /reports/summary': PROGRAMME,
  'GET /audit': ADMIN,
  'GET /audit/verify': ADMIN,
} as const satisfies Record<string, Access>;

export type RouteKey = keyof typeof ROUTE_ACCESS;
