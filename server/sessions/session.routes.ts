/** Session, lifecycle and invitation routes. */
import type { RouteKit } from '../http/routeKit.js';
import { idParams } from '../http/validate.js';
import type { InvitationService } from './invitation.service.js';
import { createSessionBody, invitationBody, invitationParams, sessionListQuery, statusBody, updateSessionBody } from './session.schemas.js';
import type { SessionService } from './session.service.js';

/** Window rules of scheduling (the schemas check each field alone). */
const WINDOW_RULES = ['end is after start', 'a session lasts at most 12 hours'];

/** Registers the session routes. */
export function sessionRoutes(kit: RouteKit, sessions: SessionService, invitations: InvitationService): void {
  kit.add({ key: 'POST /sessions', tag: 'sessions', summary: 'Schedules a testimony session (409 when double-booked).', body: createSessionBody, status: 201, conflicts: 'The witness, the judge or the court room is booked in an overlapping window (witness_double_booked, judge_double_booked, court_room_double_booked)', rules: WINDOW_RULES.concat(['courtCountry must be the trial\'s court country', 'witnessId must be a current witness of the trial', 'each participant\'s account role must fit the session role (support: programme staff; accused and public by invitation only)', 'a prosecutor schedules only for trials they prosecute (403 not_your_trial)']), handle: ({ body, actor }) => sessions.create(body, actor()) });
  kit.add({ key: 'GET /sessions', tag: 'sessions', summary: 'Lists sessions the caller may see, by start time.', query: sessionListQuery, handle: ({ query, actor }) => sessions.list(query, actor()) });
  kit.add({ key: 'GET /sessions/:id', tag: 'sessions', summary: 'Reads a session.', params: idParams, handle: ({ params, actor }) => sessions.get(params.id, actor()) });
  kit.add({ key: 'PATCH /sessions/:id', tag: 'sessions', summary: 'Changes a scheduled session.', params: idParams, body: updateSessionBody, conflicts: 'The session is no longer scheduled (session_not_scheduled), or the new window or participants are double-booked', rules: WINDOW_RULES, handle: ({ params, body, actor }) => sessions.update(params.id, body, actor()) });
  kit.add({
    key: 'POST /sessions/:id/status',
    tag: 'sessions',
    summary: 'Moves the lifecycle (scheduled → lobby → live → ended; lobby → ended; scheduled or lobby → cancelled); 409 otherwise.',
    params: idParams,
    body: statusBody,
    conflicts: 'The move is not in the lifecycle table, or another move out of the same state won (invalid_transition)',
    rules: ['prosecutors may only cancel'],
    handle: async ({ params, body, actor }) => sessions.viewFor(await sessions.transition(params.id, body.status, actor()), actor()),
  });
  kit.add({
    key: 'POST /sessions/:id/invitations',
    tag: 'sessions',
    summary: 'Issues a one-time join link (token in the URL fragment).',
    params: idParams,
    body: invitationBody,
    status: 201,
    conflicts: 'The session is over (session_over)',
    handle: async ({ params, body, actor, res }) => {
      res.setHeader('Cache-Control', 'no-store');
      return invitations.issue(params.id, body, actor());
    },
  });
  kit.add({ key: 'GET /sessions/:id/invitations', tag: 'sessions', summary: "Lists a session's invitations with their state: issued, used, revoked or expired (never tokens).", params: idParams, handle: ({ params, actor }) => invitations.list(params.id, actor()) });
  kit.add({
    key: 'DELETE /sessions/:id/invitations/:invitationId',
    tag: 'sessions',
    summary: 'Revokes an invitation (its holder leaves the room at once).',
    params: invitationParams,
    status: 204,
    handle: ({ params, actor }) => invitations.revoke(params.id, params.invitationId, actor()),
  });
}
