/** The `RoomAccess` port (server/signaling/ports.ts), implemented over the records domains. */
import mongoose from 'mongoose';
import type { AuditActor, AuditLog } from '../audit/index.js';
import type { AuthService } from '../auth/index.js';
import { ForbiddenError, InvalidStateError, NotFoundError, UnauthorizedError } from '../../common/errors.js';
import type { ParticipantRole } from '../../common/vocabulary.js';
import { insertOnce } from '../db/duplicateKey.js';
import { fitsParticipantRole } from '../http/ownership.js';
import type { AttendanceEvent, HearingAccess, RoomAccess, RoomAuditEvent, RoomTicket, SessionView } from '../signaling/ports.js';
import type { LiveMeasure } from '../../common/vocabulary.js';
import type { InvitationService } from './invitation.service.js';
import { AttendanceModel, type SessionDoc } from './session.model.js';
import type { SessionService } from './session.service.js';
import { toSessionView } from './session.views.js';

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
  /** The hearing domain's part of the port (server/hearing), passed through unchanged. */
  readonly hearing: HearingAccess;
}

/** The port over the auth, sessions, invitations and audit services. */
class SessionRoomAccess implements Omit<RoomAccess, 'hearing'> {
  constructor(private readonly deps: RoomAccessDeps) {}

  // JWTs have three dot-separated parts; invitation tokens are base64url without dots.
  authenticate({ token, sessionId, deviceKey }: { readonly token: string; readonly sessionId?: string; readonly deviceKey?: string }): Promise<RoomTicket> {
    return token.includes('.') ? this.#withUserToken(token, sessionId) : this.#withInvitation(token, sessionId, deviceKey);
  }

  /**
   * A user joins in the session role they were scheduled for, checked against the account's
   * current role (a judge account demoted to defence does not join as judge).
   */
  async #withUserToken(token: string, sessionId: string | undefined): Promise<RoomTicket> {
    if (!sessionId) throw new UnauthorizedError({ message: 'A session id is needed with a user token.', code: 'session_required' });
    const { principal, expiresAt } = await this.deps.auth.authenticate(token);
    if (principal.mustChangePassword) throw new ForbiddenError({ message: 'Choose a new password first.', code: 'password_change_required' });
    const session = await this.deps.sessions.loadRecord(sessionId);
    assertOpen(session);
    const sid = session._id.toHexString();
    const p = session.participants.find((q) => q.userId === principal.userId);
    const userId = principal.userId;
    if (p && fitsParticipantRole(p.role as ParticipantRole, principal.role)) return { sessionId: sid, participantId: p.participantId, role: p.role as ParticipantRole, displayName: p.displayName, userId, expiresAt };
    // Operators and admins may open any room to run it, as its courtroom operator.
    if (principal.role === 'operator' || principal.role === 'admin') {
      const user = await this.deps.auth.getUser(userId);
      return { sessionId: sid, participantId: `user-${userId}`, role: 'operator', displayName: user.displayName, userId, expiresAt };
    }
    if (p) throw new ForbiddenError({ message: `Your account can no longer take the ${p.role} role in this session.`, code: 'role_not_permitted' });
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

  async setMeasure(sessionId: string, measure: LiveMeasure, on: boolean, actor: RoomTicket): Promise<SessionView> {
    // Closed session is the operator's switch too; disguising the witness is the court's order.
    if (measure === 'closedSession') assertChair(actor);
    else if (actor.role !== 'judge') throw new ForbiddenError({ message: 'Only the judge can order or lift this measure.', code: 'judge_only' });
    const [action, details] = measure === 'closedSession' ? ['room.closedSession', { closed: on }] : ['room.measure', { measure, on }];
    const event = { actor: participantActor(actor), action, target: `session:${sessionId}`, outcome: 'success' as const, details };
    return toSessionView(await this.deps.sessions.setMeasure(sessionId, measure, on, event));
  }

  async revokeParticipant(sessionId: string, participantId: string, actor: RoomTicket): Promise<void> {
    assertChair(actor);
    // The removal and its event go together (server/audit/intents.ts).
    const event = { actor: participantActor(actor), action: 'room.revokeParticipant', target: `participant:${participantId}`, outcome: 'success', details: { sessionId } } as const;
    const removed = (await this.deps.sessions.removeParticipant(sessionId, participantId, event)) || (await this.deps.invitations.revokeParticipant(sessionId, participantId, event));
    if (!removed) throw new NotFoundError({ message: 'No such participant.' });
  }

  /** Records `event` once: the same call made again (after an outage cut it off) finds it there. */
  async recordAttendance(sessionId: string, participantId: string, event: AttendanceEvent, at: Date): Promise<void> {
    await insertOnce(() => AttendanceModel.create({ sessionId, participantId, event, at }));
  }

  async audit(event: RoomAuditEvent): Promise<void> {
    const id = event.id === undefined ? undefined : new mongoose.Types.ObjectId(event.id);
    await this.deps.audit.append({ actor: participantActor(event.actor), action: event.action, target: event.target, outcome: event.outcome, details: event.details }, id);
  }

  subscribe(listener: (session: SessionView) => void): () => void {
    return this.deps.sessions.subscribe(listener);
  }

  subscribeRevocations(listener: (e: { readonly sessionId: string; readonly participantId: string }) => void): () => void {
    return this.deps.invitations.onRevoked(listener);
  }

  subscribeAccountChanges(listener: (e: { readonly userId: string }) => void): () => void {
    return this.deps.auth.onAccountChanged(listener);
  }
}

/** Builds the port's implementation; its methods are bound, so they can be passed around. */
export function createRoomAccess(deps: RoomAccessDeps): RoomAccess {
  const impl = new SessionRoomAccess(deps);
  return {
    authenticate: (credential) => impl.authenticate(credential),
    getSession: (sessionId) => impl.getSession(sessionId),
    setStatus: (sessionId, status, actor) => impl.setStatus(sessionId, status, actor),
    setMeasure: (sessionId, measure, on, actor) => impl.setMeasure(sessionId, measure, on, actor),
    revokeParticipant: (sessionId, participantId, actor) => impl.revokeParticipant(sessionId, participantId, actor),
    recordAttendance: (sessionId, participantId, event, at) => impl.recordAttendance(sessionId, participantId, event, at),
    audit: (event) => impl.audit(event),
    subscribe: (listener) => impl.subscribe(listener),
    subscribeRevocations: (listener) => impl.subscribeRevocations(listener),
    hearing: deps.hearing,
    subscribeAccountChanges: (listener) => impl.subscribeAccountChanges(listener),
  };
}
