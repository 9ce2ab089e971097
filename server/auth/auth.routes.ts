/** Login, `me`, and user administration. */
import type { RouteKit } from '../http/routeKit.js';
import { idParams } from '../http/validate.js';
import { createUserBody, directoryQuery, loginBody, updateUserBody, userListQuery } from './auth.schemas.js';
import type { AuthService } from './auth.service.js';

/** Registers the auth and user routes. */
export function authRoutes(kit: RouteKit, auth: AuthService): void {
  kit.add({
    key: 'POST /auth/login',
    tag: 'auth',
    summary: 'Exchanges username and password for a bearer token (throttled on failures).',
    body: loginBody,
    handle: ({ body, req }) => auth.login(body.username, body.password, req.ip ?? req.socket.remoteAddress ?? 'unknown'),
  });
  kit.add({ key: 'GET /auth/me', tag: 'auth', summary: 'The caller.', handle: ({ actor }) => auth.getUser(actor().userId) });
  kit.add({ key: 'POST /users', tag: 'users', summary: 'Creates a user.', body: createUserBody, status: 201, handle: ({ body, actor }) => auth.createUser(body, actor()) });
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
    summary: 'Changes role, display name, password or active flag.',
    params: idParams,
    body: updateUserBody,
    handle: ({ params, body, actor }) => auth.updateUser(params.id, body, actor()),
  });
}
