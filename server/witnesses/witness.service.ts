/**
 * Witness records: codename data for those on the witness's trials and programme staff; the
 * sealed identity only for an admin or the witness's handler (`http/ownership.ts`).
 */
import mongoose from 'mongoose';
import { userActor, type AuditLog } from '../audit/index.js';
import type { AuthService } from '../auth/index.js';
import { ConflictError, ForbiddenError, NotFoundError, unlessNotFound, ValidationError, type FieldIssue } from '../../common/errors.js';
import type { Principal } from '../http/access.js';
import { handlesIdentity, managesWitness, readsWitness, seesAll } from '../http/ownership.js';
import type { TrialService } from '../trials/index.js';
import type { IdentityCipher } from './identityCipher.js';
import { WitnessModel, type WitnessDoc } from './witness.model.js';
import type { CreateWitnessInput, Identity, UpdateWitnessInput, WitnessListQuery, WitnessView } from './witness.schemas.js';
import { isDuplicateKey } from '../db/duplicateKey.js';
import { storedId, updateVersioned } from '../db/versioned.js';

function toView(w: WitnessDoc): WitnessView {
  return {
    id: w._id.toHexString(),
    codename: w.codename,
    countryOfOrigin: w.countryOfOrigin,
    languages: [...w.languages],
    protectionStatus: w.protectionStatus,
    riskLevel: w.riskLevel,
    handlerId: w.handlerId ?? null,
    trialIds: [...(w.trialIds ?? [])],
    protectedRecorded: Boolean(w.identity),
    archived: w.archived,
  };
}

const codenameTaken = (): ConflictError => new ConflictError({ message: 'That codename is already in use.', code: 'codename_taken' });
const noSuchWitness = (): NotFoundError => new NotFoundError({ message: 'No such witness.' });
const invalid = (details: FieldIssue[]): ValidationError => new ValidationError({ message: 'The request is not valid.', details });
const WITNESSES = WitnessModel.collection.collectionName;

/** What the witness service is built from. */
export interface WitnessDeps {
  readonly cipher: IdentityCipher;
  readonly audit: AuditLog;
  readonly auth: AuthService;
  readonly trials: TrialService;
}

/** The witness domain's rules. */
export class WitnessService {
  constructor(private readonly deps: WitnessDeps) {}

  /** 400 naming the field unless the handler is an active staff account and each trial exists (and, for a prosecutor, is theirs). */
  async #checkRefs(input: { handlerId?: string; trialIds?: readonly string[] }, actor: Principal): Promise<void> {
    const details: FieldIssue[] = [];
    if (input.handlerId) {
      const handler = (await this.deps.auth.usersByIds([input.handlerId])).get(input.handlerId);
      if (handler?.role !== 'staff' || !handler.active) details.push({ path: 'body.handlerId', message: 'must be the id of an active programme staff account' });
    }
    const ids = input.trialIds ?? [];
    const mine = actor.role === 'prosecutor' ? await this.deps.trials.idsOnTrial(actor) : undefined;
    for (const [i, id] of ids.entries()) {
      if (mine && !mine.includes(id)) details.push({ path: `body.trialIds.${i}`, message: 'must be one of your trials' });
      else if (!mine && !(await unlessNotFound(this.deps.trials.get(id)))) details.push({ path: `body.trialIds.${i}`, message: 'must be the id of a trial' });
    }
    if (mine && ids.length === 0) details.push({ path: 'body.trialIds', message: 'must name at least one of your trials' });
    if (details.length > 0) throw invalid(details);
  }

  async create(input: CreateWitnessInput, actor: Principal): Promise<WitnessView> {
    // Protected identities are entered by programme staff (or an admin), never by the court side.
    if (input.identity && actor.role !== 'admin' && actor.role !== 'staff') {
      throw new ForbiddenError({ message: 'Only programme staff enter a protected identity.', code: 'identity_staff_only' });
    }
    await this.#checkRefs(input, actor);
    const _id = new mongoose.Types.ObjectId();
    const { identity, ...rest } = input;
    const handlerId = rest.handlerId ?? (actor.role === 'staff' ? actor.userId : undefined);
    try {
      const sealed = identity ? { identity: this.deps.cipher.seal(identity, _id.toHexString()) } : {};
      const event = { actor: userActor(actor), action: 'witness.create', target: `witness:${_id.toHexString()}`, outcome: 'success', details: { codename: rest.codename } } as const;
      const doc = await this.deps.audit.recorded(event, { collection: WITNESSES, id: _id, change: 'create' }, () => WitnessModel.create({ ...rest, handlerId, _id, ...sealed, archived: false }));
      return toView(doc.toObject() as WitnessDoc);
    } catch (err) {
      if (isDuplicateKey(err)) throw codenameTaken();
      throw err;
    }
  }

  /** Witnesses the caller may read (`readsWitness`), in creation order. */
  async list(q: WitnessListQuery, actor: Principal): Promise<{ items: WitnessView[]; nextAfter: string | null }> {
    const filter: Record<string, unknown> = { archived: q.archived === 'true' };
    if (!seesAll(actor)) {
      const readable = await this.deps.trials.readableIds(actor);
      if (readable !== 'all') filter.trialIds = { $in: readable };
    }
    if (q.country) filter.countryOfOrigin = q.country;
    if (q.status) filter.protectionStatus = q.status;
    if (q.codename) filter.codename = q.codename;
    if (q.after) filter._id = { $gt: new mongoose.Types.ObjectId(q.after) };
    const docs = await WitnessModel.find(filter).sort({ _id: 1 }).limit(q.limit).lean<WitnessDoc[]>();
    const items = docs.map(toView);
    return { items, nextAfter: items.length === q.limit ? (items.at(-1)?.id ?? null) : null };
  }

  async #load(id: string): Promise<WitnessDoc> {
    if (!mongoose.isValidObjectId(id)) throw noSuchWitness();
    const doc = await WitnessModel.findById(id).lean<WitnessDoc>();
    if (!doc) throw noSuchWitness();
    return doc;
  }

  /** One witness, whoever asks (for the other domains' rules). */
  async get(id: string): Promise<WitnessView> {
    return toView(await this.#load(id));
  }

  /** One witness for the caller; 404 (not 403) when they may not read it. */
  async read(id: string, actor: Principal): Promise<WitnessView> {
    const view = await this.get(id);
    if (!seesAll(actor) && !readsWitness(actor, view, await this.deps.trials.readableIds(actor))) throw noSuchWitness();
    return view;
  }

  /** Codenames by id (for sessions and invitations); unknown ids are absent. */
  async codenames(ids: readonly string[]): Promise<Map<string, string>> {
    const docs = await WitnessModel.find({ _id: { $in: [...new Set(ids)] } }, { codename: 1 }).lean<WitnessDoc[]>();
    return new Map(docs.map((d) => [d._id.toHexString(), d.codename]));
  }

  /** Codename data by programme staff; the identity only by its handler, the handler only by an admin or the current handler. */
  async update(id: string, input: UpdateWitnessInput, actor: Principal): Promise<WitnessView> {
    const current = toView(await this.#load(id));
    if (input.identity && !handlesIdentity(actor, current)) throw new ForbiddenError({ message: "Only the witness's handler or an admin can change the identity.", code: 'not_handler' });
    if (input.handlerId !== undefined && input.handlerId !== current.handlerId && !managesWitness(actor, current)) {
      throw new ForbiddenError({ message: "Only the witness's handler or an admin can hand the witness over.", code: 'not_handler' });
    }
    await this.#checkRefs(input, actor);
    const { identity, ...rest } = input;
    const set: Record<string, unknown> = { ...rest };
    if (identity) set.identity = this.deps.cipher.seal(identity, id);
    try {
      const event = { actor: userActor(actor), action: 'witness.update', target: `witness:${id}`, outcome: 'success', details: { changed: Object.keys(set) } } as const;
      const doc = await this.deps.audit.recorded(event, { collection: WITNESSES, id: storedId(id), change: 'update' }, (stamp) => this.#update(id, () => set, stamp));
      return toView(doc);
    } catch (err) {
      if (isDuplicateKey(err)) throw codenameTaken();
      throw err;
    }
  }

  /** A versioned update (server/db/versioned.ts); 404 when the witness does not exist. */
  async #update(id: string, change: (current: WitnessDoc) => Record<string, unknown>, stamp: { intent: string; run: string }): Promise<WitnessDoc> {
    const r = await updateVersioned<WitnessDoc>(WitnessModel, id, change, stamp);
    if (!r.found) throw noSuchWitness();
    return r.doc;
  }

  /** Archives (never deletes: sessions and reports keep referring to the witness); admin or handler. */
  async archive(id: string, actor: Principal): Promise<void> {
    const current = toView(await this.#load(id));
    if (!managesWitness(actor, current)) throw new ForbiddenError({ message: "Only the witness's handler or an admin can archive the witness.", code: 'not_handler' });
    const event = { actor: userActor(actor), action: 'witness.archive', target: `witness:${id}`, outcome: 'success' } as const;
    await this.deps.audit.recorded(event, { collection: WITNESSES, id: storedId(id), change: 'update' }, (stamp) => this.#update(id, () => ({ archived: true }), stamp));
  }

  /** Decrypts the identity for an admin or the handler; every read (and refused read) is audited. */
  async readIdentity(id: string, actor: Principal): Promise<Identity> {
    const fail = async (reason: string, err: Error): Promise<never> => {
      await this.deps.audit.append({ actor: userActor(actor), action: 'witness.identityRead', target: `witness:${id}`, outcome: 'failure', details: { reason } });
      throw err;
    };
    const doc = await WitnessModel.findById(id).lean<WitnessDoc>();
    if (!doc) return fail('not_found', noSuchWitness());
    if (!handlesIdentity(actor, toView(doc))) return fail('not_handler', new ForbiddenError({ message: "Only the witness's handler or an admin can read the identity.", code: 'not_handler' }));
    if (!doc.identity) return fail('not_recorded', new NotFoundError({ message: 'No identity has been recorded for this witness yet.', code: 'identity_not_recorded' }));
    const identity = this.deps.cipher.open(doc.identity, id) as Identity;
    await this.deps.audit.append({ actor: userActor(actor), action: 'witness.identityRead', target: `witness:${id}`, outcome: 'success' });
    return identity;
  }
}
