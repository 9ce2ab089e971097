/**
 * The cross-border hearing's rules (MLA practice): the requested authority's identity check gates
 * going live (the judge may override), the judge records the oath, the authority suspends and
 * resumes. Every record says who and when, and is audited; the suspension is published through
 * the sessions domain so that rooms react.
 */
import mongoose from 'mongoose';
import type { AuditLog } from '../audit/index.js';
import { ConflictError, ForbiddenError, InvalidStateError } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import { Listeners, toSessionView, type InvitationService, type SessionDoc as SessionRecord, type SessionService } from '../sessions/index.js';
import type { ParticipantRole, OathKind } from '../../common/vocabulary.js';
import type { HearingAccess, HearingState, IdentityCheckInput, IdentityGate, RoomTicket, SessionView, TelemetrySummary } from '../signaling/ports.js';
import { IdentityCheckModel, IdentityOverrideModel, OathModel, SuspensionStepModel, TelemetrySummaryModel, type SuspensionStepDoc } from './hearing.model.js';
import type { InterpretationService } from './interpretation.service.js';

/** Roles that see where the identity gate stands (never its details). */
const SEES_IDENTITY_GATE: readonly ParticipantRole[] = ['judge', 'operator', 'authority'];

/** Who did it, for a record: the ticket's role and label, never an address. */
function byOf(t: RoomTicket) {
  return { participantId: t.participantId, role: t.role, displayName: t.displayName, ...(t.userId ? { userId: t.userId } : {}) };
}

function participantActor(t: RoomTicket) {
  return { kind: 'participant' as const, id: t.userId ?? t.participantId, role: t.role, label: t.displayName };
}

function requireRole(t: RoomTicket, role: ParticipantRole, what: string): void {
  if (t.role !== role) throw new ForbiddenError({ message: `Only the ${role === 'authority' ? 'requested authority' : role} can ${what}.`, code: role === 'authority' ? 'authority_only' : 'judge_only' });
}

/** 409 `session_over` after the end, `code` in any other status than `allowed`. */
function requireStatus(s: SessionRecord, allowed: readonly string[], code: string): void {
  if (s.status === 'ended' || s.status === 'cancelled') throw new InvalidStateError({ message: 'The session is over.', code: 'session_over' });
  if (!allowed.includes(s.status)) throw new InvalidStateError({ message: `This cannot be done while the session is ${s.status}.`, code });
}

/** The hearing records' rules; implements the `HearingAccess` port. */
export class HearingService implements HearingAccess {
  readonly #changed = new Listeners<string>();
  /** Publications of the suspension, one at a time per process so they land in step order. */
  #publishing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly deps: {
      readonly sessions: SessionService;
      readonly invitations: InvitationService;
      readonly interpretation: InterpretationService;
      readonly audit: AuditLog;
      readonly logger: Logger;
    },
  ) {
    deps.sessions.gateLive((s) => this.assertMayGoLive(s));
    deps.interpretation.onChange((sessionId) => this.#changed.emit(sessionId));
  }

  /** Calls `listener` with the session id after any hearing record of that session changed. */
  subscribe(listener: (sessionId: string) => void): () => void {
    return this.#changed.add(listener);
  }

  /** Whether the session has a requested authority: a participant or any authority link ever issued. */
  async #requiresCheck(s: SessionRecord): Promise<boolean> {
    if (s.participants.some((p) => p.role === 'authority')) return true;
    // A revoked link still counts: revoking the authority's link must not lift the gate.
    return (await this.deps.invitations.ofSession(s._id.toHexString())).some((i) => i.role === 'authority');
  }

  /** Where the identity gate stands. */
  async identityGate(s: SessionRecord): Promise<IdentityGate> {
    const sessionId = s._id.toHexString();
    if (!(await this.#requiresCheck(s))) return 'notRequired';
    const [check, override] = await Promise.all([IdentityCheckModel.findOne({ sessionId }).lean(), IdentityOverrideModel.findOne({ sessionId }).lean()]);
    if (check?.matched) return 'confirmed';
    if (override) return 'overridden';
    return check ? 'notConfirmed' : 'pending';
  }

  /** The sessions domain's live gate: 409 until the identity is confirmed or the judge overrode. */
  async assertMayGoLive(s: SessionRecord): Promise<void> {
    const gate = await this.identityGate(s);
    if (gate === 'pending') throw new InvalidStateError({ message: 'The requested authority has not recorded the identity check yet.', code: 'identity_check_pending' });
    if (gate === 'notConfirmed') throw new InvalidStateError({ message: 'The requested authority did not confirm the identity; the judge may override.', code: 'identity_not_confirmed' });
  }

  async state(sessionId: string, viewer: RoomTicket): Promise<HearingState> {
    const s = await this.deps.sessions.loadRecord(sessionId);
    const [oath, last, interpretation] = await Promise.all([OathModel.findOne({ sessionId }).lean(), this.#lastStep(sessionId), this.deps.interpretation.plan(sessionId)]);
    const state: HearingState = {
      oath: oath ? { kind: oath.kind as OathKind, at: oath.at.toISOString() } : null,
      suspension: last?.action === 'suspend' && s.status === 'live' ? { reason: last.reason ?? '', since: last.at.toISOString() } : null,
      interpretation,
    };
    return SEES_IDENTITY_GATE.includes(viewer.role) ? { identityCheck: await this.identityGate(s), ...state } : state;
  }

  async recordIdentityCheck(sessionId: string, input: IdentityCheckInput, actor: RoomTicket): Promise<void> {
    requireRole(actor, 'authority', 'record the identity check');
    requireStatus(await this.deps.sessions.loadRecord(sessionId), ['lobby', 'live'], 'room_not_open');
    const at = new Date();
    // The note stays out of the audit chain: it is for the minutes only.
    const won = await this.#record(actor, 'hearing.identityCheck', sessionId, { documentType: input.documentType, matched: input.matched }, IdentityCheckModel, {
      sessionId,
      documentType: input.documentType,
      matched: input.matched,
      note: input.note,
      by: byOf(actor),
      at,
    });
    if (!won) throw new ConflictError({ message: 'The identity check of this session is already recorded.', code: 'identity_check_recorded' });
    this.#changed.emit(sessionId);
  }

  async overrideIdentityCheck(sessionId: string, reason: string, actor: RoomTicket): Promise<void> {
    requireRole(actor, 'judge', 'override the identity check');
    const s = await this.deps.sessions.loadRecord(sessionId);
    requireStatus(s, ['lobby'], 'hearing_live');
    const gate = await this.identityGate(s);
    if (gate === 'confirmed' || gate === 'notRequired') throw new ConflictError({ message: 'Nothing to override: the hearing may go live.', code: 'override_not_needed' });
    const won = await this.#record(actor, 'hearing.identityOverride', sessionId, { reason, gate }, IdentityOverrideModel, { sessionId, reason, by: byOf(actor), at: new Date() });
    if (!won) throw new ConflictError({ message: 'The identity check was already overridden.', code: 'identity_check_overridden' });
    this.#changed.emit(sessionId);
  }

  async recordOath(sessionId: string, kind: OathKind, actor: RoomTicket): Promise<void> {
    requireRole(actor, 'judge', 'record the oath');
    requireStatus(await this.deps.sessions.loadRecord(sessionId), ['lobby', 'live'], 'room_not_open');
    const won = await this.#record(actor, 'hearing.oath', sessionId, { kind, rightsInformed: true }, OathModel, { sessionId, kind, rightsInformed: true, by: byOf(actor), at: new Date() });
    if (!won) throw new ConflictError({ message: 'The oath of this session is already recorded.', code: 'oath_recorded' });
    this.#changed.emit(sessionId);
  }

  suspend(sessionId: string, reason: string, actor: RoomTicket): Promise<SessionView> {
    return this.#step(sessionId, 'suspend', reason, actor);
  }

  resume(sessionId: string, actor: RoomTicket): Promise<SessionView> {
    return this.#step(sessionId, 'resume', null, actor);
  }

  async #lastStep(sessionId: string): Promise<SuspensionStepDoc | null> {
    return SuspensionStepModel.findOne({ sessionId }).sort({ step: -1 }).lean<SuspensionStepDoc>();
  }

  /** Every suspension and resumption of a session, in order (for the minutes). */
  async steps(sessionId: string): Promise<SuspensionStepDoc[]> {
    return SuspensionStepModel.find({ sessionId }).sort({ step: 1 }).lean<SuspensionStepDoc[]>();
  }

  async #step(sessionId: string, action: 'suspend' | 'resume', reason: string | null, actor: RoomTicket): Promise<SessionView> {
    requireRole(actor, 'authority', `${action} the hearing`);
    requireStatus(await this.deps.sessions.loadRecord(sessionId), ['live'], 'hearing_not_live');
    const last = await this.#lastStep(sessionId);
    const suspended = last?.action === 'suspend';
    const refused = () =>
      action === 'suspend'
        ? new ConflictError({ message: 'The hearing is already suspended.', code: 'hearing_suspended' })
        : new ConflictError({ message: 'The hearing is not suspended.', code: 'hearing_not_suspended' });
    if (suspended === (action === 'suspend')) throw refused();
    const step = (last?.step ?? 0) + 1;
    // Of two racing calls that read the same last step, the unique index lets one insert win.
    const details = reason === null ? { step } : { step, reason };
    if (!(await this.#record(actor, `hearing.${action}`, sessionId, details, SuspensionStepModel, { sessionId, step, action, reason, by: byOf(actor), at: new Date() }))) throw refused();
    const view = await this.#publish(sessionId);
    this.#changed.emit(sessionId);
    return view;
  }

  /** Writes the published flag from the latest step (not from this call's): the records decide. */
  #publish(sessionId: string): Promise<SessionView> {
    const run = this.#publishing.then(async () => {
      const last = await this.#lastStep(sessionId);
      return toSessionView(await this.deps.sessions.setSuspended(sessionId, last?.action === 'suspend'));
    });
    this.#publishing = run.catch(() => undefined);
    return run;
  }

  async recordTelemetrySummary(sessionId: string, summary: TelemetrySummary): Promise<void> {
    // One record per participant, replaced by each later summary (they add up from the start).
    await TelemetrySummaryModel.updateOne({ sessionId, participantId: summary.participantId }, { $set: { ...summary, at: new Date() } }, { upsert: true });
  }

  /**
   * Inserts a hearing record once per its unique index, with its audit event (`recordedInsert()`:
   * the record and its event go together); false when one was there already.
   */
  #record(actor: RoomTicket, action: string, sessionId: string, details: Record<string, unknown>, model: Parameters<AuditLog['recordedInsert']>[1], fields: Record<string, unknown>): Promise<boolean> {
    const event = { actor: participantActor(actor), action, target: `session:${sessionId}`, outcome: 'success' as const, details };
    return this.deps.audit.recordedInsert(event, model, { ...fields, _id: new mongoose.Types.ObjectId() });
  }
}
