/** Trials: case numbers are unique; the judge and prosecutors must be users with those roles. */
import mongoose from 'mongoose';
import { userActor, type AuditLog } from '../audit/index.js';
import type { AuthService } from '../auth/index.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors.js';
import type { Principal } from '../http/access.js';
import { TrialModel, type TrialDoc } from './trial.model.js';
import type { CreateTrialInput, TrialListQuery, TrialView, UpdateTrialInput } from './trial.schemas.js';
import { isDuplicateKey } from '../db/duplicateKey.js';

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


/** The trial domain's rules. */
export class TrialService {
  constructor(
    private readonly auth: AuthService,
    private readonly audit: AuditLog,
  ) {}

  /** 400 unless `judgeId` is an active judge and each prosecutor an active prosecutor. */
  async #checkStaff(judgeId: string | undefined, prosecutorIds: readonly string[] | undefined): Promise<void> {
    const users = await this.auth.usersByIds([...(judgeId ? [judgeId] : []), ...(prosecutorIds ?? [])]);
    const details = [];
    if (judgeId && users.get(judgeId)?.role !== 'judge') details.push({ path: 'body.judgeId', message: 'must be the id of a judge' });
    (prosecutorIds ?? []).forEach((id, i) => {
      if (users.get(id)?.role !== 'prosecutor') details.push({ path: `body.prosecutorIds.${i}`, message: 'must be the id of a prosecutor' });
    });
    if (details.length > 0) throw new ValidationError({ message: 'The request is not valid.', details });
  }

  async create(input: CreateTrialInput, actor: Principal): Promise<TrialView> {
    await this.#checkStaff(input.judgeId, input.prosecutorIds);
    try {
      const doc = await TrialModel.create(input);
      const view = toView(doc as unknown as TrialDoc);
      await this.audit.append({ actor: userActor(actor), action: 'trial.create', target: `trial:${view.id}`, outcome: 'success', details: { caseNumber: view.caseNumber } });
      return view;
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError({ message: 'That case number already exists.', code: 'case_number_taken' });
      throw err;
    }
  }

  async list(q: TrialListQuery): Promise<{ items: TrialView[]; nextAfter: string | null }> {
    const filter: Record<string, unknown> = {};
    if (q.status) filter.status = q.status;
    if (q.courtCountry) filter.courtCountry = q.courtCountry;
    if (q.caseNumber) filter.caseNumber = q.caseNumber;
    if (q.after) filter._id = { $gt: new mongoose.Types.ObjectId(q.after) };
    const docs = await TrialModel.find(filter).sort({ _id: 1 }).limit(q.limit).lean<TrialDoc[]>();
    const items = docs.map(toView);
    return { items, nextAfter: items.length === q.limit ? (items.at(-1)?.id ?? null) : null };
  }

  /** Ids of the trials heard by the court `court` in `courtCountry` (its rooms are shared). */
  async idsInCourt(court: string, courtCountry: string): Promise<string[]> {
    const docs = await TrialModel.find({ court, courtCountry }, { _id: 1 }).lean<Pick<TrialDoc, '_id'>[]>();
    return docs.map((d) => d._id.toHexString());
  }

  async get(id: string): Promise<TrialView> {
    const doc = await TrialModel.findById(id).lean<TrialDoc>();
    if (!doc) throw new NotFoundError({ message: 'No such trial.' });
    return toView(doc);
  }

  async update(id: string, input: UpdateTrialInput, actor: Principal): Promise<TrialView> {
    await this.#checkStaff(input.judgeId, input.prosecutorIds);
    const { addDefendants, ...set } = input;
    const update: Record<string, unknown> = { $set: set };
    if (addDefendants) update.$push = { defendants: { $each: addDefendants } };
    const doc = await TrialModel.findByIdAndUpdate(id, update, { new: true }).lean<TrialDoc>();
    if (!doc) throw new NotFoundError({ message: 'No such trial.' });
    await this.audit.append({ actor: userActor(actor), action: 'trial.update', target: `trial:${id}`, outcome: 'success', details: { changed: Object.keys(input) } });
    return toView(doc);
  }
}
