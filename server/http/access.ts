/**
 * Who may call which route: the one route → roles table of the API. Every route registered
 * through `routeKit.ts` must have an entry here (registration throws otherwise), so a new route
 * cannot forget its role check.
 */

/** Roles of user accounts. */
export const USER_ROLES = ['admin', 'prosecutor', 'judge', 'operator', 'staff', 'defence', 'interpreter'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** The authenticated caller of an HTTP request. */
export interface Principal {
  readonly userId: string;
  readonly username: string;
  readonly role: UserRole;
}

/** `'public'` needs no token; otherwise the roles allowed. */
export type Access = 'public' | readonly UserRole[];

const ALL: readonly UserRole[] = USER_ROLES;
const ADMIN: readonly UserRole[] = ['admin'];
const PROGRAMME: readonly UserRole[] = ['admin', 'staff'];
/** Everyone who works with witnesses by codename (never their identity). */
const CASEWORK: readonly UserRole[] = ['admin', 'staff', 'prosecutor', 'judge', 'operator'];
const SCHEDULERS: readonly UserRole[] = ['admin', 'prosecutor'];
/** Who runs the session's lifecycle; prosecutors may only cancel (service rule). */
const LIFECYCLE: readonly UserRole[] = ['admin', 'operator', 'judge', 'prosecutor'];
const INVITERS: readonly UserRole[] = ['admin', 'prosecutor', 'operator'];
const TRIAL_READERS: readonly UserRole[] = ['admin', 'staff', 'prosecutor', 'judge', 'operator', 'defence'];

/** Route key (`METHOD /path` relative to `/api`, express syntax) → access. */
export const ROUTE_ACCESS = {
  'GET /openapi.json': 'public',
  'POST /auth/login': 'public',
  'GET /auth/me': ALL,
  'POST /users': ADMIN,
  'GET /users': ADMIN,
  'GET /users/directory': SCHEDULERS,
  'GET /users/:id': ADMIN,
  'PATCH /users/:id': ADMIN,
  'POST /witnesses': PROGRAMME,
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
  'POST /sentences': SCHEDULERS,
  'GET /sentences': ['admin', 'staff', 'prosecutor', 'judge'],
  'GET /reports/summary': PROGRAMME,
  'GET /audit': ADMIN,
  'GET /audit/verify': ADMIN,
} as const satisfies Record<string, Access>;

export type RouteKey = keyof typeof ROUTE_ACCESS;

/** Roles that see every session; others see only sessions they take part in. */
export const SEES_ALL_SESSIONS: readonly UserRole[] = ['admin', 'staff', 'operator', 'prosecutor'];
