import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { testDatabaseUri } from '../../support/hooks.js';
import { SCENARIO_ADMIN_ENV, bearer } from '../../support/scenario.js';
import { startTestService, type TestService } from '../../support/service.js';

const FLOOD = 3000;

describe('the audit queue under an anonymous flood', function () {
  this.timeout(90_000);
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_audit_flood') });
  });
  after(async () => {
    await svc.close();
  });

  it('room controls and session transitions are not delayed by thousands of anonymous events, which stay bounded and are aggregated', async () => {
    const token = (await request(svc.url).post('/api/auth/login').send({ username: 'admin', password: SCENARIO_ADMIN_ENV.ADMIN_PASSWORD }).expect(200)).body.token as string;
    const audit = svc.service.api.audit;
    const db = mongoose.connection.db!;
    const sessionId = new mongoose.Types.ObjectId();
    await db.collection('sessions').insertOne({ _id: sessionId, trialId: 't', witnessId: 'w', fromCountry: 'MD', courtCountry: 'MK', countryPair: 'MD-MK', courtRoom: 'R', start: new Date(), end: new Date(Date.now() + 3600_000), year: 2026, timeZones: { witness: 'UTC', court: 'UTC' }, participants: [], judgeUserIds: [], measures: [], status: 'live', liveAt: new Date(), createdBy: 'x' });
    const before = await db.collection('audit_events').countDocuments({});

    // Throttled logins, as an anonymous flood writes them: thousands at once.
    const floodStarted = Date.now();
    const flood = Array.from({ length: FLOOD }, (_, i) => audit.append({ actor: { kind: 'anonymous', label: `guess-${i % 50}` }, action: 'auth.login', target: 'user:unknown', outcome: 'failure', details: { reason: 'throttled' } }));
    expect(audit.anonymousWaiting, 'the anonymous lane is bounded').to.be.at.most(200);
    expect(audit.anonymousWaiting, 'a backlog is waiting').to.be.greaterThan(100);

    const controlStarted = Date.now();
    await audit.append({ actor: { kind: 'participant', id: 'operator-1', role: 'operator', label: 'Operator' }, action: 'room.pauseProducer', target: `session:${sessionId.toHexString()}`, outcome: 'success' });
    const controlMs = Date.now() - controlStarted;
    const transitionStarted = Date.now();
    await request(svc.url).post(`/api/sessions/${sessionId.toHexString()}/status`).set('Authorization', bearer(token)).send({ status: 'ended' }).expect(200);
    const transitionMs = Date.now() - transitionStarted;
    const backlogLeft = audit.anonymousWaiting;

    await Promise.all(flood);
    await audit.drain();
    const floodMs = Date.now() - floodStarted;
    console.log(`      measured: room control ${controlMs} ms and session transition ${transitionMs} ms during a flood of ${FLOOD} anonymous events (${backlogLeft} still waiting after them; the flood took ${floodMs} ms to write)`);
    expect(controlMs, 'a room control waits for at most the write in progress').to.be.below(1000);
    expect(backlogLeft, 'both went ahead of the waiting anonymous events').to.be.greaterThan(0);

    const written = await db.collection('audit_events').countDocuments({ action: 'auth.login', 'details.reason': 'throttled' });
    const aggregated = await db.collection('audit_events').find({ action: 'audit.aggregated' }).toArray();
    const counted = aggregated.reduce((s, e) => s + (e.details.total as number), 0);
    expect(written + counted, 'every anonymous event written or counted in an aggregate').to.equal(FLOOD);
    expect(aggregated[0]?.details.counts).to.deep.include({ action: 'auth.login', outcome: 'failure', reason: 'throttled', count: aggregated[0]?.details.total });
    expect(await db.collection('audit_events').countDocuments({})).to.equal(before + written + aggregated.length + 2);
    const verify = await request(svc.url).get('/api/audit/verify').set('Authorization', bearer(token)).expect(200);
    expect(verify.body).to.include({ ok: true });
  });
});
