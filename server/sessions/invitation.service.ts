/**
 * Invitations: one-time join links for the witness or an external participant. The token is
 * 256 random bits, returned once inside a link's URL fragment (never sent to a server by the
 * browser, so never in access logs) and stored only as its SHA-256 hash.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { userActor, type AuditInput, type AuditLog, type WriteStamp } from '../audit/index.js';
import { ForbiddenError, InvalidStateError, NotFoundError, UnauthorizedError } from '../../common/errors.js';
import type { Principal } from '../http/access.js';
import type { WitnessService } from '../witnesses/index.js';
import { insertOnce } from '../db/duplicateKey.js';
import { storedId, updateVersioned } from '../db/versioned.js';
import { InvitationClaimModel, InvitationModel, type InvitationDoc, type SessionDoc } from './session.model.js';
import { Listeners } from './listeners.js';
import { INVITATION_ROLES, type InvitationInput, type InvitationState, type InvitationView } from './session.schemas.js';
import { INVITATION_LEAD_MS, Unchanged, unchangedIsFalse, type SessionService } from './session.service.js';

export { INVITATION_LEAD_MS };


/** SHA-256 of a token, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** Where an invitation stands (see `InvitationView.state`). */
function stateOf(i: InvitationDoc, sessionOver: boolean, now: Date): InvitationState {
  if (i.revokedAt) return 'revoked';
  if (i.usedAt) return 'used';
  return sessionOver || now > i.validUntil ? 'expired' : 'issued';
}

function toView(i: InvitationDoc, sessionOver = false, now = new Date()): InvitationView {
  return {
    id: i._id.toHexString(),
    sessionId: i.sessionId,
    role: i.role as InvitationView['role'],
    participantId: i.participantId,
    displayName: i.displayName,
    validFrom: i.validFrom.toISOString(),
    validUntil: i.validUntil.toISOString(),
    used: Boolean(i.usedAt),
    revoked: Boolean(i.revokedAt),
    state: stateOf(i, sessionOver, now),
    language: (i.language ?? 'en') as InvitationView['language'],
  };
}

const isOver = (s: SessionDoc): boolean => s.status === 'ended' || s.status === 'cancelled';

const invalid = (): UnauthorizedError => new UnauthorizedError({ message: 'The invitation is invalid, expired or revoked.', code: 'invalid_invitation' });
const usedElsewhere = (): UnauthorizedError =>
  new UnauthorizedError({ message: 'This invitation link has already been used on another device. Ask the court for a new one.', code: 'invitation_used' });

const INVITATIONS = InvitationModel.collection.collectionName;

/** Thrown inside a recorded write whose first use was won by another device (nothing to record). */
class ClaimLost extends Error {}

/** A device key: random, chosen by the joining browser and kept for its reconnects. */
const DEVICE_KEY = /^[A-Za-z0-9_-]{22,128}$/;

/** Issues, lists, revokes and redeems invitations. */
export class InvitationService {
  readonly #revoked = new Listeners<{ sessionId: string; participantId: string }>();

  constructor(private readonly deps: { readonly sessions: SessionService; readonly witnesses: WitnessService; readonly audit: AuditLog }) {}

  async issue(sessionId: string, input: InvitationInput, actor: Principal): Promise<{ invitation: InvitationView; link: string }> {
    const session = await this.deps.sessions.loadManaged(sessionId, actor);
    if (session.status === 'ended' || session.status === 'cancelled') throw new InvalidStateError({ message: 'The session is over.', code: 'session_over' });
    const displayName = input.role === 'witness' ? ((await this.deps.witnesses.codenames([session.witnessId])).get(session.witnessId) ?? 'Witness') : (input.displayName ?? input.role);
    const token = randomBytes(32).toString('base64url');
    const _id = new mongoose.Types.ObjectId();
    const event = { actor: userActor(actor), action: 'invitation.issue', target: `invitation:${_id.toHexString()}`, outcome: 'success', details: { sessionId, role: input.role } } as const;
    const doc = await this.deps.audit.recorded(event, { collection: INVITATIONS, id: _id, change: 'create' }, () =>
      InvitationModel.create({
        _id,
        sessionId,
        role: input.role,
        participantId: randomUUID(),
        displayName,
        language: input.language ?? 'en',
        tokenHash: hashToken(token),
        validFrom: new Date(session.start.getTime() - INVITATION_LEAD_MS),
        validUntil: session.end,
        createdBy: actor.userId,
      }),
    );
    const invitation = toView(doc as unknown as InvitationDoc);
    // The language and the role ride in the fragment too, so the page speaks the language before
    // anything is loaded and can check the devices of a role that publishes while the room is not
    // open yet (hints only: the server decides everything from the token).
    return { invitation, link: `/join#token=${token}&role=${input.role}${input.language ? `&lang=${input.language}` : ''}` };
  }

  /** The session's invitations with their state, for those who manage the session. */
  async list(sessionId: string, actor: Principal): Promise<{ items: InvitationView[] }> {
    const session = await this.deps.sessions.loadManaged(sessionId, actor);
    const docs = await InvitationModel.find({ sessionId }).sort({ _id: 1 }).lean<InvitationDoc[]>();
    const now = new Date();
    return { items: docs.map((d) => toView(d, isOver(session), now)) };
  }

  async revoke(sessionId: string, invitationId: string, actor: Principal): Promise<void> {
    await this.deps.sessions.loadManaged(sessionId, actor);
    const event = { actor: userActor(actor), action: 'invitation.revoke', target: `invitation:${invitationId}`, outcome: 'success', details: { sessionId } } as const;
    // Versioned: a first use landing at the same moment cannot undo the revocation.
    const doc = await this.deps.audit.recorded(event, { collection: INVITATIONS, id: storedId(invitationId), change: 'update' }, async (stamp) => {
      const r = await updateVersioned<InvitationDoc>(InvitationModel, invitationId, (i) => (i.sessionId === sessionId ? { revokedAt: i.revokedAt ?? new Date() } : null), stamp);
      if (!r.found || !r.changed) throw new NotFoundError({ message: 'No such invitation.' });
      return r.doc;
    });
    // Whoever is in the room on this link leaves it now, not only at their next reconnect.
    this.#revoked.emit({ sessionId, participantId: doc.participantId });
  }

  /** Every invitation of a session ever issued (revoked ones included), oldest first; no access check. */
  async ofSession(sessionId: string): Promise<InvitationView[]> {
    const docs = await InvitationModel.find({ sessionId }).sort({ _id: 1 }).lean<InvitationDoc[]>();
    return docs.map((d) => toView(d));
  }

  /** Calls `listener` after each revocation through the API. */
  onRevoked(listener: (e: { sessionId: string; participantId: string }) => void): () => void {
    return this.#revoked.add(listener);
  }

  /** Revokes the invitation behind a participant id, recording `event` with it; false when there is none to revoke. */
  async revokeParticipant(sessionId: string, participantId: string, event?: AuditInput): Promise<boolean> {
    const doc = await InvitationModel.findOne({ sessionId, participantId }, { _id: 1 }).lean();
    if (!doc) return false;
    const write = async (stamp?: WriteStamp): Promise<void> => {
      const r = await updateVersioned<InvitationDoc>(InvitationModel, doc._id, (i) => (i.revokedAt ? null : { revokedAt: new Date() }), stamp);
      if (!r.found || !r.changed) throw new Unchanged();
    };
    return (event ? this.deps.audit.recorded(event, { collection: INVITATIONS, id: doc._id, change: 'update' }, write) : write()).then(() => true, unchangedIsFalse);
  }

  /**
   * Checks a token and consumes it on first use, binding it to the device key presented then.
   * Later redemptions succeed only from that device (reconnects, page reloads) until the window
   * closes, the session ends or it is revoked: anyone else holding the link is refused. An
   * invitation is not consumed while its room is not open yet (the page waits and retries).
   */
  async redeem(token: string, sessionId: string | undefined, deviceKey: string | undefined, now = new Date()): Promise<{ invitation: InvitationDoc; session: SessionDoc }> {
    if (!/^[A-Za-z0-9_-]{43}$/.test(token)) throw invalid();
    if (!deviceKey || !DEVICE_KEY.test(deviceKey)) throw new UnauthorizedError({ message: 'An invitation must be presented with a device key.', code: 'device_key_required' });
    const doc = await InvitationModel.findOne({ tokenHash: hashToken(token) }).lean<InvitationDoc>();
    // A link can never confer an account holder's role, whenever it was issued.
    if (!doc || !(INVITATION_ROLES as readonly string[]).includes(doc.role)) throw invalid();
    const fail = async (reason: string, err: Error): Promise<never> => {
      await this.deps.audit.append({ actor: { kind: 'participant', id: doc.participantId, role: doc.role }, action: 'invitation.use', target: `invitation:${doc._id.toHexString()}`, outcome: 'failure', details: { reason } });
      throw err;
    };
    if (sessionId !== undefined && sessionId !== doc.sessionId) return fail('wrong_session', new ForbiddenError({ message: 'The invitation is for another session.' }));
    if (doc.revokedAt) return fail('revoked', invalid());
    if (now > doc.validUntil) return fail('expired', invalid());
    if (now < doc.validFrom) return fail('too_early', new InvalidStateError({ message: 'The invitation is not valid yet.', code: 'invitation_not_yet_valid' }));
    const session = await this.deps.sessions.loadRecord(doc.sessionId);
    if (session.status === 'ended' || session.status === 'cancelled') return fail('session_over', new InvalidStateError({ message: 'The session is over.', code: 'session_over' }));
    const device = hashToken(deviceKey);
    const invitationId = doc._id.toHexString();
    if (!doc.usedAt) {
      // Waiting for the court to open the room does not use the link up.
      if (session.status === 'scheduled') throw new InvalidStateError({ message: 'The room is not open yet: it opens when the court opens the lobby.', code: 'room_not_open' });
      const claimId = new mongoose.Types.ObjectId();
      const event = { actor: { kind: 'participant', id: doc.participantId, role: doc.role }, action: 'invitation.use', target: `invitation:${invitationId}`, outcome: 'success', details: { sessionId: doc.sessionId } } as const;
      // The claim (one per invitation: of racing devices one wins) is the record the event accounts for.
      const won = await this.deps.audit
        .recorded(event, { collection: InvitationClaimModel.collection.collectionName, id: claimId, change: 'create' }, async () => {
          if (!(await insertOnce(() => InvitationClaimModel.create({ _id: claimId, invitationId, deviceHash: device, at: now })))) throw new ClaimLost();
          await updateVersioned<InvitationDoc>(InvitationModel, doc._id, (i) => (i.usedAt ? null : { usedAt: now }));
        })
        .then(
          () => true,
          (err: unknown) => {
            if (err instanceof ClaimLost) return false;
            throw err;
          },
        );
      if (won) return this.#unlessRevokedMeanwhile(doc, session, fail);
    }
    // Used before (or just now, by a concurrent first use): only the device that used it may return.
    const claim = await InvitationClaimModel.findOne({ invitationId }).lean();
    if (claim?.deviceHash !== device) return fail('used_elsewhere', usedElsewhere());
    return this.#unlessRevokedMeanwhile(doc, session, fail);
  }

  /**
   * The invitation was read before its claim: a revocation that landed since (its listeners then
   * found nobody in the room to put out) must still refuse this use.
   */
  async #unlessRevokedMeanwhile<S>(doc: InvitationDoc, session: S, fail: (reason: string, err: Error) => Promise<never>): Promise<{ invitation: InvitationDoc; session: S }> {
    const now = await InvitationModel.findById(doc._id, { revokedAt: 1 }).lean<{ revokedAt?: Date | null }>();
    if (now?.revokedAt) return fail('revoked', invalid());
    return { invitation: doc, session };
  }
}
