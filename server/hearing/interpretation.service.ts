/**
 * Interpretation as records: the languages of the witness and the court, the mode and who
 * interprets. Routing the interpreter's channel is the media layer's; it reads this plan.
 */
import mongoose from 'mongoose';
import { userActor, type AuditLog } from '../audit/index.js';
import { InvalidStateError, ValidationError } from '../../common/errors.js';
import { updateVersioned } from '../db/versioned.js';
import type { Principal } from '../http/access.js';
import { Listeners, type InvitationService, type SessionService } from '../sessions/index.js';
import type { InterpretationMode } from '../../common/vocabulary.js';
import type { InterpretationPlan } from '../signaling/ports.js';
import { InterpretationModel, type InterpretationDoc } from './hearing.model.js';
import type { InterpretationInput, InterpretationView } from './hearing.schemas.js';

function toPlan(d: InterpretationDoc): InterpretationPlan {
  return { witnessLanguage: d.witnessLanguage, courtLanguage: d.courtLanguage, mode: d.mode as InterpretationMode, interpreterParticipantIds: [...d.interpreterParticipantIds] };
}

/** Reads and sets a session's interpretation plan. */
export class InterpretationService {
  readonly #changed = new Listeners<string>();

  constructor(private readonly deps: { readonly sessions: SessionService; readonly invitations: InvitationService; readonly audit: AuditLog }) {}

  /** The plan, or null when none was recorded. */
  async plan(sessionId: string): Promise<InterpretationPlan | null> {
    const doc = await InterpretationModel.findOne({ sessionId }).lean<InterpretationDoc>();
    return doc ? toPlan(doc) : null;
  }

  /** For anyone who may see the session (404 otherwise). */
  async get(sessionId: string, actor: Principal): Promise<InterpretationView> {
    await this.deps.sessions.get(sessionId, actor);
    return { interpretation: await this.plan(sessionId) };
  }

  /** Sets the plan; only those who manage the session, before it is over; interpreters must be the session's. */
  async set(sessionId: string, input: InterpretationInput, actor: Principal): Promise<InterpretationView> {
    const session = await this.deps.sessions.loadManaged(sessionId, actor);
    if (session.status === 'ended' || session.status === 'cancelled') throw new InvalidStateError({ message: 'The session is over.', code: 'session_over' });
    const interpreters = new Set([
      ...session.participants.filter((p) => p.role === 'interpreter').map((p) => p.participantId),
      ...(await this.deps.invitations.ofSession(sessionId)).filter((i) => i.role === 'interpreter' && !i.revoked).map((i) => i.participantId),
    ]);
    const details = input.interpreterParticipantIds.flatMap((id, i) => (interpreters.has(id) ? [] : [{ path: `body.interpreterParticipantIds.${i}`, message: 'must be an interpreter of this session' }]));
    if (details.length > 0) throw new ValidationError({ message: 'The request is not valid.', details });
    const doc = { sessionId, ...input, interpreterParticipantIds: [...new Set(input.interpreterParticipantIds)], updatedBy: actor.userId, updatedAt: new Date() };
    const event = { actor: userActor(actor), action: 'hearing.interpretation', target: `session:${sessionId}`, outcome: 'success', details: { witnessLanguage: input.witnessLanguage, courtLanguage: input.courtLanguage, mode: input.mode } } as const;
    await this.#store(sessionId, doc, event);
    this.#changed.emit(sessionId);
    return { interpretation: await this.plan(sessionId) };
  }

  /**
   * Stores the plan with its audit event: the first plan inserted once (the unique index on the
   * session picks one of two racing first writes), later ones a versioned replacement.
   */
  async #store(sessionId: string, doc: Record<string, unknown>, event: Parameters<AuditLog['recorded']>[0]): Promise<void> {
    const existing = await InterpretationModel.findOne({ sessionId }, { _id: 1 }).lean();
    if (!existing && (await this.deps.audit.recordedInsert(event, InterpretationModel, { ...doc, _id: new mongoose.Types.ObjectId() }))) return;
    const current = existing ?? (await InterpretationModel.findOne({ sessionId }, { _id: 1 }).lean());
    if (!current) throw new Error('setInterpretation() the plan disappeared meanwhile');
    await this.deps.audit.recorded(event, { collection: InterpretationModel.collection.collectionName, id: current._id, change: 'update' }, (stamp) => updateVersioned(InterpretationModel, current._id, () => doc, stamp));
  }

  /** Calls `listener` with the session id after each change. */
  onChange(listener: (sessionId: string) => void): () => void {
    return this.#changed.add(listener);
  }
}
