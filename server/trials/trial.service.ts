/**
 * Trials: case numbers are unique; the judge and prosecutors must be users with those roles.
 * Who reads and changes which trial follows `http/ownership.ts`.
 */
import mongoose from 'mongoose';
import { userActor, type AuditLog } from '../audit/index.js';
import type { AuthService } from '../auth/index.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError, type FieldIssue } from '../../common/errors.js';
import type { Principal } from '../http/access.js';
import { managesTrial, readableTrials } from '../http/ownership.js';
import { TrialModel, type TrialDoc } from './trial.model.js';
import type { CreateTrialInput, TrialListQuery, TrialView, UpdateTrialInput } from './trial.schemas.js';
import { isDuplicateKey } from '../db/duplicateKey.js';
import { storedId, updateVersioned } from '../db/versioned.js';

const TRIALS = TrialModel.collection.collectionName;

function toView(t: TrialDoc): TrialView {
  return {
    id: t._id.toHexString(),
    caseNumber: t.caseNumber,
    court: t.court,
    courtCountry: t.courtCountry,
    judgeId: t.judgeId,
    prosecutorIds: [...t.prosecutorIds],
    defendants: t.defendants.map((d) => ({ id: d._id.toHexString(), name: d.name })),
    charges: [...t.charges],
    status: t.status,
  };
}

const noSuchTrial = (): NotFoundError => new NotFoundError({ message: 'No such trial.' });

/** What the trial service is built from. */
export interface TrialDeps {
  readonly auth: AuthService;
  readonly audit: AuditLog;
  /** Ids of the trials of sessions `userId` takes part in (from the sessions domain). */
  readonly trialsTakingPart: (userId: string) => Promise<string[]>;
  /** Called after a trial's prosecutors or judge change (session pages depend on them). */
  readonly onAssignmentChanged?: () => void;
}

/** The trial domain's rules. */
export class TrialService {
  constructor(private readonly deps: TrialDeps) {}

  /** 400 unless `judgeId` is an active judge and each prosecutor an active prosecutor. */
  async #checkStaff(judgeId: string | undefined, prosecutorIds: readonly string[] | undefined): Promise<void> {
    const users = await this.deps.auth.usersByIds([...(judgeId ? [judgeId] : []), ...(prosecutorIds ?? [])]);
    const details: FieldIssue[] = [];
    const holds = (id: string, role: string): boolean => users.get(id)?.role === role && users.get(id)?.active === true;
    if (judgeId && !holds(judgeId, 'judge')) details.push({ path: 'body.judgeId', message: 'must be the id of an active judge' });
    (prosecutorIds ?? []).forEach((id, i) => {
      if (!holds(id, 'prosecutor')) details.push({ path: `body.prosecutorIds.${i}`, message: 'must be the id of an active prosecutor' });
    });
    if (details.length > 0) throw new ValidationError({ message: 'The request is not valid.', details });
  }

  /** Ids of the trials a prosecutor prosecutes or a judge presides (none for other roles). */
  async idsOnTrial(actor: Principal): Promise<string[]> {
    if (actor.role !== 'prosecutor' && actor.role !== 'judge') return [];
    const docs = await TrialModel.find(actor.role === 'prosecutor' ? { prosecutorIds: actor.userId } : { judgeId: actor.userId }, { _id: 1 }).lean<Pick<TrialDoc, '_id'>[]>();
    return docs.map((t) => t._id.toHexString());
  }

  /** Trial ids the caller may read (`'all'` when unrestricted). */
  async readableIds(actor: Principal): Promise<'all' | string[]> {
    if (actor.role !== 'prosecutor' && actor.role !== 'judge' && actor.role !== 'defence') return readableTrials(actor, { onTrial: [], takingPart: [] });
    const [onTrial, takingPart] = await Promise.all([this.idsOnTrial(actor), actor.role === 'prosecutor' ? [] : this.deps.trialsTakingPart(actor.userId)]);
    return readableTrials(actor, { onTrial, takingPart });
  }

  async create(input: CreateTrialInput, actor: Principal): Promise<TrialView> {
    // A prosecutor opens trials they prosecute; otherwise they could not see what they made.
    if (actor.role === 'prosecutor' && !input.prosecutorIds.includes(actor.userId)) {
      throw new ValidationError({ message: 'The request is not valid.', details: [{ path: 'body.prosecutorIds', message: 'must include you' }] });
    }
    await this.#checkStaff(input.judgeId, input.prosecutorIds);
    const _id = new mongoose.Types.ObjectId();
    const event = { actor: userActor(actor), action: 'trial.create', target: `trial:${_id.toHexString()}`, outcome: 'success', details: { caseNumber: input.caseNumber } } as const;
    try {
      const doc = await this.deps.audit.recorded(event, { collection: TRIALS, id: _id, change: 'create' }, () => TrialModel.create({ ...input, _id }));
      return toView(doc as unknown as TrialDoc);
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError({ message: 'That case number already exists.', code: 'case_number_taken' });
      throw err;
    }
  }

  /** Trials the caller may read, in creation order, paged by the last id. */
  async list(q: TrialListQuery, actor: Principal): Promise<{ items: TrialView[]; nextAfter: string | null }> {
    const readable = await this.readableIds(actor);
    const filter: Record<string, unknown> = {};
    if (q.status) filter.status = q.status;
    if (q.courtCountry) filter.courtCountry = q.courtCountry;
    if (q.caseNumber) filter.caseNumber = q.caseNumber;
    const id: Record<string, unknown> = {};
    if (readable !== 'all') id.$in = readable.map((t) => new mongoose.Types.ObjectId(t));
    if (q.after) id.$gt = new mongoose.Types.ObjectId(q.after);
    if (Object.keys(id).length > 0) filter._id = id;
    const docs = await TrialModel.find(filter).sort({ _id: 1 }).limit(q.limit).lean<TrialDoc[]>();
    const items = docs.map(toView);
    return { items, nextAfter: items.length === q.limit ? (items.at(-1)?.id ?? null) : null };
  }

  /** Ids of the trials heard by the court `court` in `courtCountry` (its rooms are shared). */
  async idsInCourt(court: string, courtCountry: string): Promise<string[]> {
    const docs = await TrialModel.find({ court, courtCountry }, { _id: 1 }).lean<Pick<TrialDoc, '_id'>[]>();
    return docs.map((d) => d._id.toHexString());
  }

  /** One trial, whoever asks (for the other domains' rules); 404 when missing. */
  async get(id: string): Promise<TrialView> {
    if (!mongoose.isValidObjectId(id)) throw noSuchTrial();
    const doc = await TrialModel.findById(id).lean<TrialDoc>();
    if (!doc) throw noSuchTrial();
    return toView(doc);
  }

  /** One trial for the caller; 404 (not 403) when they may not read it, so ids cannot be probed. */
  async read(id: string, actor: Principal): Promise<TrialView> {
    const trial = await this.get(id);
    const readable = await this.readableIds(actor);
    if (readable !== 'all' && !readable.includes(trial.id)) throw noSuchTrial();
    return trial;
  }

  /** The trial if the caller manages it: 404 when they cannot read it, 403 when they only read it. */
  async loadManaged(id: string, actor: Principal): Promise<TrialView> {
    const trial = await this.read(id, actor);
    if (!managesTrial(actor, trial)) throw new ForbiddenError({ message: 'Only an administrator or a prosecutor of this trial can do this.', code: 'not_your_trial' });
    return trial;
  }

  async update(id: string, input: UpdateTrialInput, actor: Principal): Promise<TrialView> {
    await this.loadManaged(id, actor);
    await this.#checkStaff(input.judgeId, input.prosecutorIds);
    const { addDefendants, ...set } = input;
    const event = { actor: userActor(actor), action: 'trial.update', target: `trial:${id}`, outcome: 'success', details: { changed: Object.keys(input) } } as const;
    // A versioned update: concurrent changes (two prosecutors adding defendants) both land.
    const doc = await this.deps.audit.recorded(event, { collection: TRIALS, id: storedId(id), change: 'update' }, async (stamp) => {
      const added = (addDefendants ?? []).map((d) => ({ ...d, _id: new mongoose.Types.ObjectId() }));
      // Ownership is checked again on the version written: a prosecutor taken off the trial by a
      // change that landed meanwhile cannot put themselves back with a request checked before it.
      let lostOwnership = false;
      const r = await updateVersioned<TrialDoc>(TrialModel, id, (cur) => {
        if (!managesTrial(actor, toView(cur))) {
          lostOwnership = true;
          return null;
        }
        return added.length > 0 ? { ...set, defendants: [...cur.defendants, ...added] } : set;
      }, stamp);
      if (!r.found) throw noSuchTrial();
      if (lostOwnership) throw new ForbiddenError({ message: 'Only an administrator or a prosecutor of this trial can do this.', code: 'not_your_trial' });
      return r.doc;
    });
    if (input.judgeId || input.prosecutorIds) this.deps.onAssignmentChanged?.();
    return toView(doc);
  }
}
