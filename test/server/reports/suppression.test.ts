import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { leavesDoubt, protect, SECONDARY_MARKER } from '../../../server/reports/suppression.js';
import { SCENARIO_ADMIN_ENV, bearer } from '../../support/scenario.js';
import { emptyTestDatabase, startTestService, type TestService } from '../../support/service.js';

const YEARS = [2021, 2022, 2023];
const PAIRS = ['BG-MK', 'MD-MK', 'RO-MK', 'UA-MK'];
/** Sessions held and defendants sentenced per year and pair, with small cells and a row that needs secondary suppression. */
const SESSIONS: Record<number, Record<string, number>> = {
  2021: { 'MD-MK': 1, 'UA-MK': 4, 'RO-MK': 7, 'BG-MK': 0 },
  2022: { 'MD-MK': 2, 'UA-MK': 0, 'RO-MK': 9, 'BG-MK': 5 },
  2023: { 'MD-MK': 0, 'UA-MK': 1, 'RO-MK': 2, 'BG-MK': 8 },
};
const DEFENDANTS: Record<number, Record<string, number>> = {
  2021: { 'MD-MK': 0, 'UA-MK': 2, 'RO-MK': 3, 'BG-MK': 6 },
  2022: { 'MD-MK': 5, 'UA-MK': 5, 'RO-MK': 1, 'BG-MK': 0 },
  2023: { 'MD-MK': 4, 'UA-MK': 0, 'RO-MK': 0, 'BG-MK': 1 },
};

const gridOf = (t: Record<number, Record<string, number>>) => ({
  years: YEARS,
  pairs: PAIRS,
  value: (y: number, p: string) => t[y]![p] ?? 0,
  rowTotal: (y: number) => PAIRS.reduce((s, p) => s + (t[y]![p] ?? 0), 0),
});

describe('report suppression', () => {
  describe('the pattern', () => {
    it('a published total leaves doubt about a small cell only with enough suppressed beside it', () => {
      // Total 5 = small + a complementary cell of at least 3: the small one could be 1 or 2.
      expect(leavesDoubt([{ primary: true }, { primary: false }], 5, 3)).to.equal(true);
      // Total 4 = small + complementary ≥ 3: the small one must be 1.
      expect(leavesDoubt([{ primary: true }, { primary: false }], 4, 3)).to.equal(false);
      // Two small cells summing to 2: both are 1.
      expect(leavesDoubt([{ primary: true }, { primary: true }], 2, 3)).to.equal(false);
      // Two small cells summing to 3: (1, 2) or (2, 1).
      expect(leavesDoubt([{ primary: true }, { primary: true }], 3, 3)).to.equal(true);
    });

    it('suppresses small cells, adds secondary cells in the same year (preferring pairs already suppressed), or the year total when nothing suffices', () => {
      const p = protect(gridOf(DEFENDANTS), 3);
      expect([...p.cells].sort()).to.deep.equal(['2021|RO-MK', '2021|UA-MK', '2022|RO-MK', '2022|UA-MK', '2023|BG-MK', '2023|MD-MK']);
      expect([...p.rows]).to.deep.equal([]);
      // 1 small and 3 beside it in one year, nothing else: no choice protects it, the year total goes.
      const tight = protect({ years: [2024], pairs: ['A', 'B'], value: (_y, q) => (q === 'A' ? 1 : 3), rowTotal: () => 4 }, 3);
      expect([...tight.rows]).to.deep.equal([2024]);
    });
  });

  describe('no combination of queries reveals a small count', function () {
    this.timeout(90_000);
    let svc: TestService;
    let token: string;
    before(async () => {
      svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: await emptyTestDatabase('wb_suppression') });
      const db = mongoose.connection.db!;
      const sessions = [];
      const sentences = [];
      for (const y of YEARS) {
        for (const p of PAIRS) {
          for (let i = 0; i < SESSIONS[y]![p]!; i++) {
            const start = new Date(Date.UTC(y, 3, 1 + i));
            sessions.push({ trialId: 't', witnessId: new mongoose.Types.ObjectId().toHexString(), fromCountry: p.slice(0, 2), courtCountry: 'MK', countryPair: p, courtRoom: 'R', start, end: start, year: y, timeZones: { witness: 'UTC', court: 'UTC' }, participants: [], judgeUserIds: [], measures: [], status: 'ended', liveAt: start, createdBy: 'x' });
          }
          for (let i = 0; i < DEFENDANTS[y]![p]!; i++) sentences.push({ trialId: `t-${y}-${p}`, defendantId: `d${i}`, date: new Date(Date.UTC(y, 5, 1)), year: y, termMonths: 24 + i, outcome: 'convicted', countryPair: p, createdBy: 'x' });
        }
      }
      await db.collection('sessions').insertMany(sessions);
      await db.collection('sentences').insertMany(sentences);
      await svc.service.api.reports.ledger.rebuild();
      svc.service.api.reports.invalidate();
      token = (await request(svc.url).post('/api/auth/login').send({ username: 'admin', password: SCENARIO_ADMIN_ENV.ADMIN_PASSWORD }).expect(200)).body.token as string;
    });
    after(async () => {
      await svc.close();
    });

    type Row = Record<string, unknown> & { group: string };
    async function summary(groupBy: 'year' | 'countryPair', from: number, to: number): Promise<Row[]> {
      return (await request(svc.url).get(`/api/reports/summary?groupBy=${groupBy}&from=${from}&to=${to}`).set('Authorization', bearer(token)).expect(200)).body.rows as Row[];
    }

    for (const [measure, table] of [['sessionsHeld', SESSIONS], ['witnessesTestified', SESSIONS], ['defendantsSentenced', DEFENDANTS]] as const) {
      it(`${measure}: differencing overlapping year ranges or a year total against its pairs leaves every small count undetermined`, async () => {
        // Everything an attacker can ask: both groupings over every year range.
        const equations: { cells: string[]; total: number }[] = [];
        const shownCell = new Map<string, unknown>();
        for (const from of YEARS) {
          for (const to of YEARS.filter((y) => y >= from)) {
            for (const row of await summary('year', from, to)) {
              const v = row[measure];
              if (typeof v === 'number') equations.push({ cells: PAIRS.map((p) => `${row.group}|${p}`), total: v });
            }
            for (const row of await summary('countryPair', from, to)) {
              const v = row[measure];
              const cells = YEARS.filter((y) => y >= from && y <= to).map((y) => `${y}|${row.group}`);
              if (typeof v === 'number') equations.push({ cells, total: v });
              if (from === to) shownCell.set(cells[0]!, v);
            }
          }
        }
        const truth = (c: string): number => table[Number(c.slice(0, 4))]![c.slice(5)]!;
        const all = YEARS.flatMap((y) => PAIRS.map((p) => `${y}|${p}`));
        for (const c of all) {
          const v = shownCell.get(c) ?? 0;
          if (typeof v === 'number') expect(v, c).to.equal(truth(c));
          else expect([`<3`, SECONDARY_MARKER], c).to.include(v);
          if (truth(c) > 0 && truth(c) < 3) expect(v, `${c} is small`).to.not.be.a('number');
        }
        expect(all.filter((c) => shownCell.get(c) === SECONDARY_MARKER).length, 'secondary suppression happened').to.be.greaterThan(0);
        // Every assignment of the hidden cells that agrees with every published number.
        const hidden = all.filter((c) => typeof (shownCell.get(c) ?? 0) !== 'number');
        const known = new Map(all.filter((c) => !hidden.includes(c)).map((c) => [c, Number(shownCell.get(c) ?? 0)]));
        const domain = (c: string): number[] => (shownCell.get(c) === '<3' ? [1, 2] : Array.from({ length: 12 }, (_, i) => i));
        const feasible = new Map<string, Set<number>>(hidden.map((c) => [c, new Set()]));
        const assign = new Map<string, number>();
        const consistent = (complete: boolean): boolean =>
          equations.every((e) => {
            let sum = 0;
            let open = false;
            for (const c of e.cells) {
              const v = known.get(c) ?? assign.get(c);
              if (v === undefined) open = true;
              else sum += v;
            }
            return open && !complete ? sum <= e.total : sum === e.total;
          });
        const search = (i: number): void => {
          if (i === hidden.length) {
            if (consistent(true)) for (const [c, v] of assign) feasible.get(c)!.add(v);
            return;
          }
          for (const v of domain(hidden[i]!)) {
            assign.set(hidden[i]!, v);
            if (consistent(false)) search(i + 1);
          }
          assign.delete(hidden[i]!);
        };
        search(0);
        for (const c of hidden) {
          expect(feasible.get(c)!.has(truth(c)), `${c}: the truth is consistent`).to.equal(true);
          if (truth(c) > 0 && truth(c) < 3) expect([...feasible.get(c)!].sort(), `${c}: a small count stays undetermined`).to.include.members([1, 2]);
        }
      });
    }
  });
});
