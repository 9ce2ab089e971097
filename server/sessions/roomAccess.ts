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

interface RoomAccessDeps {
  readonly auth: AuthService;
  readonly sessions: SessionService;
  readonly invitations: InvitationService;
  readonly audit: AuditLog;
}

/** The port over the auth, sessions, invitations and audit services. */
class SessionRoomAccess implements RoomAccess {
  constructor(private readonly deps: RoomAccessDeps) {}

  // JWTs have three dot-separated parts; invitation tokens are base64url without dots.
  authenticate({ token, sessionId, deviceKey }: { readonly token: string; readonly sessionId?: string; readonly deviceKey?: string }): Promise<RoomTicket> {
    return token.includes('.') ? this.#withUserToken(token, sessionId) : this.#withInvitation(token, sessionId, deviceKey);
  }

  async #withUserToken(token: string, sessionId: string | undefined): Promise<RoomTicket> {
    if (!sessionId) throw new UnauthorizedError({ message: 'A session id is needed with a user token.', code: 'session_required' });
    const principal = await this.deps.auth.principalFromToken(token);
    const session = await this.deps.sessions.loadRecord(sessionId);
    assertOpen(session);
    const sid = session._id.toHexString();
    const p = session.participants.find((q) => q.userId === principal.userId);
    if (p) return { sessionId: sid, participantId: p.participantId, role: p.role as ParticipantRole, displayName: p.displayName, userId: principal.userId };
    // Operators and admins may open any room to run it, as its courtroom operator.
    if (principal.role === 'operator' || principal.role === 'admin') {
      const user = await this.deps.auth.getUser(principal.userId);
      return { sessionId: sid, participantId: `user-${principal.userId}`, role: 'operator', displayName: user.displayName, userId: principal.userId };
    }
    throw new ForbiddenError({ message: 'You are not a participant of this session.' });
  }

  async #withInvitation(token: string, sessionId: string | undefined, deviceKey: string | undefined): Promise<RoomTicket> {
    const { invitation } = await this.deps.invitations.redeem(token, sessionId, deviceKey);
    return {
      sessionId: invitation.sessionId,
      participantId: invitation.participantId,
      role: invitation.role as ParticipantRole,
      displayName: invitation.displayName,
      invitationId: invitation._id.toHexString(),
    };
  }

  async getSession(sessionId: string): Promise<SessionView> {
    return toSessionView(await this.deps.sessions.loadRecord(sessionId));
  }

  async setStatus(sessionId: string, status: 'live' | 'ended', actor: RoomTicket): Promise<SessionView> {
    assertChair(actor);
    return toSessionView(await this.deps.sessions.transition(sessionId, status, participantActor(actor)));
  }

  async setClosedSession(sessionId: string, closed: boolean, actor: RoomTicket): Promise<SessionView> {
    assertChair(actor);
    const doc = await this.deps.sessions.setMeasure(sessionId, 'closedSession', closed);
    await this.deps.audit.append({ actor: participantActor(actor), action: 'room.closedSession', target: `session:${sessionId}`, outcome: 'success', details: { closed } });
    return toSessionView(doc);
  }

  async revokeParticipant(sessionId: string, participantId: string, actor: RoomTicket): Promise<void> {
    assertChair(actor);
    const removed = (await this.deps.sessions.removeParticipant(sessionId, participantId)) || (await this.deps.invitations.revokeParticipant(sessionId, participantId));
    if (!removed) throw new NotFoundError({ message: 'No such participant.' });
    await this.deps.audit.append({ actor: participantActor(actor), action: 'room.revokeParticipant', target: `participant:${participantId}`, outcome: 'success', details: { sessionId } });
  }

  async recordAttendance(sessionId: string, participantId: string, event: AttendanceEvent, at: Date): Promise<void> {
    await AttendanceModel.create({ sessionId, participantId, event, at });
  }

  async audit(event: RoomAuditEvent): Promise<void> {
    await this.deps.audit.append({ actor: participantActor(event.actor), action: event.action, target: event.target, outcome: event.outcome, details: event.details });
  }

  subscribe(listener: (session: SessionView) => void): () => void {
    return this.deps.sessions.subscribe(listener);
  }

  subscribeRevocations(listener: (e: { readonly sessionId: string; readonly participantId: string }) => void): () => void {
    return this.deps.invitations.onRevoked(listener);
  }
}

/** Builds the port's implementation; its methods are bound, so they can be passed around. */
export function createRoomAccess(deps: RoomAccessDeps): RoomAccess {
  const impl = new SessionRoomAccess(deps);
  return {
    authenticate: (credential) => impl.authenticate(credential),
    getSession: (sessionId) => impl.getSession(sessionId),
    setStatus: (sessionId, status, actor) => impl.setStatus(sessionId, status, actor),
    setClosedSession: (sessionId, closed, actor) => impl.setClosedSession(sessionId, closed, actor),
    revokeParticipant: (sessionId, participantId, actor) => impl.revokeParticipant(sessionId, participantId, actor),
    recordAttendance: (sessionId, participantId, event, at) => impl.recordAttendance(sessionId, participantId, event, at),
    audit: (event) => impl.audit(event),
    subscribe: (listener) => impl.subscribe(listener),
    subscribeRevocations: (listener) => impl.subscribeRevocations(listener),
  };
}
