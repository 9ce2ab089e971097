/**
 * What signalling needs from the records domains (sessions, invitations, auth, audit), as one
 * small interface. The sessions domain implements it (`server/sessions/roomAccess.ts`); the
 * signalling layer and its tests depend only on this file.
 */

/** Roles a participant can hold in a live testimony session. */
export const PARTICIPANT_ROLES = [
  'judge',
  'prosecutor',
  'defence',
  'accused',
  'witness',
  'interpreter',
  'support',
  'operator',
  'public',
] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/** Protective measures a court can order. */
export const PROTECTIVE_MEASURES = ['pseudonym', 'faceMask', 'voiceMask', 'closedSession', 'noRecording'] as const;
export type ProtectiveMeasure = (typeof PROTECTIVE_MEASURES)[number];

/** Session lifecycle. */
export const SESSION_STATUSES = ['scheduled', 'lobby', 'live', 'ended', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Who a socket is, once its handshake credential has been resolved. */
export interface RoomTicket {
  readonly sessionId: string;
  /** Stable id of the participant within the session (same across reconnects). */
  readonly participantId: string;
  readonly role: ParticipantRole;
  /** What others see: the codename for the witness, a role label or user display name otherwise. */
  readonly displayName: string;
  /** Set when the credential was a user JWT. */
  readonly userId?: string;
  /** Set when the credential was an invitation token. */
  readonly invitationId?: string;
}

/** The parts of a testimony session that the room needs. */
export interface SessionView {
  readonly id: string;
  readonly status: SessionStatus;
  readonly measures: readonly ProtectiveMeasure[];
  readonly windowStart: Date;
  readonly windowEnd: Date;
}

/** Attendance events recorded for the minutes. */
export type AttendanceEvent = 'join' | 'admit' | 'deny' | 'leave' | 'remove';

/** One audited action taken in a room. */
export interface RoomAuditEvent {
  readonly actor: RoomTicket;
  /** e.g. `room.admit`, `room.pauseProducer`, `room.closedSession`, `room.end`. */
  readonly action: string;
  /** e.g. `session:<id>` or `participant:<id>`. */
  readonly target: string;
  readonly outcome: 'success' | 'failure';
  /** Never protected identity. */
  readonly details?: Record<string, unknown>;
}

/** Port implemented by the sessions domain. Errors are the typed errors of `server/errors.ts`. */
export interface RoomAccess {
  /**
   * Resolves a handshake credential — a user JWT (then `sessionId` says which session) or an
   * invitation token (bound to its session) — to a ticket. Refuses (UnauthorizedError /
   * ForbiddenError / InvalidStateError) an invalid, expired, revoked or wrong-session credential,
   * a user who is not a participant, and a witness outside the session window or after it ended.
   * Invitations are single use: the first successful handshake once the room is open consumes
   * the invitation and binds it to the `deviceKey` presented with it (a random key the joining
   * browser keeps); later handshakes with the same token succeed only with that device key
   * (reconnects, reloads) while the session is not over. Anyone else holding the link is refused.
   */
  authenticate(credential: { readonly token: string; readonly sessionId?: string; readonly deviceKey?: string }): Promise<RoomTicket>;
  getSession(sessionId: string): Promise<SessionView>;
  /** Moves `lobby → live` or `live → ended` (409 on an invalid transition). */
  setStatus(sessionId: string, status: 'live' | 'ended', actor: RoomTicket): Promise<SessionView>;
  /** Turns the closedSession measure on or off. */
  setClosedSession(sessionId: string, closed: boolean, actor: RoomTicket): Promise<SessionView>;
  /** Removes a participant: their invitation or participation stops working. */
  revokeParticipant(sessionId: string, participantId: string, actor: RoomTicket): Promise<void>;
  recordAttendance(sessionId: string, participantId: string, event: AttendanceEvent, at: Date): Promise<void>;
  audit(event: RoomAuditEvent): Promise<void>;
  /** Calls `listener` whenever a session's status or measures change (from HTTP or a room). */
  subscribe(listener: (session: SessionView) => void): () => void;
  /** Calls `listener` when an invitation is revoked over HTTP: its holder must leave the room. */
  subscribeRevocations(listener: (e: { readonly sessionId: string; readonly participantId: string }) => void): () => void;
}
