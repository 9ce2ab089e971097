/**
 * What signalling needs from the records domains (sessions, invitations, auth, audit), as one
 * small interface. The sessions domain implements it (`server/sessions/roomAccess.ts`); the
 * signalling layer and its tests depend only on this file.
 */
import type { IdentityDocumentType, InterpretationMode, LiveMeasure, OathKind, ParticipantRole, ProtectiveMeasure, SessionStatus } from '../../common/vocabulary.js';

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
  /** With a user JWT: when it expires (ms since the epoch); the socket is cut then (`token_expired`). */
  readonly expiresAt?: number;
}

/** The parts of a testimony session that the room needs. */
export interface SessionView {
  readonly id: string;
  readonly status: SessionStatus;
  readonly measures: readonly ProtectiveMeasure[];
  readonly windowStart: Date;
  readonly windowEnd: Date;
  /**
   * True while the requested state's authority has suspended the hearing (MLA hearings): the
   * court must then receive none of the witness side's media until the authority resumes it.
   * Stored with the session, so a rebuilt room or a second instance sees it too.
   */
  readonly suspended: boolean;
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
  /** The event's id (24 hex digits), when it has one: written twice, it is appended once. */
  readonly id?: string;
}

/** Port implemented by the sessions domain. Errors are the typed errors of `common/errors.ts`. */
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
  /**
   * Turns a measure on or off while the room is open: `closedSession` by the operator or the
   * judge, `faceMask` and `voiceMask` by the judge only (ForbiddenError otherwise). Audited.
   */
  setMeasure(sessionId: string, measure: LiveMeasure, on: boolean, actor: RoomTicket): Promise<SessionView>;
  /** Removes a participant: their invitation or participation stops working. */
  revokeParticipant(sessionId: string, participantId: string, actor: RoomTicket): Promise<void>;
  recordAttendance(sessionId: string, participantId: string, event: AttendanceEvent, at: Date): Promise<void>;
  audit(event: RoomAuditEvent): Promise<void>;
  /** Calls `listener` whenever a session's status or measures change (from HTTP or a room). */
  subscribe(listener: (session: SessionView) => void): () => void;
  /** Calls `listener` when an invitation is revoked over HTTP: its holder must leave the room. */
  subscribeRevocations(listener: (e: { readonly sessionId: string; readonly participantId: string }) => void): () => void;
  /**
   * Calls `listener` when an account is deactivated, changes role or password (here or on another
   * instance, within about half a second): every earlier token of it has ended, and every socket
   * whose `ticket.userId` it is must be cut.
   */
  subscribeAccountChanges(listener: (e: { readonly userId: string }) => void): () => void;
  /** The hearing's records (identity check, oath, suspensions, interpretation), for its room requests. */
  readonly hearing: HearingAccess;
}

/** How the requested authority checked the witness's identity (never the identity itself). */
export interface IdentityCheckInput {
  readonly documentType: IdentityDocumentType;
  readonly matched: boolean;
  /** How it was checked, in a sentence; never a name, number or address. */
  readonly note: string;
}

/**
 * Where the pre-live identity gate stands, as the court room may see it: never the document type,
 * the note or any identity value. `notRequired`: the session has no requested authority.
 */
export type IdentityGate = 'pending' | 'confirmed' | 'notConfirmed' | 'overridden' | 'notRequired';

/**
 * How interpretation runs in a session: the data the media layer needs to route the interpreter's
 * channel. `consecutive`: the interpreter speaks on the floor after the speaker; `simultaneous`:
 * the interpreter's own channel goes to those who choose interpretation, the floor ducked.
 */
export interface InterpretationPlan {
  /** ISO 639 code of the language the witness speaks, e.g. `ro`. */
  readonly witnessLanguage: string;
  /** ISO 639 code of the court's language, e.g. `mk`. */
  readonly courtLanguage: string;
  readonly mode: InterpretationMode;
  /** Participant ids of the interpreters (their channel is the interpretation). */
  readonly interpreterParticipantIds: readonly string[];
}

/** The hearing's state as a room shows it. */
export interface HearingState {
  /** Present for the judge, the operator and the requested authority only. */
  readonly identityCheck?: IdentityGate;
  /** When the judge recorded the rights notice and the oath or declaration; null before. */
  readonly oath: { readonly kind: OathKind; readonly at: string } | null;
  /** Why and since when the requested authority suspended the hearing; null when not suspended. */
  readonly suspension: { readonly reason: string; readonly since: string } | null;
  readonly interpretation: InterpretationPlan | null;
}

/**
 * One participant's network figures over a whole session, recorded once by the media layer when
 * the room closes (or a participant leaves for good) and read by the minutes' technical
 * conditions. Averages over the samples taken while connected.
 */
export interface TelemetrySummary {
  readonly participantId: string;
  /** Number of one-second samples the figures cover. */
  readonly samples: number;
  readonly bitrateInKbps: { readonly avg: number; readonly max: number };
  readonly bitrateOutKbps: { readonly avg: number; readonly max: number };
  /** Packet loss in percent (0–100). */
  readonly lossPercent: { readonly avg: number; readonly max: number };
  /** Round-trip time in ms; null when never measured. */
  readonly rttMs: { readonly avg: number; readonly max: number } | null;
}

/**
 * Port implemented by the hearing domain (`server/hearing/`). Every call checks the ticket's role
 * and the session's state itself and records who did it and when (audited); errors are the typed
 * errors of `common/errors.ts`.
 */
export interface HearingAccess {
  /** The state for `viewer` (the identity gate only for the judge, operator and authority). */
  state(sessionId: string, viewer: RoomTicket): Promise<HearingState>;
  /** The requested authority records the identity check, once per session (409 after). */
  recordIdentityCheck(sessionId: string, input: IdentityCheckInput, actor: RoomTicket): Promise<void>;
  /** The judge lets the hearing go live without a confirmed identity check (audited with the reason). */
  overrideIdentityCheck(sessionId: string, reason: string, actor: RoomTicket): Promise<void>;
  /** The judge records the rights notice and the oath or declaration, once per session. */
  recordOath(sessionId: string, kind: OathKind, actor: RoomTicket): Promise<void>;
  /** The requested authority suspends the live hearing; the session view then says `suspended`. */
  suspend(sessionId: string, reason: string, actor: RoomTicket): Promise<SessionView>;
  /** The requested authority resumes it. */
  resume(sessionId: string, actor: RoomTicket): Promise<SessionView>;
  /** Stores one participant's telemetry summary for the minutes (the latest per participant counts). */
  recordTelemetrySummary(sessionId: string, summary: TelemetrySummary): Promise<void>;
  /** Calls `listener` with the session id after any hearing record changed (from a room or HTTP). */
  subscribe(listener: (sessionId: string) => void): () => void;
}
