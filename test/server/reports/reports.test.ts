import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { seedDemoData } from '../../../scripts/seedData.js';
import { ROOT, testDatabaseUri } from '../../support/hooks.js';
import { ROUTE_ACCESS } from '../../../server/http/access.js';
import { SECONDARY_MARKER } from '../../../server/reports/index.js';
import { createScenario, SCENARIO_ADMIN_ENV, bearer } from '../../support/scenario.js';
import { startTestService, testEnv, type TestService } from '../../support/service.js';

type Counts = Record<string, { held: number; witnesses: Set<string>; sentenced: number; months: number }>;

/** Counts computed in plain code from the raw documents, independently of the ledger. */
async function independentCounts(key: 'year' | 'countryPair'): Promise<Counts> {
  const db = mongoose.connection.db!;
  const out: Counts = {};
  const at = (k: unknown) => (out[String(k ?? 'unknown')] ??= { held: 0, witnesses: new Set(), sentenced: 0, months: 0 });
  for (const s of await db.collection('sessions').find({}).toArray()) {
    // Held: ended after going live (a session from before liveAt existed could only end from live).
    if (s.status !== 'ended' || s.liveAt === null) continue;
    const g = at(key === 'year' ? new Date(s.start as Date).getUTCFullYear() : `${s.fromCountry}-${s.courtCountry}`);
    g.held++;
    g.witnesses.add(String(s.witnessId));
  }
  for (const s of await db.collection('sentences').find({}).toArray()) {
    if (s.outcome !== 'convicted') continue;
    const g = at(key === 'year' ? new Date(s.date as Date).getUTCFullYear() : s.countryPair);
    g.sentenced++;
    g.months += s.termMonths as number;
  }
  return out;
}

type Row = { group: string; sessionsHeld: unknown; witnessesTestified: unknown; defendantsSentenced: unknown; sentenceMonths: unknown };

/**
 * A published figure equals the count; a suppressed one is "<3" only when the count is 1 or 2,
 * "suppressed" otherwise (secondary suppression); no count of 1 or 2 is ever published.
 */
function expectShown(value: unknown, count: number, what: string): void {
  if (typeof value === 'number') {
    expect(value, what).to.equal(count);
    expect(count > 0 && count < 3, `${what}: a small count published`).to.equal(false);
  } else if (value === '<3') expect(count, what).to.be.within(1, 2);
  else expect(value, what).to.equal(SECONDARY_MARKER);
}

function expectMatches(rows: readonly Row[], expected: Counts): void {
  for (const row of rows) {
    const e = expected[row.group]!;
    expectShown(row.sessionsHeld, e.held, `${row.group} sessionsHeld`);
    expectShown(row.witnessesTestified, e.witnesses.size, `${row.group} witnessesTestified`);
    expectShown(row.defendantsSentenced, e.sentenced, `${row.group} defendantsSentenced`);
    expect(row.sentenceMonths, row.group).to.equal(typeof row.defendantsSentenced === 'number' ? e.months : null);
  }
}

describe('reports on the seed data', () => {
  let svc: TestService;
  let token: string;
  before(async function () {
    this.timeout(60_000);
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_reports') });
    await mongoose.connection.db!.dropDatabase();
    await seedDemoData(svc.config);
    // Restart so the configured administrator (dropped above) is created again.
    await svc.close();
    await start();
  });
  /** Starts the service on the seeded database and signs programme staff in (a new service has a new key). */
  async function start(): Promise<void> {
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_reports') });
    const res = await request(svc.url).post('/api/auth/login').send({ username: 'demo.staff', password: 'demo-staff-password' }).expect(200);
    token = res.body.token as string;
  }
  after(async () => {
    await svc.close();
  });

  for (const groupBy of ['year', 'countryPair'] as const) {
    it(`GET /api/reports/summary?groupBy=${groupBy} matches counts computed independently, small counts suppressed`, async () => {
      const res = await request(svc.url).get(`/api/reports/summary?groupBy=${groupBy}`).set('Authorization', bearer(token)).expect(200);
      const expected = await independentCounts(groupBy);
      expect(res.body.rows.map((r: { group: string }) => r.group).sort()).to.deep.equal(Object.keys(expected).sort());
      expectMatches(res.body.rows as Row[], expected);
    });
  }

  it('the seed spans 2022–2026 with figures published and suppressed (the comparison is not vacuous)', async () => {
    const res = await request(svc.url).get('/api/reports/summary?groupBy=year&from=2022&to=2025').set('Authorization', bearer(token)).expect(200);
    expect(res.body.rows.map((r: { group: string }) => r.group)).to.deep.equal(['2022', '2023', '2024', '2025']);
    const values = (res.body.rows as Row[]).flatMap((r) => [r.sessionsHeld, r.witnessesTestified, r.defendantsSentenced]);
    expect(values.filter((v) => typeof v === 'number' && v >= 3).length, 'published figures').to.be.greaterThan(3);
    const pairs = await request(svc.url).get('/api/reports/summary?groupBy=countryPair').set('Authorization', bearer(token)).expect(200);
    expect(JSON.stringify(pairs.body.rows), 'suppressed figures').to.match(/"<3"|"suppressed"/);
  });

  it('Accept: text/csv returns the same figures as CSV', async () => {
    const json = await request(svc.url).get('/api/reports/summary?groupBy=countryPair').set('Authorization', bearer(token)).expect(200);
    const csv = await request(svc.url).get('/api/reports/summary?groupBy=countryPair').set('Authorization', bearer(token)).set('Accept', 'text/csv').expect(200);
    expect(csv.headers['content-type']).to.match(/^text\/csv/);
    const lines = csv.text.trim().split('\r\n');
    expect(lines[0]).to.equal('group,sessionsHeld,witnessesTestified,defendantsSentenced,sentenceMonths');
    expect(lines).to.have.length(json.body.rows.length + 1);
    const first = json.body.rows[0] as Record<string, unknown>;
    expect(lines[1]).to.equal([first.group, first.sessionsHeld, first.witnessesTestified, first.defendantsSentenced, first.sentenceMonths ?? ''].join(','));
  });

  it('ending a session and recording a sentence through the API update the report at once', async function () {
    this.timeout(30_000);
    const sc = await createScenario(svc, { fromCountry: 'AL', courtCountry: 'ME' });
    const summary = async () => (await request(svc.url).get('/api/reports/summary?groupBy=countryPair').set('Authorization', bearer(token)).expect(200)).body.rows as { group: string }[];
    expect((await summary()).map((r) => r.group)).not.to.include('AL-ME');
    const op = bearer(sc.users.operator.token);
    for (const status of ['lobby', 'live', 'ended']) await request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', op).send({ status }).expect(200);
    const pr = bearer(sc.users.prosecutor.token);
    for (const d of sc.defendantIds) await request(svc.url).post('/api/sentences').set('Authorization', pr).send({ trialId: sc.trialId, defendantId: d, date: '2026-03-01', termMonths: 40, outcome: 'convicted' }).expect(201);
    await request(svc.url).post('/api/sentences').set('Authorization', pr).send({ trialId: sc.trialId, defendantId: sc.defendantIds[0], date: '2026-03-01', termMonths: 40, outcome: 'convicted' }).expect(409);
    const row = (await summary()).find((r) => r.group === 'AL-ME');
    expect(row).to.deep.equal({ group: 'AL-ME', sessionsHeld: '<3', witnessesTestified: '<3', defendantsSentenced: '<3', sentenceMonths: null });
    for (const groupBy of ['year', 'countryPair'] as const) {
      const res = await request(svc.url).get(`/api/reports/summary?groupBy=${groupBy}`).set('Authorization', bearer(token)).expect(200);
      expectMatches(res.body.rows as Row[], await independentCounts(groupBy));
    }
  });

  it('npm run reports:rebuild puts figures that drifted from the records right again', async function () {
    this.timeout(60_000);
    const byYear = async () => (await request(svc.url).get('/api/reports/summary?groupBy=year').set('Authorization', bearer(token)).expect(200)).body.rows as { group: string; sessionsHeld: unknown }[];
    const before = await byYear();
    // Figures changed by hand in the database: the newest fold says 2023 had 5 more sessions.
    const folds = mongoose.connection.db!.collection<{ _id: string; n: number; stripped: boolean; cells: { year: number; sessionsHeld: number }[] }>('report_folds');
    const [newest] = await folds.find({ stripped: false }).sort({ n: -1 }).limit(1).toArray();
    const cells = newest!.cells.map((c) => (c.year === 2023 ? { ...c, sessionsHeld: c.sessionsHeld + 5 } : c));
    expect(cells.some((c) => c.year === 2023), 'a 2023 cell').to.equal(true);
    await folds.updateOne({ _id: newest!._id }, { $set: { cells } });
    await svc.close(); // the script runs while the service is stopped (and the restart drops its cache)
    await start();
    expect(await byYear()).to.not.deep.equal(before);
    await svc.close();
    const out = execFileSync(process.execPath, [path.join(ROOT, 'dist/scripts/rebuild-reports.js')], {
      env: { ...process.env, ...testEnv({ MONGODB_URI: testDatabaseUri('wb_reports'), LOG_LEVEL: 'warn' }) } as NodeJS.ProcessEnv,
      encoding: 'utf8',
    });
    expect(out).to.match(/reports:rebuild: \d+ \(year, country pair\) groups recomputed/);
    await start();
    expect(await byYear()).to.deep.equal(before);
  });

  it('answers 400 when from is after to', async () => {
    await request(svc.url).get('/api/reports/summary?from=2025&to=2022').set('Authorization', bearer(token)).expect(400);
  });
});

describe('OpenAPI document', () => {
  let svc: TestService;
  before(async function () {
    this.timeout(60_000);
    svc = await startTestService();
  });
  after(async () => {
    await svc.close();
  });

  it('GET /api/openapi.json describes every route with its schemas and roles', async () => {
    const res = await request(svc.url).get('/api/openapi.json').expect(200);
    expect(res.body.openapi).to.equal('3.1.0');
    const post = res.body.paths['/api/sessions'].post;
    expect(post.requestBody.content['application/json'].schema.properties).to.include.keys(['trialId', 'witnessId', 'start', 'end', 'measures']);
    expect(post['x-roles']).to.deep.equal(['admin', 'prosecutor']);
    expect(res.body.paths['/api/witnesses/{id}/identity'].get.parameters[0]).to.include({ name: 'id', in: 'path' });
    expect(res.body.paths['/api/reports/summary'].get.responses['200'].content).to.have.property('text/csv');
  });

  it('lists every route of the access table, with its roles', async () => {
    const res = await request(svc.url).get('/api/openapi.json').expect(200);
    for (const [key, access] of Object.entries(ROUTE_ACCESS)) {
      const [method, path] = key.split(' ') as [string, string];
      const op = res.body.paths[`/api${path.replace(/:([A-Za-z]+)/g, '{$1}')}`]?.[method.toLowerCase()];
      expect(op, key).to.be.an('object');
      expect(op['x-roles'], key).to.deep.equal(access);
    }
  });
});
