/**
 * Invitations: one-time join links for the witness or an external participant. The token is
 * 256 random bits, returned once inside a link's URL fragment (never sent to a server by the
 * browser, so never in access logs) and stored only as its SHA-256 hash.
 */
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { userActor, type AuditLog } from '../audit/index.js';
import { ForbiddenError, InvalidStateError, NotFoundError, UnauthorizedError } from '../errors.js';
import type { Principal } from '../http/access.js';
import type { WitnessService } from '../witnesses/index.js';
import { insertOnce } from '../db/duplicateKey.js';
import { InvitationClaimModel, InvitationModel, type InvitationDoc, type SessionDoc } from './session.model.js';
import { Listeners } from './listeners.js';
import { INVITATION_ROLES, type InvitationInput, type InvitationView } from './session.schemas.js';
import { INVITATION_LEAD_MS, type SessionService } from './session.service.js';

export { INVITATION_LEAD_MS };


/** SHA-256 of a token, hex. */
export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function toView(i: InvitationDoc): InvitationView {
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
  };
}

const invalid = (): UnauthorizedError => new UnauthorizedError({ message: 'The invitation is invalid, expired or revoked.', code: 'invalid_invitation' });
const usedElsewhere = (): UnauthorizedError =>
  new UnauthorizedError({ message: 'This invitation link has already been used on another device. Ask the court for a new one.', code: 'invitation_used' });

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
    const doc = await InvitationModel.create({
      sessionId,
      role: input.role,
      participantId: randomUUID(),
      displayName,
      tokenHash: hashToken(token),
      validFrom: new Date(session.start.getTime() - INVITATION_LEAD_MS),
      validUntil: session.end,
      createdBy: actor.userId,
    });
    const invitation = toView(doc as unknown as InvitationDoc);
    await this.deps.audit.append({ actor: userActor(actor), action: 'invitation.issue', target: `invitation:${invitation.id}`, outcome: 'success', details: { sessionId, role: input.role } });
    return { invitation, link: `/join#token=${token}` };
  }

  async list(sessionId: string, actor: Principal): Promise<{ items: InvitationView[] }> {
    await this.deps.sessions.loadManaged(sessionId, actor);
    const docs = await InvitationModel.find({ sessionId }).sort({ _id: 1 }).lean<InvitationDoc[]>();
    return { items: docs.map(toView) };
  }

  async revoke(sessionId: string, invitationId: string, actor: Principal): Promise<void> {
    await this.deps.sessions.loadManaged(sessionId, actor);
    const doc = await InvitationModel.findOneAndUpdate({ _id: new mongoose.Types.ObjectId(invitationId), sessionId }, { $set: { revokedAt: new Date() } }, { new: true }).lean<InvitationDoc>();
    if (!doc) throw new NotFoundError({ message: 'No such invitation.' });
    await this.deps.audit.append({ actor: userActor(actor), action: 'invitation.revoke', target: `invitation:${invitationId}`, outcome: 'success', details: { sessionId } });
    // Whoever is in the room on this link leaves it now, not only at their next reconnect.
    this.#revoked.emit({ sessionId, participantId: doc.participantId });
  }

  /** Calls `listener` after each revocation through the API. */
  onRevoked(listener: (e: { sessionId: string; participantId: string }) => void): () => void {
    return this.#revoked.add(listener);
  }

  /** Revokes the invitation behind a participant id; false when there is none. */
  async revokeParticipant(sessionId: string, participantId: string): Promise<boolean> {
    const res = await InvitationModel.updateOne({ sessionId, participantId, revokedAt: null }, { $set: { revokedAt: new Date() } });
    return res.modifiedCount > 0;
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
      if (await insertOnce(() => InvitationClaimModel.create({ invitationId, deviceHash: device, at: now }))) {
        await InvitationModel.updateOne({ _id: doc._id }, { $set: { usedAt: now } });
        await this.deps.audit.append({ actor: { kind: 'participant', id: doc.participantId, role: doc.role }, action: 'invitation.use', target: `invitation:${invitationId}`, outcome: 'success', details: { sessionId: doc.sessionId } });
        return { invitation: doc, session };
      }
    }
    // Used before (or just now, by a concurrent first use): only the device that used it may return.
    const claim = await InvitationClaimModel.findOne({ invitationId }).lean();
    if (claim?.deviceHash !== device) return fail('used_elsewhere', usedElsewhere());
    return { invitation: doc, session };
  }
}
