/**
 * The report ledger (see report.model.ts): contributions are inserted once per record, read as
 * the newest fold plus what it does not yet name, and folded in the background.
 *
 * Reading: find the newest fold `n`, read it, read the pending contributions, then read the folds
 * made meanwhile (`n + 1`, …, `m`): a compactor may have folded, and deleted, contributions
 * before we read them, but each one deleted is named by one of those folds. The figures are fold
 * `m` plus the pending contributions that none of the folds `n`…`m` names. However many
 * compactions happen during a read, it adds up; it starts again only when a fold it needs was
 * emptied meanwhile (checked by reading fold `n` again at the end: emptying goes oldest first,
 * and a fold is deleted only long after it was emptied, so a whole fold `n` means no gap after it).
 * Compacting: delete the pending contributions fold `n` names (a finished fold's leftovers),
 * read the rest, leave out those whose audit intent is not settled yet (so reconciliation can
 * add them again without counting them twice), insert fold `n + 1` (only one compactor can),
 * then delete what it folded. Now and then, empty the folds that no read can still be on: those
 * before a fold this instance has seen for a minute (timed on its own monotonic clock, so that
 * no clock skew between instances shortens it).
 */
import { createLogger, type Logger } from '../logger.js';
import { AuditIntentModel } from '../audit/index.js';
import { insertOnce } from '../db/duplicateKey.js';
import { SentenceModel } from '../sentences/index.js';
import { SessionModel } from '../sessions/index.js';
import { sentenceRecorded, sessionHeld, type ReportContribution } from './contribution.js';
import { PendingContributionModel, ReportFoldModel, foldId, type FoldCell, type FoldDoc, type PendingDoc } from './report.model.js';

/** Figures of one (year, country pair). */
export interface Cell {
  readonly year: number;
  readonly countryPair: string;
  sessionsHeld: number;
  defendantsSentenced: number;
  sentenceMonths: number;
  readonly witnesses: Set<string>;
}

/** Every (year, country pair) with figures, keyed `year|pair`. */
export type Table = Map<string, Cell>;

/** Folds before one this instance has seen for this long are emptied: a read that began on them has finished (or starts again). */
const READ_GRACE_MS = 60_000;
/** Emptying runs at most this often (each pass scans the folds). */
const RETIRE_EVERY_MS = 30_000;
/** Emptied folds are deleted after this long. */
const KEEP_STRIPPED_MS = 3600_000;
/** A read starts again only when a fold it needed was emptied meanwhile (a read over a minute long): a few attempts. */
const READ_ATTEMPTS = 5;

function cellOf(table: Table, year: number, countryPair: string): Cell {
  const key = `${year}|${countryPair}`;
  let cell = table.get(key);
  if (!cell) table.set(key, (cell = { year, countryPair, sessionsHeld: 0, defendantsSentenced: 0, sentenceMonths: 0, witnesses: new Set() }));
  return cell;
}

/** Adds one contribution to `table`. */
export function addTo(table: Table, c: Omit<ReportContribution, 'key'>): void {
  const cell = cellOf(table, c.year, c.countryPair);
  cell.sessionsHeld += c.sessionsHeld;
  cell.defendantsSentenced += c.defendantsSentenced;
  cell.sentenceMonths += c.sentenceMonths;
  if (c.witnessId) cell.witnesses.add(c.witnessId);
}

function fromFold(fold: FoldDoc | undefined): Table {
  const table: Table = new Map();
  for (const c of fold?.cells ?? []) {
    const cell = cellOf(table, c.year, c.countryPair);
    cell.sessionsHeld = c.sessionsHeld;
    cell.defendantsSentenced = c.defendantsSentenced;
    cell.sentenceMonths = c.sentenceMonths;
    for (const w of c.witnesses) cell.witnesses.add(w);
  }
  return table;
}

function toCells(table: Table): FoldCell[] {
  return [...table.values()].map((c) => ({ year: c.year, countryPair: c.countryPair, sessionsHeld: c.sessionsHeld, defendantsSentenced: c.defendantsSentenced, sentenceMonths: c.sentenceMonths, witnesses: [...c.witnesses] }));
}

/** Reads, adds to and compacts the report figures. */
export class ReportLedger {
  #latest = -1;
  /** When (performance.now()) this instance first saw each of the newest folds. */
  readonly #seen = new Map<number, number>();
  #retiredAt = -Infinity;
  #timer: NodeJS.Timeout | undefined;
  #compacting: Promise<unknown> = Promise.resolve();

  constructor(private readonly logger: Logger = createLogger('silent')) {}

  /** Counts one record (a second call with the same key changes nothing). */
  async add(c: ReportContribution, intent?: string): Promise<void> {
    const { key, ...figures } = c;
    await insertOnce(() => PendingContributionModel.create({ _id: key, intent: intent ?? null, at: new Date(), ...figures }));
  }

  /** Number of the newest fold (0: none yet). */
  async #newest(): Promise<number> {
    if (this.#latest < 0) {
      const ids = await ReportFoldModel.find({}, { n: 1 }).lean<{ n: number }[]>();
      this.#latest = Math.max(0, ...ids.map((f) => f.n));
    }
    while (await ReportFoldModel.exists({ _id: foldId(this.#latest + 1) })) this.#latest++;
    this.#see(this.#latest);
    return this.#latest;
  }

  #see(n: number): void {
    if (n > 0 && !this.#seen.has(n)) this.#seen.set(n, performance.now());
    this.#settled();
  }

  /**
   * The newest fold this instance has seen for `READ_GRACE_MS` (0: none); forgets the ones before
   * it, so that the map stays small also on an instance whose compactor never wins.
   */
  #settled(): number {
    const now = performance.now();
    let settled = 0;
    for (const [n, seenAt] of this.#seen) if (now - seenAt >= READ_GRACE_MS) settled = Math.max(settled, n);
    for (const n of this.#seen.keys()) if (n < settled) this.#seen.delete(n);
    return settled;
  }

  /** Fold `n`, or 'gone' (emptied or deleted: the cached number is then forgotten, and found again by a scan). */
  async #fold(n: number): Promise<FoldDoc | undefined | 'gone'> {
    if (n === 0) return undefined;
    const fold = await ReportFoldModel.findById(foldId(n)).lean<FoldDoc>();
    if (fold && !fold.stripped) return fold;
    if (n >= this.#latest) this.#latest = -1;
    return 'gone';
  }

  /** The current figures: the newest fold plus the contributions no fold names. */
  async table(): Promise<Table> {
    const missed: string[] = [];
    for (let attempt = 0; attempt < READ_ATTEMPTS; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 20 * attempt));
      const n = await this.#newest();
      const fold = await this.#fold(n);
      if (fold === 'gone') {
        missed.push(`fold ${n} gone`);
        continue;
      }
      const pending = await PendingContributionModel.find({}).lean<PendingDoc[]>();
      // Folds made meanwhile name every contribution they took away before we read it.
      const folded = new Set(fold?.keys ?? []);
      let m = n;
      let emptied = false;
      for (;;) {
        const next = await ReportFoldModel.findById(foldId(m + 1), { keys: 1, stripped: 1 }).lean<Pick<FoldDoc, 'keys' | 'stripped'>>();
        if (!next) break;
        emptied ||= next.stripped;
        for (const k of next.keys) folded.add(k);
        m++;
      }
      const newest = m === n || emptied ? fold : await this.#fold(m);
      // Fold n still whole: nothing after it was emptied or deleted while we read.
      if (emptied || newest === 'gone' || (m > n && n > 0 && (await this.#fold(n)) === 'gone')) {
        missed.push(`folds ${n}–${m} emptied`);
        continue;
      }
      this.#latest = Math.max(this.#latest, m);
      this.#see(m);
      const table = fromFold(newest);
      for (const p of pending) if (!folded.has(p._id)) addTo(table, p);
      return table;
    }
    throw new Error(`table() the folds it needed were emptied while it read, every time (${missed.join(', ')})`);
  }

  /** Folds the settled pending contributions into a new fold; false when there was nothing to do or another compactor won. */
  async compact(): Promise<boolean> {
    const n = await this.#newest();
    const fold = await this.#fold(n);
    if (fold === 'gone') return false;
    const folded = new Set(fold?.keys ?? []);
    if (folded.size > 0) await PendingContributionModel.deleteMany({ _id: { $in: [...folded] } });
    const pending = await PendingContributionModel.find({}).lean<PendingDoc[]>();
    if (pending.length === 0) return false;
    const unsettled = new Set((await AuditIntentModel.find({}, { _id: 1 }).lean()).map((i) => String(i._id)));
    const ready = pending.filter((p) => !folded.has(p._id) && !(p.intent && unsettled.has(p.intent)));
    if (ready.length === 0) return false;
    const table = fromFold(fold);
    for (const p of ready) addTo(table, p);
    const keys = ready.map((p) => p._id);
    if (!(await insertOnce(() => ReportFoldModel.create({ _id: foldId(n + 1), n: n + 1, at: new Date(), base: false, cells: toCells(table), keys })))) return false;
    this.#latest = Math.max(this.#latest, n + 1);
    this.#see(n + 1);
    await PendingContributionModel.deleteMany({ _id: { $in: keys } });
    await this.#retire();
    return true;
  }

  /**
   * Empties the folds before the newest one this instance has seen for `READ_GRACE_MS` (a read
   * that began on one of them began before that fold existed), and deletes long-emptied ones.
   */
  async #retire(): Promise<void> {
    const now = performance.now();
    if (now - this.#retiredAt < RETIRE_EVERY_MS) return;
    this.#retiredAt = now;
    const settled = this.#settled();
    if (settled > 0) await ReportFoldModel.updateMany({ n: { $lt: settled }, stripped: false }, { $set: { stripped: true, cells: [], keys: [] } });
    await ReportFoldModel.deleteMany({ stripped: true, at: { $lt: new Date(Date.now() - KEEP_STRIPPED_MS) } });
  }

  /**
   * Compacts every `everyMs` while the service runs; a tick that finds a compaction still running
   * is skipped (queued ones would run back to back after a slow spell, each a new fold, and no
   * read could finish between them).
   */
  start(everyMs = 3000): void {
    let running = false;
    this.#timer = setInterval(() => {
      if (running) return;
      running = true;
      this.#compacting = this.compact()
        .catch((err: unknown) => this.logger.warn({ err }, 'compact() failed; retrying later'))
        .finally(() => (running = false));
    }, everyMs);
    this.#timer.unref();
  }

  /** Stops compacting (waits for a compaction under way). */
  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#compacting;
  }

  /**
   * Recomputes the figures from the sessions and sentences (one scan of each) into a new base
   * fold and forgets the pending contributions. Run it while nothing writes: before serving, or
   * with the service stopped. Returns the number of (year, country pair) groups.
   */
  async rebuild(): Promise<number> {
    return (await this.#build(false)) ?? 0;
  }

  /** The recount into a new base fold; with `first`, only as fold 1 (undefined: another instance built it first). */
  async #build(first: boolean): Promise<number | undefined> {
    // Contributions already pending, and those unsettled intents will add, are counted in the
    // recount: the new fold names them so that they are not counted a second time.
    const pending = (await PendingContributionModel.find({}, { _id: 1 }).lean<{ _id: string }[]>()).map((p) => p._id);
    const intents = await AuditIntentModel.find({ report: { $ne: null } }, { report: 1 }).lean<{ report: ReportContribution | null }[]>();
    const keys = [...new Set([...pending, ...intents.flatMap((i) => (i.report ? [i.report.key] : []))])];
    const table: Table = new Map();
    for await (const s of SessionModel.find({ status: 'ended' }, { year: 1, countryPair: 1, witnessId: 1, liveAt: 1 }).lean().cursor()) {
      const c = sessionHeld(s as Parameters<typeof sessionHeld>[0]);
      if (c) addTo(table, c);
    }
    for await (const s of SentenceModel.find({ outcome: 'convicted' }, { year: 1, countryPair: 1, outcome: 1, termMonths: 1 }).lean().cursor()) {
      const c = sentenceRecorded(s);
      if (c) addTo(table, c);
    }
    let n = first ? 0 : await this.#newest();
    while (!(await insertOnce(() => ReportFoldModel.create({ _id: foldId(n + 1), n: n + 1, at: new Date(), base: true, cells: toCells(table), keys })))) {
      if (first) return undefined;
      n = await this.#newest();
    }
    this.#latest = n + 1;
    await PendingContributionModel.deleteMany({ _id: { $in: pending } });
    await ReportFoldModel.updateMany({ n: { $lt: n + 1 }, stripped: false }, { $set: { stripped: true, cells: [], keys: [] } });
    return table.size;
  }

  /** Builds the figures from the records when no fold exists yet (a new database, or one from before the ledger). */
  async ensure(): Promise<void> {
    if ((await this.#newest()) > 0) return;
    // Several instances starting on a new database all get here: one builds fold 1, the others
    // leave it (a second base fold could drop what was folded on top of the first).
    const groups = await this.#build(true);
    if (groups !== undefined) this.logger.info({ groups }, 'ensure() report figures built from the records');
  }
}

/**
 * Recomputes the report figures from the records: after loads that bypass the services (seed,
 * benchmark) and for `npm run reports:rebuild`. Run it while nothing writes. Returns the number
 * of (year, country pair) groups.
 */
export function rebuildReportCounters(): Promise<number> {
  return new ReportLedger().rebuild();
}
