/** The `RoomAccess` port (server/signaling/ports.ts), implemented over the records domains. */
import type { AuditActor, AuditLog } from '../audit/index.js';
import type { AuthService } from '../auth/index.js';
import { ForbiddenError, InvalidStateError, NotFoundError, UnauthorizedError } from '../errors.js';
import type { AttendanceEvent, ParticipantRole, RoomAccess, RoomAuditEvent, RoomTicket, SessionView } from '../signaling/ports.js';
import type { InvitationService } from './invitation.service.js';
import { AttendanceModel, type SessionDoc } from './session.model.js';
import { toSessionView, type SessionService } from './session.service.js';

/** Session roles that may run the room (start, end, close, remove). */
const CHAIRS: readonly ParticipantRole[] = ['judge', 'operator'];

function participantActor(t: RoomTicket): AuditActor {
  return { kind: 'participant', id: t.userId ?? t.participantId, role: t.role, label: t.displayName };
}

function assertChair(t: RoomTicket): void {
  if (!CHAIRS.includes(t.role)) throw new ForbiddenError({ message: 'Only the judge or the operator can do this.' });
}

function assertOpen(s: SessionDoc): void {
  if (s.status === 'ended' || s.status === 'cancelled') throw new InvalidStateError({ message: 'The session is over.', code: 'session_over' });
}

/** Builds the port's implementation. */
export function createRoomAccess(deps: { readonly auth: AuthService; readonly sessions: SessionService; readonly invitations: InvitationService; readonly audit: AuditLog }): RoomAccess {
  const { auth, sessions, invitations, audit } = deps;

  async function withUserToken(token: string, sessionId: string | undefined): Promise<RoomTicket> {
    if (!sessionId) throw new UnauthorizedError({ message: 'A session id is needed with a user token.', code: 'session_required' });
    const principal = await auth.principalFromToken(token);
    const session = await sessions.loadRecord(sessionId);
    assertOpen(session);
    const sid = session._id.toHexString();
    const p = session.participants.find((q) => q.userId === principal.userId);
    if (p) return { sessionId: sid, participantId: p.participantId, role: p.role as ParticipantRole, displayName: p.displayName, userId: principal.userId };
    // Operators and admins may open any room to run it, as its courtroom operator.
    if (principal.role === 'operator' || principal.role === 'admin') {
      const user = await auth.getUser(principal.userId);
      return { sessionId: sid, participantId: `user-${principal.userId}`, role: 'operator', displayName: user.displayName, userId: principal.userId };
    }
    throw new ForbiddenError({ message: 'You are not a participant of this session.' });
  }

  async function withInvitation(token: string, sessionId: string | undefined): Promise<RoomTicket> {
    const { invitation } = await invitations.redeem(token, sessionId);
    return {
      sessionId: invitation.sessionId,
      participantId: invitation.participantId,
      role: invitation.role as ParticipantRole,
      displayName: invitation.displayName,
      invitationId: invitation._id.toHexString(),
    };
  }

  return {
    // JWTs have three dot-separated parts; invitation tokens are base64url without dots.
    authenticate: ({ token, sessionId }) => (token.includes('.') ? withUserToken(token, sessionId) : withInvitation(token, sessionId)),

    async getSession(sessionId): Promise<SessionView> {
      return toSessionView(await sessions.loadRecord(sessionId));
    },

    async setStatus(sessionId, status, actor): Promise<SessionView> {
      assertChair(actor);
      return toSessionView(await sessions.transition(sessionId, status, participantActor(actor)));
    },

    async setClosedSession(sessionId, closed, actor): Promise<SessionView> {
      assertChair(actor);
      const doc = await sessions.setMeasure(sessionId, 'closedSession', closed);
      await audit.append({ actor: participantActor(actor), action: 'room.closedSession', target: `session:${sessionId}`, outcome: 'success', details: { closed } });
      return toSessionView(doc);
    },

    async revokeParticipant(sessionId, participantId, actor): Promise<void> {
      assertChair(actor);
      const removed = (await sessions.removeParticipant(sessionId, participantId)) || (await invitations.revokeParticipant(sessionId, participantId));
      if (!removed) throw new NotFoundError({ message: 'No such participant.' });
      await audit.append({ actor: participantActor(actor), action: 'room.revokeParticipant', target: `participant:${participantId}`, outcome: 'success', details: { sessionId } });
    },

    async recordAttendance(sessionId, participantId, event: AttendanceEvent, at): Promise<void> {
      await AttendanceModel.create({ sessionId, participantId, event, at });
    },

    async audit(event: RoomAuditEvent): Promise<void> {
      await audit.append({ actor: participantActor(event.actor), action: event.action, target: event.target, outcome: event.outcome, details: event.details });
    },

    subscribe: (listener) => sessions.subscribe(listener),
  };
}
