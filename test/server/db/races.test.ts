import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import mongoose from 'mongoose';
import { STUCK_MS, updateVersioned, writeAtRevision } from '../../../server/db/versioned.js';
import type { RoomTicket } from '../../../server/signaling/ports.js';
import { SCENARIO_ADMIN_ENV } from '../../support/scenario.js';
import { capturedLogs, emptyTestDatabase, startTestService, type TestService } from '../../support/service.js';
import { buildFixture, burst, callRetrying as call, expectFiguresEqualRecount, recount, sentenceBody, type Fixture } from './support.js';

const ADMIN = { username: SCENARIO_ADMIN_ENV.ADMIN_USERNAME, password: SCENARIO_ADMIN_ENV.ADMIN_PASSWORD };
const db = (): mongoose.mongo.Db => mongoose.connection.db!;
/** A versioned document of no domain, for the versioning's own edge cases. */
const Probe = mongoose.model('VersionedProbe', new mongoose.Schema({ x: String, _rev: Number }, { collection: 'versioned_probe' }));

/** A session stored directly (the races start from a given state), its window around now unless given. */
async function insertSession(trialId: string, fields: Record<string, unknown> = {}): Promise<string> {
  const start = new Date(Date.now() - 5 * 60_000);
  const _id = new mongoose.Types.ObjectId();
  await db()
    .collection('sessions')
    .insertOne({
      _id,
      trialId,
      witnessId: new mongoose.Types.ObjectId().toHexString(),
      fromCountry: 'MD',
      courtCountry: 'MK',
      countryPair: 'MD-MK',
      courtRoom: `Room ${_id.toHexString()}`,
      start,
      end: new Date(start.getTime() + 3600_000),
      year: start.getUTCFullYear(),
      timeZones: { witness: 'UTC', court: 'UTC' },
      participants: [],
      judgeUserIds: [],
      measures: ['pseudonym'],
      status: 'scheduled',
      createdBy: 'races',
      ...fields,
    });
  return _id.toHexString();
}

const operator = (sessionId: string): RoomTicket => ({ sessionId, participantId: 'operator-races', role: 'operator', displayName: 'Operator' });

describe('concurrent writes on FerretDB', function () {
  this.timeout(120_000);
  let svc: TestService;
  let fx: Fixture;
  before(async () => {
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: await emptyTestDatabase('wb_races') });
    fx = await buildFixture(svc, ADMIN, 4);
  });
  after(async () => {
    await svc.close();
    // If the database was ever taken for down, say why (a loaded machine answers slowly).
    for (const l of capturedLogs) {
      const j = JSON.parse(l) as { msg: string; to?: string; reason?: string; waitedMs?: number; deadlineMs?: number };
      if (/^(setState|recover|reconcile)\(\)/.test(j.msg) && j.to !== 'closed') console.log(`      ${j.msg} ${j.to ?? ''} ${j.reason ?? ''} ${j.waitedMs ?? ''} ${j.deadlineMs ?? ''}`);
    }
  });

  it('FerretDB loses one of two plain concurrent updates of one document (why updates are versioned)', async function () {
    const info = await db().admin().command({ buildInfo: 1 });
    if (!('ferretdbVersion' in info || 'ferretdb' in info)) this.skip();
    let lost = 0;
    for (let i = 0; i < 20; i++) {
      const { insertedId } = await db().collection('race_probe').insertOne({ a: 0, b: 0 });
      await Promise.all([db().collection('race_probe').updateOne({ _id: insertedId }, { $set: { a: 1 } }), db().collection('race_probe').updateOne({ _id: insertedId }, { $set: { b: 1 } })]);
      const doc = await db().collection('race_probe').findOne({ _id: insertedId });
      if (doc?.a !== 1 || doc.b !== 1) lost++;
    }
    expect(lost, 'plain updates lost in 20 tries').to.be.greaterThan(0);
  });

  it('a writer stalled past its claim does not write over a later version (its claim was rolled forward meanwhile)', async () => {
    const { _id } = await Probe.create({ x: 'start' });
    expect(await writeAtRevision(Probe, _id, 3, { x: 'wrong version', _rev: 4 }), 'a write at a version the document is not at').to.equal(false);
    // Writer A claimed version 1 and stalled before writing: its claim is old enough to be rolled forward.
    await db().collection('revision_claims').insertOne({ _id: `versioned_probe:${String(_id)}:1` as never, set: { x: 'A', _rev: 1 }, at: new Date(Date.now() - STUCK_MS - 1000), run: null });
    // Writer C rolls A's change forward, then writes version 2.
    const c = await updateVersioned<{ _id: unknown; x: string; _rev?: number }>(Probe, _id, () => ({ x: 'C' }));
    expect(c.found && c.changed).to.equal(true);
    expect(await Probe.findById(_id).lean()).to.include({ x: 'C', _rev: 2 });
    // A wakes up and writes what it claimed: nothing changes.
    expect(await writeAtRevision(Probe, _id, 0, { x: 'A', _rev: 1 })).to.equal(false);
    expect(await Probe.findById(_id).lean()).to.include({ x: 'C', _rev: 2 });
    expect(await db().collection('revision_claims').countDocuments({ _id: { $regex: `^versioned_probe:${String(_id)}:` } as never })).to.equal(0);
  });

  it('200 sentences and 50 session completions recorded concurrently: every report figure equals the recount', async () => {
    const witnesses = Array.from({ length: 10 }, () => new mongoose.Types.ObjectId().toHexString());
    const live: string[] = [];
    for (let i = 0; i < 50; i++) {
      const start = new Date(Date.UTC(2025, 2, 1) + i * 3 * 3600_000);
      live.push(await insertSession(fx.trialIds[0]!, { witnessId: witnesses[i % 10], start, end: new Date(start.getTime() + 3600_000), year: 2025, status: 'live', liveAt: start }));
    }
    const writes = [...fx.defendants.map((d, i) => () => call(svc, 'POST', '/api/sentences', fx.token, sentenceBody(d, i))), ...live.map((id) => () => call(svc, 'POST', `/api/sessions/${id}/status`, fx.token, { status: 'ended' }))];
    // Interleaved, many in flight at once.
    const shuffled = writes.map((w, i) => ({ w, k: (i * 7919) % writes.length })).sort((a, b) => a.k - b.k);
    const outcomes = await burst(shuffled, 16, ({ w }) => w());
    // A write retried after a 503 may find itself already done (409): that is its success too.
    expect(outcomes.filter((o) => o.status !== 201 && o.status !== 200 && !(o.status === 409 && o.retried > 0)).map((o) => o.status)).to.deep.equal([]);
    await expectFiguresEqualRecount(db());
    const counts = await recount(db());
    const held = [...counts.values()].reduce((s, f) => s + f.held, 0);
    const sentenced = [...counts.values()].reduce((s, f) => s + f.sentenced, 0);
    expect(held).to.equal(50);
    expect(sentenced).to.equal(160);
    const report = await call(svc, 'GET', '/api/reports/summary?groupBy=year&from=2025&to=2025', fx.token);
    expect(report.body).to.deep.include({ rows: [{ group: '2025', sessionsHeld: 50, witnessesTestified: 10, defendantsSentenced: 160, sentenceMonths: [...counts.values()].reduce((s, f) => s + f.months, 0) }] });
    await new Promise((r) => setTimeout(r, 3500)); // a compaction folds the contributions meanwhile
    await expectFiguresEqualRecount(db());
    expect(await db().collection('report_folds').countDocuments({ stripped: false }), 'folds were made').to.be.greaterThan(0);
  });

  it('moves out of one state race: exactly one wins, with one event and one count', async () => {
    const id = await insertSession(fx.trialIds[1]!, { status: 'live', liveAt: new Date() });
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => call(svc, 'POST', `/api/sessions/${id}/status`, fx.token, { status: 'ended' })));
    // One winner: one 200 (unless its answer was cut by a 503 and the retry found it done) and 409s.
    expect(outcomes.filter((o) => o.status === 200).length).to.be.at.most(1);
    expect(outcomes.filter((o) => o.status !== 200).every((o) => o.status === 409)).to.equal(true);
    expect((await db().collection('sessions').findOne({ _id: new mongoose.Types.ObjectId(id) }))?.status).to.equal('ended');
    expect(await db().collection('audit_events').countDocuments({ target: `session:${id}`, 'details.to': 'ended' })).to.equal(1);
    expect(await db().collection('report_pending').countDocuments({ _id: `session:${id}` as unknown as mongoose.Types.ObjectId })).to.be.at.most(1);
    for (let i = 0; i < 5; i++) {
      const s = await insertSession(fx.trialIds[1]!, { status: 'lobby' });
      const [live, cancelled] = await Promise.all([call(svc, 'POST', `/api/sessions/${s}/status`, fx.token, { status: 'live' }), call(svc, 'POST', `/api/sessions/${s}/status`, fx.token, { status: 'cancelled' })]);
      const doc = await db().collection('sessions').findOne({ _id: new mongoose.Types.ObjectId(s) });
      if (live.retried + cancelled.retried === 0) expect([live.status, cancelled.status].sort(), `try ${i}`).to.deep.equal([200, 409]);
      if (live.status === 200 || cancelled.status === 200) expect(doc?.status).to.equal(live.status === 200 ? 'live' : 'cancelled');
      expect(['live', 'cancelled']).to.include(doc?.status);
      expect(await db().collection('audit_events').countDocuments({ target: `session:${s}`, action: 'session.status' })).to.equal(1);
    }
  });

  it('a change of measures and a move on at the same moment both land (neither undoes the other)', async () => {
    for (let i = 0; i < 8; i++) {
      const s = await insertSession(fx.trialIds[2]!, { status: 'live', liveAt: new Date() });
      const [closed, ended] = await Promise.allSettled([svc.service.api.roomAccess.setMeasure(s, 'closedSession', true, operator(s)), svc.service.api.roomAccess.setStatus(s, 'ended', operator(s))]);
      const doc = await db().collection('sessions').findOne({ _id: new mongoose.Types.ObjectId(s) });
      expect(ended.status, `try ${i}`).to.equal('fulfilled');
      expect(doc?.status, `try ${i}: the move stayed`).to.equal('ended');
      if (closed.status === 'fulfilled') expect(doc?.measures, `try ${i}: the measure stayed`).to.include('closedSession');
      const p = await insertSession(fx.trialIds[2]!);
      const [patched, lobby] = await Promise.all([call(svc, 'PATCH', `/api/sessions/${p}`, fx.token, { measures: ['pseudonym', 'faceMask', 'voiceMask'] }), call(svc, 'POST', `/api/sessions/${p}/status`, fx.token, { status: 'lobby' })]);
      const after = await db().collection('sessions').findOne({ _id: new mongoose.Types.ObjectId(p) });
      expect(lobby.status).to.equal(200);
      expect(after?.status, `try ${i}: a scheduled-only change did not undo the move`).to.equal('lobby');
      if (patched.status === 200) expect(after?.measures).to.include('faceMask');
      else expect(patched.status).to.equal(409);
    }
  });

  it('revoking an invitation while it is first used: it stays revoked', async () => {
    for (let i = 0; i < 8; i++) {
      const s = await insertSession(fx.trialIds[3]!, { status: 'lobby' });
      const issued = await call(svc, 'POST', `/api/sessions/${s}/invitations`, fx.token, { role: 'witness' });
      expect(issued.status).to.equal(201);
      const { invitation, link } = issued.body as { invitation: { id: string }; link: string };
      const token = /#token=([^&]+)/.exec(link)![1]!;
      const [revoked, used] = await Promise.allSettled([call(svc, 'DELETE', `/api/sessions/${s}/invitations/${invitation.id}`, fx.token), svc.service.api.roomAccess.authenticate({ token, deviceKey: randomBytes(24).toString('base64url') })]);
      expect(revoked.status === 'fulfilled' && revoked.value.status).to.equal(204);
      const doc = await db().collection('invitations').findOne({ _id: new mongoose.Types.ObjectId(invitation.id) });
      expect(doc?.revokedAt, `try ${i}: revoked`).to.be.instanceOf(Date);
      if (used.status === 'fulfilled') expect(doc?.usedAt, `try ${i}: use recorded`).to.be.instanceOf(Date);
    }
  });

  it('two changes of one account at once both land; defendants added at once are all kept; a witness changed and archived at once keeps both', async () => {
    for (let i = 0; i < 6; i++) {
      const user = await call(svc, 'POST', '/api/users', fx.token, { username: `race-${i}-${Date.now()}`, password: 'a-long-password-for-races', role: 'interpreter', displayName: 'Before' });
      await Promise.all([call(svc, 'PATCH', `/api/users/${user.id}`, fx.token, { active: false }), call(svc, 'PATCH', `/api/users/${user.id}`, fx.token, { displayName: `After ${i}` })]);
      const doc = await db().collection('users').findOne({ _id: new mongoose.Types.ObjectId(user.id) });
      expect({ active: doc?.active, displayName: doc?.displayName }, `try ${i}`).to.deep.equal({ active: false, displayName: `After ${i}` });
    }
    const before = (await db().collection('trials').findOne({ _id: new mongoose.Types.ObjectId(fx.trialIds[3]) }))!.defendants.length as number;
    const added = await Promise.all(Array.from({ length: 10 }, (_, i) => call(svc, 'PATCH', `/api/trials/${fx.trialIds[3]}`, fx.token, { addDefendants: [{ name: `Late defendant ${i}` }] })));
    expect(added.map((o) => o.status)).to.deep.equal(new Array(10).fill(200));
    expect((await db().collection('trials').findOne({ _id: new mongoose.Types.ObjectId(fx.trialIds[3]) }))!.defendants).to.have.length(before + 10);
    for (let i = 0; i < 6; i++) {
      const w = await call(svc, 'POST', '/api/witnesses', fx.token, { codename: `Race-${i}-${Date.now()}`, identity: { legalName: 'Race Testname', dateOfBirth: '1990-01-01', contact: 'none', currentLocation: 'nowhere' }, countryOfOrigin: 'UA', languages: ['uk'], protectionStatus: 'active', riskLevel: 'low' });
      await Promise.all([call(svc, 'PATCH', `/api/witnesses/${w.id}`, fx.token, { riskLevel: 'critical' }), call(svc, 'DELETE', `/api/witnesses/${w.id}`, fx.token)]);
      const doc = await db().collection('witnesses').findOne({ _id: new mongoose.Types.ObjectId(w.id) });
      expect({ riskLevel: doc?.riskLevel, archived: doc?.archived }, `try ${i}`).to.deep.equal({ riskLevel: 'critical', archived: true });
    }
  });
});
