/** Session, lifecycle and invitation routes. */
import type { RouteKit } from '../http/routeKit.js';
import { idParams } from '../http/validate.js';
import type { InvitationService } from './invitation.service.js';
import { createSessionBody, invitationBody, invitationParams, sessionListQuery, statusBody, updateSessionBody } from './session.schemas.js';
import { toRecordView, type SessionService } from './session.service.js';

/** Registers the session routes. */
export function sessionRoutes(kit: RouteKit, sessions: SessionService, invitations: InvitationService): void {
  kit.add({ key: 'POST /sessions', tag: 'sessions', summary: 'Schedules a testimony session (409 when double-booked).', body: createSessionBody, status: 201, handle: ({ body, actor }) => sessions.create(body, actor()) });
  kit.add({ key: 'GET /sessions', tag: 'sessions', summary: 'Lists sessions the caller may see, by start time.', query: sessionListQuery, handle: ({ query, actor }) => sessions.list(query, actor()) });
  kit.add({ key: 'GET /sessions/:id', tag: 'sessions', summary: 'Reads a session.', params: idParams, handle: ({ params, actor }) => sessions.get(params.id, actor()) });
  kit.add({ key: 'PATCH /sessions/:id', tag: 'sessions', summary: 'Changes a scheduled session.', params: idParams, body: updateSessionBody, handle: ({ params, body, actor }) => sessions.update(params.id, body, actor()) });
  kit.add({
    key: 'POST /sessions/:id/status',
    tag: 'sessions',
    summary: 'Moves the lifecycle: scheduled → lobby → live → ended, or cancelled (409 otherwise).',
    params: idParams,
    body: statusBody,
    handle: async ({ params, body, actor }) => toRecordView(await sessions.transition(params.id, body.status, actor())),
  });
  kit.add({
    key: 'POST /sessions/:id/invitations',
    tag: 'sessions',
    summary: 'Issues a one-time join link (token in the URL fragment).',
    params: idParams,
    body: invitationBody,
    status: 201,
    handle: async ({ params, body, actor, res }) => {
      res.setHeader('Cache-Control', 'no-store');
      return invitations.issue(params.id, body, actor());
    },
  });
  kit.add({ key: 'GET /sessions/:id/invitations', tag: 'sessions', summary: "Lists a session's invitations (never tokens).", params: idParams, handle: ({ params, actor }) => invitations.list(params.id, actor()) });
  kit.add({
    key: 'DELETE /sessions/:id/invitations/:invitationId',
    tag: 'sessions',
    summary: 'Revokes an invitation.',
    params: invitationParams,
    handle: ({ params, actor }) => invitations.revoke(params.id, params.invitationId, actor()),
  });
}
