/** Sentences: recorded per defendant of a trial, once, by those who manage the trial. */
import mongoose from 'mongoose';
import { userActor, type AuditLog } from '../audit/index.js';
import { ConflictError, ForbiddenError, unlessNotFound, ValidationError } from '../../common/errors.js';
import type { Principal } from '../http/access.js';
import { managesTrial } from '../http/ownership.js';
import type { SessionService } from '../sessions/index.js';
import type { TrialService } from '../trials/index.js';
import { SentenceModel, type SentenceDoc } from './sentence.model.js';
import type { CreateSentenceInput, SentenceListQuery, SentenceView } from './sentence.schemas.js';
import { isDuplicateKey } from '../db/duplicateKey.js';
import type { ReportContribution } from '../reports/index.js';

function toView(s: SentenceDoc): SentenceView {
  return { id: s._id.toHexString(), trialId: s.trialId, defendantId: s.defendantId, date: s.date.toISOString().slice(0, 10), termMonths: s.termMonths, outcome: s.outcome, countryPair: s.countryPair ?? null };
}

const invalid = (path: string, message: string): ValidationError => new ValidationError({ message: 'The request is not valid.', details: [{ path, message }] });

/** The sentence domain's rules. */
export class SentenceService {
  constructor(
    private readonly deps: {
      readonly trials: TrialService;
      readonly sessions: SessionService;
      readonly audit: AuditLog;
      /** What a stored sentence adds to the report figures (none for an acquittal). */
      readonly reportContribution?: (s: { _id: mongoose.Types.ObjectId; year: number; countryPair: string | null; outcome: string; termMonths: number }) => ReportContribution | null;
    },
  ) {}

  async create(input: CreateSentenceInput, actor: Principal): Promise<SentenceView> {
    // A referenced trial that does not exist is bad input (400 naming the field), as for sessions.
    const trial = await unlessNotFound(this.deps.trials.get(input.trialId));
    if (!trial) throw invalid('body.trialId', 'must be the id of a trial');
    if (!managesTrial(actor, trial)) throw new ForbiddenError({ message: 'You may only record sentences of your own trials.', code: 'not_your_trial' });
    if (!trial.defendants.some((d) => d.id === input.defendantId)) throw invalid('body.defendantId', 'must be a defendant of the trial');
    const date = new Date(`${input.date}T00:00:00Z`);
    const countryPair = await this.deps.sessions.countryPairOfTrial(input.trialId);
    const _id = new mongoose.Types.ObjectId();
    const year = date.getUTCFullYear();
    // The record, its event and its report contribution: all or none (server/audit/intents.ts).
    const event = { actor: userActor(actor), action: 'sentence.create', target: `sentence:${_id.toHexString()}`, outcome: 'success', details: { trialId: input.trialId, outcome: input.outcome } } as const;
    const report = this.deps.reportContribution?.({ _id, year, countryPair, outcome: input.outcome, termMonths: input.termMonths }) ?? undefined;
    try {
      const doc = await this.deps.audit.recorded(event, { collection: SentenceModel.collection.collectionName, id: _id, change: 'create' }, () => SentenceModel.create({ ...input, _id, date, year, countryPair, createdBy: actor.userId }), { report });
      return toView(doc as unknown as SentenceDoc);
    } catch (err) {
      if (isDuplicateKey(err)) throw new ConflictError({ message: 'This defendant already has a sentence in this trial.', code: 'sentence_exists' });
      throw err;
    }
  }

  /** Sentences of the trials the caller may read, in creation order. */
  async list(q: SentenceListQuery, actor: Principal): Promise<{ items: SentenceView[]; nextAfter: string | null }> {
    const readable = await this.deps.trials.readableIds(actor);
    const filter: Record<string, unknown> = {};
    if (readable !== 'all' || q.trialId) {
      const trialIds = readable === 'all' ? [q.trialId!] : readable.filter((t) => !q.trialId || t === q.trialId);
      filter.trialId = { $in: trialIds };
    }
    if (q.year) filter.year = q.year;
    if (q.outcome) filter.outcome = q.outcome;
    if (q.after) filter._id = { $gt: new mongoose.Types.ObjectId(q.after) };
    const docs = await SentenceModel.find(filter).sort({ _id: 1 }).limit(q.limit).lean<SentenceDoc[]>();
    const items = docs.map(toView);
    return { items, nextAfter: items.length === q.limit ? (items.at(-1)?.id ?? null) : null };
  }
}
