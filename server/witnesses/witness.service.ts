/** Witness records: codenames for everyone with access, the sealed identity for need-to-know. */
import mongoose from 'mongoose';
import { userActor, type AuditLog } from '../audit/index.js';
import { ConflictError, NotFoundError } from '../errors.js';
import type { Principal } from '../http/access.js';
import type { IdentityCipher } from './identityCipher.js';
import { WitnessModel, type WitnessDoc } from './witness.model.js';
import type { CreateWitnessInput, Identity, UpdateWitnessInput, WitnessListQuery, WitnessView } from './witness.schemas.js';
import { isDuplicateKey } from '../db/duplicateKey.js';

function toView(w: WitnessDoc): WitnessView {
  return {
    id: w._id.toHexString(),
    codename: w.codename,
    countryOfOrigin: w.countryOfOrigin,
    languages: [...w.languages],
    protectionStatus: w.protectionStatus,
    riskLevel: w.riskLevel,
    handlerId: w.handlerId ?? null,
    archived: w.archived,
  };
}


const codenameTaken = (): ConflictError => new ConflictError({ message: 'That codename is already in use.', code: 'codename_taken' });
const PUBLIC_FIELDS = { identity: 0 } as const;

/** The witness domain's rules. */
export class WitnessService {
  constructor(
    private readonly cipher: IdentityCipher,
    private readonly audit: AuditLog,
  ) {}

  async create(input: CreateWitnessInput, actor: Principal): Promise<WitnessView> {
    const _id = new mongoose.Types.ObjectId();
    const { identity, ...rest } = input;
    try {
      const doc = await WitnessModel.create({ ...rest, _id, identity: this.cipher.seal(identity, _id.toHexString()), archived: false });
      await this.audit.append({ actor: userActor(actor), action: 'witness.create', target: `witness:${_id.toHexString()}`, outcome: 'success', details: { codename: doc.codename } });
      return toView(doc);
    } catch (err) {
      if (isDuplicateKey(err)) throw codenameTaken();
      throw err;
    }
  }

  async list(q: WitnessListQuery): Promise<{ items: WitnessView[]; nextAfter: string | null }> {
    const filter: Record<string, unknown> = { archived: q.archived === 'true' };
    if (q.country) filter.countryOfOrigin = q.country;
    if (q.status) filter.protectionStatus = q.status;
    if (q.codename) filter.codename = q.codename;
    if (q.after) filter._id = { $gt: new mongoose.Types.ObjectId(q.after) };
    const docs = await WitnessModel.find(filter, PUBLIC_FIELDS).sort({ _id: 1 }).limit(q.limit).lean<WitnessDoc[]>();
    const items = docs.map(toView);
    return { items, nextAfter: items.length === q.limit ? (items.at(-1)?.id ?? null) : null };
  }

  async get(id: string): Promise<WitnessView> {
    const doc = await WitnessModel.findById(id, PUBLIC_FIELDS).lean<WitnessDoc>();
    if (!doc) throw new NotFoundError({ message: 'No such witness.' });
    return toView(doc);
  }

  /** Codenames by id (for sessions and invitations); unknown ids are absent. */
  async codenames(ids: readonly string[]): Promise<Map<string, string>> {
    const docs = await WitnessModel.find({ _id: { $in: [...new Set(ids)] } }, { codename: 1 }).lean<WitnessDoc[]>();
    return new Map(docs.map((d) => [d._id.toHexString(), d.codename]));
  }

  async update(id: string, input: UpdateWitnessInput, actor: Principal): Promise<WitnessView> {
    const { identity, ...rest } = input;
    const set: Record<string, unknown> = { ...rest };
    if (identity) set.identity = this.cipher.seal(identity, id);
    try {
      const doc = await WitnessModel.findByIdAndUpdate(id, { $set: set }, { new: true }).lean<WitnessDoc>();
      if (!doc) throw new NotFoundError({ message: 'No such witness.' });
      await this.audit.append({ actor: userActor(actor), action: 'witness.update', target: `witness:${id}`, outcome: 'success', details: { changed: Object.keys(set) } });
      return toView(doc);
    } catch (err) {
      if (isDuplicateKey(err)) throw codenameTaken();
      throw err;
    }
  }

  /** Archives (never deletes: sessions and reports keep referring to the witness). */
  async archive(id: string, actor: Principal): Promise<void> {
    const doc = await WitnessModel.findByIdAndUpdate(id, { $set: { archived: true } }, { new: true }).lean<WitnessDoc>();
    if (!doc) throw new NotFoundError({ message: 'No such witness.' });
    await this.audit.append({ actor: userActor(actor), action: 'witness.archive', target: `witness:${id}`, outcome: 'success' });
  }

  /** Decrypts the identity for need-to-know roles; every read (and failed read) is audited. */
  async readIdentity(id: string, actor: Principal): Promise<Identity> {
    const doc = await WitnessModel.findById(id).lean<WitnessDoc>();
    if (!doc) {
      await this.audit.append({ actor: userActor(actor), action: 'witness.identityRead', target: `witness:${id}`, outcome: 'failure', details: { reason: 'not_found' } });
      throw new NotFoundError({ message: 'No such witness.' });
    }
    const identity = this.cipher.open(doc.identity, id) as Identity;
    await this.audit.append({ actor: userActor(actor), action: 'witness.identityRead', target: `witness:${id}`, outcome: 'success' });
    return identity;
  }

  /**
   * Re-encrypts every identity sealed with an earlier key under the current one. Each record is
   * replaced only if its ciphertext is still the one that was read, so a concurrent update is
   * never overwritten (that record already carries the current key). Audited once, with counts.
   */
  async rotateIdentityKeys(): Promise<{ resealed: number; fromKeyIds: string[] }> {
    const current = this.cipher.currentKeyId;
    const fromKeyIds = new Set<string>();
    let resealed = 0;
    const stale = WitnessModel.find({ 'identity.keyId': { $ne: current } }, { identity: 1 }).lean<Pick<WitnessDoc, '_id' | 'identity'>[]>().cursor();
    for await (const doc of stale) {
      const id = doc._id.toHexString();
      const identity = this.cipher.reseal(doc.identity, id);
      const res = await WitnessModel.updateOne({ _id: doc._id, 'identity.keyId': doc.identity.keyId, 'identity.iv': doc.identity.iv }, { $set: { identity } });
      if (res.modifiedCount === 1) {
        resealed++;
        fromKeyIds.add(doc.identity.keyId);
      }
    }
    const result = { resealed, fromKeyIds: [...fromKeyIds].sort() };
    await this.audit.append({ actor: { kind: 'system' }, action: 'witness.identityRekey', target: `key:${current}`, outcome: 'success', details: result });
    return result;
  }
}
