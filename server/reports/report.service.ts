/**
 * Programme reports. Only `$match` and `$group` with `$sum` are used (FerretDB's subset), over
 * the counters and witness marks kept at write time (report.model.ts); distinct witnesses are
 * counted with two `$group` stages. Small counts are suppressed so figures cannot identify a
 * witness.
 */
import type { Config } from '../../config/index.js';
import { ReadCache } from '../db/readCache.js';
import { increment, markWitness, UNKNOWN_PAIR } from './counters.js';
import { ReportCounterModel, WitnessMarkModel } from './report.model.js';
import type { Reported, Summary, SummaryQuery, SummaryRow } from './report.schemas.js';

interface Raw {
  sessionsHeld: number;
  witnessesTestified: number;
  defendantsSentenced: number;
  sentenceMonths: number;
}

type GroupRow = { _id: unknown; n: number };

/**
 * How long a computed summary is reused: until this process records a change, or this long at
 * most (10 s) to pick up changes made by other processes.
 */
export const SUMMARY_CACHE_MS = 10_000;

/** Builds the summary report. */
export class ReportService {
  readonly #cache = new ReadCache<Summary>(SUMMARY_CACHE_MS);

  constructor(private readonly settings: Config['reports']) {}

  /**
   * The summary, computed at most once per query per `SUMMARY_CACHE_MS` (concurrent callers
   * share one computation); `invalidate()` drops it when sessions end or sentences are recorded.
   */
  summary(q: SummaryQuery): Promise<Summary> {
    return this.#cache.get(`${q.groupBy}|${q.from ?? ''}|${q.to ?? ''}`, () => this.#compute(q));
  }

  invalidate(): void {
    this.#cache.invalidate();
  }

  /** Called when a session has ended: one more session held, and the witness testified. */
  async recordSessionEnded(s: { readonly year: number; readonly countryPair: string; readonly witnessId: string }): Promise<void> {
    await increment(s.year, s.countryPair, { sessionsHeld: 1 });
    await markWitness(s.year, s.countryPair, s.witnessId);
    this.invalidate();
  }

  /** Called when a sentence has been recorded; only convictions count. */
  async recordSentence(s: { readonly year: number; readonly countryPair: string | null; readonly outcome: string; readonly termMonths: number }): Promise<void> {
    if (s.outcome !== 'convicted') return;
    await increment(s.year, s.countryPair, { defendantsSentenced: 1, sentenceMonths: s.termMonths });
    this.invalidate();
  }

  async #compute(q: SummaryQuery): Promise<Summary> {
    const key = `$${q.groupBy}`;
    const years: Record<string, number> = {};
    if (q.from !== undefined) years.$gte = q.from;
    if (q.to !== undefined) years.$lte = q.to;
    const yearMatch = Object.keys(years).length > 0 ? { year: years } : {};
    const match = { $match: yearMatch };
    const total = (field: string) => ReportCounterModel.aggregate<GroupRow>([match, { $group: { _id: key, n: { $sum: `$${field}` } } }]);
    // One pipeline per figure: FerretDB 1.24 miscounts some $group stages with several $sums.
    const [held, witnesses, sentenced, months] = await Promise.all([
      total('sessionsHeld'),
      WitnessMarkModel.aggregate<GroupRow>([match, { $group: { _id: { k: key, w: '$witnessId' }, c: { $sum: 1 } } }, { $group: { _id: '$_id.k', n: { $sum: 1 } } }]),
      total('defendantsSentenced'),
      total('sentenceMonths'),
    ]);
    const raw = new Map<string, Raw>();
    const row = (id: unknown): Raw => {
      const group = id === null || id === undefined ? UNKNOWN_PAIR : String(id);
      let r = raw.get(group);
      if (!r) raw.set(group, (r = { sessionsHeld: 0, witnessesTestified: 0, defendantsSentenced: 0, sentenceMonths: 0 }));
      return r;
    };
    for (const g of held) row(g._id).sessionsHeld = g.n;
    for (const g of witnesses) row(g._id).witnessesTestified = g.n;
    for (const g of sentenced) row(g._id).defendantsSentenced = g.n;
    for (const g of months) row(g._id).sentenceMonths = g.n;
    const rows = [...raw.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([group, r]) => this.#suppress(group, r));
    return { groupBy: q.groupBy, from: q.from ?? null, to: q.to ?? null, threshold: this.settings.suppressionThreshold, rows };
  }

  #suppress(group: string, r: Raw): SummaryRow {
    const t = this.settings.suppressionThreshold;
    // Zero reveals nobody; 1..t-1 could, so it becomes a range.
    const hide = (n: number): Reported => (n > 0 && n < t ? `<${t}` : n);
    const defendants = hide(r.defendantsSentenced);
    return {
      group,
      sessionsHeld: hide(r.sessionsHeld),
      witnessesTestified: hide(r.witnessesTestified),
      defendantsSentenced: defendants,
      sentenceMonths: typeof defendants === 'string' ? null : r.sentenceMonths,
    };
  }
}

/** The summary as CSV (RFC 4180), one row per group. */
export function summaryCsv(s: Summary): string {
  const cell = (v: unknown): string => {
    const text = v === null ? '' : String(v);
    return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const header = ['group', 'sessionsHeld', 'witnessesTestified', 'defendantsSentenced', 'sentenceMonths'];
  const lines = s.rows.map((r) => [r.group, r.sessionsHeld, r.witnessesTestified, r.defendantsSentenced, r.sentenceMonths].map(cell).join(','));
  return `${[header.join(','), ...lines].join('\r\n')}\r\n`;
}
