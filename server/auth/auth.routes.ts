/** Login, `me`, password change, and user administration. */
import type { Request } from 'express';
import type { RouteKit } from '../http/routeKit.js';
import { idParams } from '../http/validate.js';
import { createUserBody, directoryQuery, loginBody, passwordChangeBody, updateUserBody, userListQuery } from './auth.schemas.js';
import type { AuthService } from './auth.service.js';

/** The client's address for per-address throttling (the proxy's view when TRUST_PROXY is set). */
const addressOf = (req: Request): string => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/** Registers the auth and user routes. */
export function authRoutes(kit: RouteKit, auth: AuthService): void {
  kit.add({
    key: 'POST /auth/login',
    tag: 'auth',
    summary: 'Exchanges username and password for a bearer token (throttled on failures).',
    body: loginBody,
    badCredentials: 'Wrong username or password, or an inactive account (bad_credentials)',
    throttled: 'Too many failed logins for the username (5) or the address (20) in 15 minutes, attempts in flight included (login_throttled)',
    handle: ({ body, req }) => auth.login(body.username, body.password, addressOf(req)),
  });
  kit.add({ key: 'GET /auth/me', tag: 'auth', summary: 'The caller.', handle: ({ actor }) => auth.getUser(actor().userId) });
  kit.add({
    key: 'POST /auth/password',
    tag: 'auth',
    summary: "Changes the caller's own password (the current one required, failures throttled). Every earlier token of the account ends; the answer carries a new one.",
    body: passwordChangeBody,
    throttled: 'Too many wrong current passwords (login_throttled)',
    conflicts: 'The password was reset or changed meanwhile (account_changed): the reset stands',
    rules: ['newPassword must differ from currentPassword'],
    handle: async ({ body, actor, req, res }) => {
      res.setHeader('Cache-Control', 'no-store');
      return auth.changeOwnPassword(actor(), body.currentPassword, body.newPassword, addressOf(req));
    },
  });
  kit.add({ key: 'POST /users', tag: 'users', summary: 'Creates a user.', body: createUserBody, status: 201, conflicts: 'The username is taken (username_taken)', handle: ({ body, actor }) => auth.createUser(body, actor()) });
  kit.add({ key: 'GET /users', tag: 'users', summary: 'Lists users.', query: userListQuery, handle: ({ query }) => auth.listUsers(query) });
  // Registered before /users/:id so that `directory` is not read as an id.
  kit.add({
    key: 'GET /users/directory',
    tag: 'users',
    summary: 'Active users who can be made session participants: id, display name and role only.',
    query: directoryQuery,
    handle: ({ query }) => auth.directory(query),
  });
  kit.add({ key: 'GET /users/:id', tag: 'users', summary: 'Reads a user.', params: idParams, handle: ({ params }) => auth.getUser(params.id) });
  kit.add({
    key: 'PATCH /users/:id',
    tag: 'users',
    summary: 'Changes role, display name, password or active flag. A role, password or active change ends the account\'s tokens and live connections; the last active admin cannot be deactivated or demoted (409 last_admin).',
    params: idParams,
    body: updateUserBody,
    conflicts: 'The last active administrator would be deactivated or demoted (last_admin), or another administrator change is in progress (admin_change_busy)',
    handle: ({ params, body, actor }) => auth.updateUser(params.id, body, actor()),
  });
  kit.add({
    key: 'POST /users/:id/password',
    tag: 'users',
    summary: "Resets an account's password to a generated one-time password, returned once: its tokens and live connections end and it must choose its own at next sign-in.",
    params: idParams,
    handle: async ({ params, actor, res }) => {
      res.setHeader('Cache-Control', 'no-store');
      return auth.resetPassword(params.id, actor());
    },
  });
}
