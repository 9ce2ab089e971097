/**
 * Programme reports: sessions held, distinct witnesses who testified, defendants sentenced and
 * sentence months per year or country pair, from the ledger's table (ledger.ts: a few lookups,
 * no scan of the records), with small counts suppressed so that no combination of queries
 * reveals them (suppression.ts).
 */
import type { Config } from '../../config/index.js';
import { ReadCache } from '../db/readCache.js';
import type { ReportContribution } from './contribution.js';
import type { Cell, ReportLedger, Table } from './ledger.js';
import type { Summary, SummaryQuery, SummaryRow } from './report.schemas.js';
import { protect, shown, shownRow, type Grid, type Protection } from './suppression.js';

/**
 * How long a computed summary is reused: until this process records a change, or this long at
 * most (10 s) to pick up changes made by other processes.
 */
export const SUMMARY_CACHE_MS = 10_000;

type Measure = 'sessionsHeld' | 'witnessesTestified' | 'defendantsSentenced';
const MEASURES: readonly Measure[] = ['sessionsHeld', 'witnessesTestified', 'defendantsSentenced'];

/** The table arranged for queries, with each measure's protection decided over all of it. */
interface View {
  readonly table: Table;
  readonly years: readonly number[];
  readonly pairs: readonly string[];
  readonly protection: Record<Measure, Protection>;
}

const key = (year: number, pair: string): string => `${year}|${pair}`;
const sorted = <T>(values: Iterable<T>): T[] => [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

function valueOf(cell: Cell | undefined, m: Measure): number {
  if (!cell) return 0;
  return m === 'witnessesTestified' ? cell.witnesses.size : cell[m];
}

/** A measure's total over cells: a sum, or the number of distinct witnesses. */
function totalOf(cells: readonly (Cell | undefined)[], m: Measure): number {
  if (m !== 'witnessesTestified') return cells.reduce((s, c) => s + valueOf(c, m), 0);
  return new Set(cells.flatMap((c) => (c ? [...c.witnesses] : []))).size;
}

function viewOf(table: Table, t: number): View {
  const years = sorted([...table.values()].map((c) => c.year));
  const pairs = sorted([...table.values()].map((c) => c.countryPair));
  const grid = (m: Measure): Grid => ({
    years,
    pairs,
    value: (y, p) => valueOf(table.get(key(y, p)), m),
    rowTotal: (y) => totalOf(pairs.map((p) => table.get(key(y, p))), m),
  });
  const protection = Object.fromEntries(MEASURES.map((m) => [m, protect(grid(m), t)])) as Record<Measure, Protection>;
  return { table, years, pairs, protection };
}

/** Builds the summary report and counts what the records contribute. */
export class ReportService {
  readonly #cache = new ReadCache<Summary>(SUMMARY_CACHE_MS);

  constructor(
    private readonly settings: Config['reports'],
    /** The figures (shared with the audit log, which adds contributions with their records). */
    readonly ledger: ReportLedger,
  ) {}

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

  /** Adds a record's contribution (called by the audit log with the record's event). */
  async contribute(c: ReportContribution, intent?: string): Promise<void> {
    await this.ledger.add(c, intent);
    this.invalidate();
  }

  async #compute(q: SummaryQuery): Promise<Summary> {
    const t = this.settings.suppressionThreshold;
    const view = viewOf(await this.ledger.table(), t);
    const years = view.years.filter((y) => (q.from === undefined || y >= q.from) && (q.to === undefined || y <= q.to));
    const rows = q.groupBy === 'year' ? years.map((y) => this.#yearRow(view, y, t)) : view.pairs.flatMap((p) => this.#pairRow(view, p, years, t));
    return { groupBy: q.groupBy, from: q.from ?? null, to: q.to ?? null, threshold: t, rows };
  }

  #yearRow(view: View, y: number, t: number): SummaryRow {
    const cells = view.pairs.map((p) => view.table.get(key(y, p)));
    const figure = (m: Measure) => shownRow(y, totalOf(cells, m), cells.filter((c) => valueOf(c, m) > 0).length, view.protection[m], t);
    const defendants = figure('defendantsSentenced');
    return {
      group: String(y),
      sessionsHeld: figure('sessionsHeld'),
      witnessesTestified: figure('witnessesTestified'),
      defendantsSentenced: defendants,
      sentenceMonths: typeof defendants === 'number' ? cells.reduce((s, c) => s + (c?.sentenceMonths ?? 0), 0) : null,
    };
  }

  #pairRow(view: View, p: string, years: readonly number[], t: number): SummaryRow[] {
    const keys = years.map((y) => key(y, p));
    const cells = keys.map((k) => view.table.get(k));
    if (cells.every((c) => c === undefined)) return [];
    const figure = (m: Measure) => shown(totalOf(cells, m), keys, view.protection[m], t);
    const defendants = figure('defendantsSentenced');
    return [
      {
        group: p,
        sessionsHeld: figure('sessionsHeld'),
        witnessesTestified: figure('witnessesTestified'),
        defendantsSentenced: defendants,
        sentenceMonths: typeof defendants === 'number' ? cells.reduce((s, c) => s + (c?.sentenceMonths ?? 0), 0) : null,
      },
    ];
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
