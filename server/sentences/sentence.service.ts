/** Sentences: recorded per defendant of a trial, once. */
import mongoose from 'mongoose';
import { userActor, type AuditLog } from '../audit/index.js';
import { ConflictError, ValidationError } from '../errors.js';
import type { Principal } from '../http/access.js';
import type { SessionService } from '../sessions/index.js';
import type { TrialService } from '../trials/index.js';
import { SentenceModel, type SentenceDoc } from './sentence.model.js';
import type { CreateSentenceInput, SentenceListQuery, SentenceView } from './sentence.schemas.js';
import { isDuplicateKey } from '../db/duplicateKey.js';

function toView(s: SentenceDoc): SentenceView {
  return { id: s._id.toHexString(), trialId: s.trialId, defendantId: s.defendantId, date: s.date.toISOString().slice(0, 10), termMonths: s.termMonths, outcome: s.outcome, countryPair: s.countryPair ?? null };
}

/** The sentence domain's rules. */
export class SentenceService {
  constructor(private readonly deps: { readonly trials: TrialService; readonly sessions: SessionService; readonly audit: AuditLog; readonly onRecorded?: (s: { year: number; countryPair: string | null; outcome: string; termMonths: number }) => Promise<void> }) {}

  async create(input: CreateSentenceInput, actor: Principal): Promise<SentenceView> {
    const trial = await this.deps.trials.get(input.trialId);
    if (!trial.defendants.some((d) => d.id === input.defendantId)) {
      throw new ValidationError({ message: 'The request is not valid.', details: [{ path: 'body.defendantId', message: 'must be a defendant of the trial' }] });
    }
    const date = new Date(`${input.date}T00:00:00Z`);
    const countryPair = await this.deps.sessions.countryPairOfTrial(input.trialId);
    try {
      const doc = await SentenceModel.create({ ...input, date, year: date.getUTCFullYear(), countryPair, createdBy: actor.userId });
      const view = toView(doc as unknown as SentenceDoc);
      await this.deps.onRecorded?.({ year: doc.year, countryPair: doc.countryPair ?? null, outcome: doc.outcome, termMonths: doc.termMonths });
      await this.deps.audit.append({ actor: userActor(actor), action: 'sentence.create', target: `sentence:${view.id}`, outcome: 'success', details: { trialId: view.trialId, outcome: view.outcome } });
      return view;
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError({ message: 'This defendant already has a sentence in this trial.', code: 'sentence_exists' });
      throw err;
    }
  }

  async list(q: SentenceListQuery): Promise<{ items: SentenceView[]; nextAfter: string | null }> {
    const filter: Record<string, unknown> = {};
    if (q.trialId) filter.trialId = q.trialId;
    if (q.year) filter.year = q.year;
    if (q.outcome) filter.outcome = q.outcome;
    if (q.after) filter._id = { $gt: new mongoose.Types.ObjectId(q.after) };
    const docs = await SentenceModel.find(filter).sort({ _id: 1 }).limit(q.limit).lean<SentenceDoc[]>();
    const items = docs.map(toView);
    return { items, nextAfter: items.length === q.limit ? (items.at(-1)?.id ?? null) : null };
  }
}
