import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { SECOND_LOOK_MS } from '../../../server/audit/intents.js';
import { sentenceRecorded } from '../../../server/reports/index.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { SCENARIO_ADMIN_ENV, bearer } from '../../support/scenario.js';
import { capturedLogs, emptyTestDatabase, startTestService, type TestService } from '../../support/service.js';

const system = { kind: 'system' } as const;

/** Logs the scenario administrator in. */
async function adminToken(svc: TestService): Promise<string> {
  const res = await request(svc.url).post('/api/auth/login').send({ username: SCENARIO_ADMIN_ENV.ADMIN_USERNAME, password: SCENARIO_ADMIN_ENV.ADMIN_PASSWORD }).expect(200);
  return (res.body as { token: string }).token;
}

describe('start-up after an unclean stop', function () {
  this.timeout(60_000);
  const uri = (): string => testDatabaseUri('wb_reconcile');
  let a: TestService | undefined;
  let b: TestService | undefined;
  after(async () => {
    await b?.close();
    await a?.close();
  });

  it('finds the run that did not stop cleanly and settles what it left half-done before serving', async () => {
    a = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: await emptyTestDatabase('wb_reconcile') });
    const token = await adminToken(a);
    const witness = await request(a.url)
      .post('/api/witnesses')
      .set('Authorization', bearer(token))
      .send({ codename: 'Kestrel-R', identity: { legalName: 'Reconcile Testname', dateOfBirth: '1990-01-01', contact: 'none', currentLocation: 'nowhere' }, countryOfOrigin: 'MD', languages: ['ro'], protectionStatus: 'active', riskLevel: 'low' })
      .expect(201);
    const witnessId = new mongoose.Types.ObjectId((witness.body as { id: string }).id);
    const db = mongoose.connection.db!;
    const runA = a.service.runs.id;
    // What a crash of run A leaves behind:
    // 1. a sentence stored whose event was never appended;
    const stored = { _id: new mongoose.Types.ObjectId(), trialId: 't-reconcile', defendantId: 'd1', date: new Date('2025-05-01'), year: 2025, termMonths: 30, outcome: 'convicted', countryPair: 'MD-MK', createdBy: 'x' };
    await db.collection('sentences').insertOne(stored);
    const i1 = new mongoose.Types.ObjectId();
    const event = (target: string) => ({ actor: system, action: 'sentence.create', target, outcome: 'success', details: { trialId: 't-reconcile' } });
    await db.collection('audit_intents').insertOne({ _id: i1, run: runA, at: new Date(), event: event(`sentence:${stored._id.toHexString()}`), record: { collection: 'sentences', id: stored._id, change: 'create' }, report: sentenceRecorded(stored) });
    // 2. an intent whose sentence was never stored;
    const i2 = new mongoose.Types.ObjectId();
    const never = new mongoose.Types.ObjectId();
    await db.collection('audit_intents').insertOne({ _id: i2, run: runA, at: new Date(), event: event(`sentence:${never.toHexString()}`), record: { collection: 'sentences', id: never, change: 'create' }, report: null });
    // 3. a versioned update of the witness claimed but not written.
    const i3 = new mongoose.Types.ObjectId();
    const rev = ((await db.collection('witnesses').findOne({ _id: witnessId }))?._rev as number | undefined) ?? 0;
    await db.collection('revision_claims').insertOne({ _id: `witnesses:${witnessId.toHexString()}:${rev + 1}` as unknown as mongoose.Types.ObjectId, set: { riskLevel: 'critical', _rev: rev + 1, _intents: [i3.toHexString()] }, at: new Date(), run: runA });
    await db.collection('audit_intents').insertOne({ _id: i3, run: runA, at: new Date(), event: { actor: system, action: 'witness.update', target: `witness:${witnessId.toHexString()}`, outcome: 'success', details: { changed: ['riskLevel'] } }, record: { collection: 'witnesses', id: witnessId, change: 'update' }, report: null });
    await a.close();
    // Run A never recorded its stop.
    const client = await mongoose.mongo.MongoClient.connect(uri());
    await client.db().collection<{ _id: string }>('service_runs').updateOne({ _id: runA }, { $set: { stoppedAt: null, clean: null } });
    await client.close();
    a = undefined;

    const started = Date.now();
    b = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: uri() });
    const startMs = Date.now() - started;
    expect(b.service.recovery).to.deep.include({ uncleanRuns: [runA], completed: 2, dropped: 1 });
    expect(startMs, 'waited at most the staleness window for the dead run').to.be.below(12_000);
    await request(b.url).get('/readyz').expect(200);
    const after = mongoose.connection.db!;
    expect(await after.collection('audit_intents').countDocuments({})).to.equal(0);
    expect(await after.collection('revision_claims').countDocuments({})).to.equal(0);
    const e1 = await after.collection('audit_events').findOne({ _id: i1 });
    expect(e1).to.deep.include({ action: 'sentence.create', target: `sentence:${stored._id.toHexString()}`, reconciled: true });
    expect(await after.collection('audit_events').findOne({ _id: i2 }), 'no event for a record never stored').to.equal(null);
    expect(await after.collection('audit_events').findOne({ target: `sentence:${never.toHexString()}` })).to.equal(null);
    expect(await after.collection('audit_events').findOne({ _id: i3 })).to.deep.include({ action: 'witness.update', reconciled: true });
    expect(await after.collection('witnesses').findOne({ _id: witnessId })).to.deep.include({ riskLevel: 'critical', _rev: rev + 1 });
    expect(await after.collection('service_runs').findOne({ _id: runA as unknown as mongoose.Types.ObjectId })).to.deep.include({ clean: false, reconciledBy: b.service.runs.id });
    const tokenB = await adminToken(b);
    const report = await request(b.url).get('/api/reports/summary?groupBy=year&from=2025&to=2025').set('Authorization', bearer(tokenB)).expect(200);
    expect(report.body.rows[0]).to.deep.include({ group: '2025', defendantsSentenced: '<3' });
    const verify = await request(b.url).get('/api/audit/verify').set('Authorization', bearer(tokenB)).expect(200);
    expect(verify.body, JSON.stringify(verify.body)).to.include({ ok: true, status: 'ok' });
  });
});

describe('reconciliation of intents whose write does not show', function () {
  this.timeout(60_000);
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: await emptyTestDatabase('wb_reconcile_looks') });
  });
  after(async () => {
    await svc?.close();
  });

  it('looks at them all a second time together after one wait, completing a write that landed meanwhile and dropping the rest', async () => {
    const db = mongoose.connection.db!;
    const run = 'a-dead-run';
    const intentFor = (sentenceId: mongoose.Types.ObjectId) => ({ _id: new mongoose.Types.ObjectId(), run, at: new Date(), event: { actor: system, action: 'sentence.create', target: `sentence:${sentenceId.toHexString()}`, outcome: 'success', details: { trialId: 't-looks' } }, record: { collection: 'sentences', id: sentenceId, change: 'create' }, report: null });
    const never = Array.from({ length: 8 }, () => intentFor(new mongoose.Types.ObjectId()));
    const lateId = new mongoose.Types.ObjectId();
    const late = intentFor(lateId);
    await db.collection('audit_intents').insertMany([late, ...never]);

    const logged = capturedLogs.length;
    const started = Date.now();
    const pass = svc.service.api.audit.reconcile([run]);
    // The write of `late` reaches the database while the pass waits for its second look.
    const waiting = (): boolean => capturedLogs.slice(logged).some((l) => l.includes('waiting to look a second time') && l.includes(run));
    while (!waiting() && Date.now() - started < 20_000) await new Promise((r) => setTimeout(r, 10));
    await db.collection('sentences').insertOne({ _id: lateId, trialId: 't-looks', defendantId: 'd1', date: new Date('2025-05-01'), year: 2025, termMonths: 0, outcome: 'acquitted', countryPair: null, createdBy: 'x' });
    expect(await pass).to.deep.equal({ completed: 1, dropped: 8 });
    const took = Date.now() - started;
    // One intent at a time, each with its own wait, would take at least 8 waits.
    expect(took, 'one second look for the whole pass').to.be.within(SECOND_LOOK_MS, 7 * SECOND_LOOK_MS);
    expect(await db.collection('audit_intents').countDocuments({ run })).to.equal(0);
    expect(await db.collection('audit_events').findOne({ _id: late._id })).to.deep.include({ target: `sentence:${lateId.toHexString()}`, reconciled: true });
    expect(await db.collection('audit_events').countDocuments({ _id: { $in: never.map((i) => i._id) } }), 'no event for a record never stored').to.equal(0);
  });

  it('two passes asked for at once (a sweep and a reconnection) settle an intent once', async () => {
    const db = mongoose.connection.db!;
    const run = 'another-dead-run';
    const stored = { _id: new mongoose.Types.ObjectId(), trialId: 't-twice', defendantId: 'd1', date: new Date('2025-05-01'), year: 2025, termMonths: 0, outcome: 'acquitted', countryPair: null, createdBy: 'x' };
    await db.collection('sentences').insertOne(stored);
    await db.collection('audit_intents').insertOne({ _id: new mongoose.Types.ObjectId(), run, at: new Date(), event: { actor: system, action: 'sentence.create', target: `sentence:${stored._id.toHexString()}`, outcome: 'success', details: { trialId: 't-twice' } }, record: { collection: 'sentences', id: stored._id, change: 'create' }, report: null });
    const passes = await Promise.all([svc.service.api.audit.reconcile([run]), svc.service.api.audit.reconcile([run])]);
    expect(passes.map((p) => p.completed).sort()).to.deep.equal([0, 1]);
    expect(await db.collection('audit_events').countDocuments({ target: `sentence:${stored._id.toHexString()}` })).to.equal(1);
  });
});
