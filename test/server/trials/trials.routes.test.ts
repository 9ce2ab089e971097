import { expect } from 'chai';
import request from 'supertest';
import { createScenario, SCENARIO_ADMIN_ENV, bearer, type Scenario } from '../../support/scenario.js';
import { startTestService, type TestService } from '../../support/service.js';

describe('trial and sentence routes', () => {
  let svc: TestService;
  let sc: Scenario;
  before(async function () {
    this.timeout(60_000);
    svc = await startTestService(SCENARIO_ADMIN_ENV);
    sc = await createScenario(svc);
  });
  after(async () => {
    await svc.close();
  });
  const pr = () => bearer(sc.users.prosecutor.token);
  const trial = (over: Record<string, unknown>) => ({
    caseNumber: `K-${Math.random().toString(16).slice(2, 10)}`,
    court: 'Demo Court',
    courtCountry: 'BA',
    judgeId: sc.users.judge.id,
    prosecutorIds: [sc.users.prosecutor.id],
    defendants: [{ name: 'Accused One' }],
    charges: ['drugs'],
    ...over,
  });

  it('POST /api/trials answers 409 for a case number that exists', async () => {
    const res = await request(svc.url).get(`/api/trials/${sc.trialId}`).set('Authorization', pr()).expect(200);
    await request(svc.url).post('/api/trials').set('Authorization', pr()).send(trial({ caseNumber: res.body.caseNumber })).expect(409);
  });

  it('POST /api/trials answers 400 when the judge or a prosecutor is not a user with that role', async () => {
    const res = await request(svc.url).post('/api/trials').set('Authorization', pr()).send(trial({ judgeId: sc.users.defence.id, prosecutorIds: [sc.users.judge.id] })).expect(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['body.judgeId', 'body.prosecutorIds.0']);
  });

  it('POST /api/trials answers 400 for an unknown charge and an unknown field, and writes nothing', async () => {
    const caseNumber = 'K-NEVER-WRITTEN';
    await request(svc.url).post('/api/trials').set('Authorization', pr()).send(trial({ caseNumber, charges: ['jaywalking'] })).expect(400);
    await request(svc.url).post('/api/trials').set('Authorization', pr()).send(trial({ caseNumber, extra: 1 })).expect(400);
    const list = await request(svc.url).get('/api/trials').query({ caseNumber }).set('Authorization', pr()).expect(200);
    expect(list.body.items).to.have.length(0);
  });

  it('PATCH /api/trials/:id adds defendants and keeps the existing ids', async () => {
    const res = await request(svc.url).patch(`/api/trials/${sc.trialId}`).set('Authorization', pr()).send({ addDefendants: [{ name: 'Accused Three' }], status: 'inProgress' }).expect(200);
    expect(res.body.defendants.map((d: { id: string }) => d.id).slice(0, 2)).to.deep.equal(sc.defendantIds);
    expect(res.body.defendants).to.have.length(3);
  });

  it('POST /api/sentences answers 400 for a defendant of another trial and for a term without a conviction', async () => {
    const other = await request(svc.url).post('/api/trials').set('Authorization', pr()).send(trial({})).expect(201);
    const a = await request(svc.url).post('/api/sentences').set('Authorization', pr()).send({ trialId: sc.trialId, defendantId: other.body.defendants[0].id, date: '2025-05-05', termMonths: 12, outcome: 'convicted' }).expect(400);
    expect(a.body.error.details[0].path).to.equal('body.defendantId');
    const b = await request(svc.url).post('/api/sentences').set('Authorization', pr()).send({ trialId: sc.trialId, defendantId: sc.defendantIds[0], date: '2025-05-05', termMonths: 12, outcome: 'acquitted' }).expect(400);
    expect(b.body.error.details[0].path).to.equal('body.termMonths');
  });

  it('POST /api/sentences records the country pair of the trial\'s testimony; GET filters by trial', async () => {
    const res = await request(svc.url).post('/api/sentences').set('Authorization', pr()).send({ trialId: sc.trialId, defendantId: sc.defendantIds[1], date: '2025-05-05', termMonths: 30, outcome: 'convicted' }).expect(201);
    expect(res.body).to.include({ countryPair: 'MD-MK', termMonths: 30, date: '2025-05-05' });
    const list = await request(svc.url).get('/api/sentences').query({ trialId: sc.trialId }).set('Authorization', bearer(sc.users.judge.token)).expect(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).to.deep.equal([res.body.id]);
  });
});
