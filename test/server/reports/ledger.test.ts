import { expect } from 'chai';
import { AsyncLocalStorage } from 'node:async_hooks';
import { ReportLedger, type Table } from '../../../server/reports/ledger.js';
import { PendingContributionModel, ReportFoldModel } from '../../../server/reports/report.model.js';
import { startTestService, type TestService } from '../../support/service.js';

describe('report ledger compaction schedule', () => {
  it('a compaction slower than the interval is not followed by a queue of others (reads could not finish between back-to-back folds)', async () => {
    const ledger = new ReportLedger();
    let calls = 0;
    let running = 0;
    let overlapped = false;
    // The schedule is what is under test: each compaction here takes 100 ms, ticks come every 10 ms.
    ledger.compact = async () => {
      calls++;
      if (++running > 1) overlapped = true;
      await new Promise((r) => setTimeout(r, 100));
      running--;
      return true;
    };
    ledger.start(10);
    await new Promise((r) => setTimeout(r, 350));
    const stoppedAt = Date.now();
    await ledger.stop();
    // Stopping waits for the one under way only, not for a backlog.
    expect(Date.now() - stoppedAt).to.be.below(150);
    expect(overlapped).to.equal(false);
    expect(calls).to.be.within(2, 4);
  });
});

describe('report ledger reads while another instance folds (real database)', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
    // The other instance below is the only compactor: the service's own would race it.
    await svc.service.api.reports.ledger.stop();
  });
  after(async () => svc.close());

  const PAIR = 'ZZ-YY';
  const held = (table: Table) => table.get(`2031|${PAIR}`)?.sessionsHeld ?? 0;
  let added = 0;
  const other = new ReportLedger();
  const add = () => other.add({ key: `ledger-test:${added++}`, year: 2031, countryPair: PAIR, sessionsHeld: 1, witnessId: null, defendantsSentenced: 0, sentenceMonths: 0 });

  /**
   * Reads with `reader` while the other instance adds one contribution and folds, twice, at the
   * moment `where` says: between the reader's look at the newest fold and its read of the pending
   * contributions ('before'), or after that read and before it looks for newer folds ('after').
   * Returns the figure read and how many times the reader read the pending contributions.
   */
  async function readDuring(where: 'before' | 'after'): Promise<{ figure: number; reads: number }> {
    const reader = new ReportLedger();
    const original = PendingContributionModel.find;
    const inReader = new AsyncLocalStorage<true>();
    let reads = 0;
    const interleave = async () => {
      for (let i = 0; i < 2; i++) {
        await add();
        expect(await other.compact(), 'the other instance folded').to.equal(true);
      }
    };
    PendingContributionModel.find = function (this: unknown, ...args: unknown[]) {
      const query = Reflect.apply(original, this, args) as ReturnType<typeof original>;
      if (!inReader.getStore()) return query;
      reads++;
      return {
        lean: () =>
          inReader.exit(async () => {
            if (where === 'before') await interleave();
            const rows: unknown = await query.lean();
            if (where === 'after') await interleave();
            return rows;
          }),
      };
    } as unknown as typeof original;
    try {
      const figure = held(await inReader.run(true, () => reader.table()));
      return { figure, reads };
    } finally {
      PendingContributionModel.find = original;
    }
  }

  it('another instance folds contributions away before the read reaches them: each is counted once, at the first attempt', async () => {
    for (let i = 0; i < 3; i++) await add();
    expect(await other.compact()).to.equal(true);
    await add(); // one pending, not folded yet
    const start = added;
    const newestBefore = (await ReportFoldModel.find({}, { n: 1 }).sort({ n: -1 }).limit(1).lean<{ n: number }[]>())[0]!.n;
    for (let round = 1; round <= 3; round++) {
      // The read sees the pending contributions only after the other instance folded them.
      const { figure, reads } = await readDuring('before');
      expect(reads, 'reads of the pending contributions').to.equal(1);
      expect(figure, `round ${round}`).to.equal(start + 2 * round);
    }
    expect(await ReportFoldModel.countDocuments({ n: { $gt: newestBefore }, stripped: true }), 'no fold is emptied while a read may need it').to.equal(0);
  });

  it('another instance folds contributions the read already has: each is counted once, not again through the new folds', async () => {
    await add();
    const start = added;
    const { figure, reads } = await readDuring('after');
    expect(reads).to.equal(1);
    // The read has the contribution added before it as pending, and the new folds name it too:
    // counted once, through the newest fold (which also has the two added during the read).
    expect(figure).to.equal(start + 2);
    expect(held(await new ReportLedger().table()), 'a read afterwards').to.equal(start + 2);
  });
});
