import { expect } from 'chai';
import request from 'supertest';
import { bearer, useScenario } from '../../support/scenario.js';

describe('trial and sentence routes', () => {
  const ctx = useScenario();
  const pr = () => bearer(ctx.sc.users.prosecutor.token);
  const trial = (over: Record<string, unknown>) => ({
    caseNumber: `K-${Math.random().toString(16).slice(2, 10)}`,
    court: 'Demo Court',
    courtCountry: 'BA',
    judgeId: ctx.sc.users.judge.id,
    prosecutorIds: [ctx.sc.users.prosecutor.id],
    defendants: [{ name: 'Accused One' }],
    charges: ['drugs'],
    ...over,
  });

  it('POST /api/trials answers 409 for a case number that exists', async () => {
    const res = await request(ctx.svc.url).get(`/api/trials/${ctx.sc.trialId}`).set('Authorization', pr()).expect(200);
    await request(ctx.svc.url).post('/api/trials').set('Authorization', pr()).send(trial({ caseNumber: res.body.caseNumber })).expect(409);
  });

  it('POST /api/trials answers 400 when the judge or a prosecutor is not a user with that role', async () => {
    const res = await request(ctx.svc.url).post('/api/trials').set('Authorization', bearer(ctx.sc.admin.token)).send(trial({ judgeId: ctx.sc.users.defence.id, prosecutorIds: [ctx.sc.users.judge.id] })).expect(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['body.judgeId', 'body.prosecutorIds.0']);
  });

  it('POST /api/trials answers 400 for an unknown charge and an unknown field, and writes nothing', async () => {
    const caseNumber = 'K-NEVER-WRITTEN';
    await request(ctx.svc.url).post('/api/trials').set('Authorization', pr()).send(trial({ caseNumber, charges: ['jaywalking'] })).expect(400);
    await request(ctx.svc.url).post('/api/trials').set('Authorization', pr()).send(trial({ caseNumber, extra: 1 })).expect(400);
    const list = await request(ctx.svc.url).get('/api/trials').query({ caseNumber }).set('Authorization', pr()).expect(200);
    expect(list.body.items).to.have.length(0);
  });

  it('POST /api/trials by a prosecutor must list them among its prosecutors (400, nothing written)', async () => {
    const caseNumber = `K-NOT-MINE-${Math.random().toString(16).slice(2, 8)}`;
    const res = await request(ctx.svc.url).post('/api/trials').set('Authorization', pr()).send(trial({ caseNumber, prosecutorIds: [ctx.sc.admin.id] })).expect(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['body.prosecutorIds']);
    const list = await request(ctx.svc.url).get('/api/trials').query({ caseNumber }).set('Authorization', bearer(ctx.sc.admin.token)).expect(200);
    expect(list.body.items).to.have.length(0);
  });

  it('a prosecutor not on a trial cannot take it over, nor record its sentences (issue 10 finding 1)', async () => {
    const other = await request(ctx.svc.url).post('/api/users').set('Authorization', bearer(ctx.sc.admin.token)).send({ username: `pr-${Math.random().toString(16).slice(2, 8)}`, password: 'another-prosecutor-pass', role: 'prosecutor', displayName: 'Other prosecutor' }).expect(201);
    const login = await request(ctx.svc.url).post('/api/auth/login').send({ username: other.body.username, password: 'another-prosecutor-pass' }).expect(200);
    const outsider = bearer(login.body.token);
    await request(ctx.svc.url).patch(`/api/trials/${ctx.sc.trialId}`).set('Authorization', outsider).send({ prosecutorIds: [other.body.id] }).expect(404);
    const sentence = await request(ctx.svc.url).post('/api/sentences').set('Authorization', outsider).send({ trialId: ctx.sc.trialId, defendantId: ctx.sc.defendantIds[0], date: '2025-05-05', termMonths: 12, outcome: 'convicted' }).expect(403);
    expect(sentence.body.error.code).to.equal('not_your_trial');
    const trialNow = await request(ctx.svc.url).get(`/api/trials/${ctx.sc.trialId}`).set('Authorization', pr()).expect(200);
    expect(trialNow.body.prosecutorIds).to.deep.equal([ctx.sc.users.prosecutor.id]);
    const sentences = await request(ctx.svc.url).get('/api/sentences').query({ trialId: ctx.sc.trialId }).set('Authorization', bearer(ctx.sc.admin.token)).expect(200);
    expect(sentences.body.items.map((s: { defendantId: string }) => s.defendantId)).not.to.include(ctx.sc.defendantIds[0]);
  });

  it('PATCH /api/trials/:id adds defendants and keeps the existing ids', async () => {
    const res = await request(ctx.svc.url).patch(`/api/trials/${ctx.sc.trialId}`).set('Authorization', pr()).send({ addDefendants: [{ name: 'Accused Three' }], status: 'inProgress' }).expect(200);
    expect(res.body.defendants.map((d: { id: string }) => d.id).slice(0, 2)).to.deep.equal(ctx.sc.defendantIds);
    expect(res.body.defendants).to.have.length(3);
  });

  it('POST /api/sentences answers 400 for a defendant of another trial and for a term without a conviction', async () => {
    const other = await request(ctx.svc.url).post('/api/trials').set('Authorization', pr()).send(trial({})).expect(201);
    const a = await request(ctx.svc.url).post('/api/sentences').set('Authorization', pr()).send({ trialId: ctx.sc.trialId, defendantId: other.body.defendants[0].id, date: '2025-05-05', termMonths: 12, outcome: 'convicted' }).expect(400);
    expect(a.body.error.details[0].path).to.equal('body.defendantId');
    const b = await request(ctx.svc.url).post('/api/sentences').set('Authorization', pr()).send({ trialId: ctx.sc.trialId, defendantId: ctx.sc.defendantIds[0], date: '2025-05-05', termMonths: 12, outcome: 'acquitted' }).expect(400);
    expect(b.body.error.details[0].path).to.equal('body.termMonths');
  });

  it('POST /api/sentences records the country pair of the trial\'s testimony; GET filters by trial', async () => {
    const res = await request(ctx.svc.url).post('/api/sentences').set('Authorization', pr()).send({ trialId: ctx.sc.trialId, defendantId: ctx.sc.defendantIds[1], date: '2025-05-05', termMonths: 30, outcome: 'convicted' }).expect(201);
    expect(res.body).to.include({ countryPair: 'MD-MK', termMonths: 30, date: '2025-05-05' });
    const list = await request(ctx.svc.url).get('/api/sentences').query({ trialId: ctx.sc.trialId }).set('Authorization', bearer(ctx.sc.users.judge.token)).expect(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).to.deep.equal([res.body.id]);
  });
});
