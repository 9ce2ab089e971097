import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { CANARY_IDENTITY, bearer, useScenario } from '../../support/scenario.js';
import { AuditLog } from '../../../server/audit/index.js';
import { createLogger } from '../../../server/logger.js';

describe('audit log', () => {
  const ctx = useScenario();
  const admin = () => bearer(ctx.sc.admin.token);

  it('records creates, updates, logins (success and failure), identity reads and invitations', async () => {
    await request(ctx.svc.url).post('/api/auth/login').send({ username: ctx.sc.users.judge.username, password: 'definitely-wrong' }).expect(401);
    await request(ctx.svc.url).get(`/api/witnesses/${ctx.sc.witnessId}/identity`).set('Authorization', admin()).expect(200);
    await request(ctx.svc.url).patch(`/api/witnesses/${ctx.sc.witnessId}`).set('Authorization', admin()).send({ riskLevel: 'critical' }).expect(200);
    const res = await request(ctx.svc.url).get('/api/audit?limit=200').set('Authorization', admin()).expect(200);
    const seen = new Set((res.body.items as { action: string; outcome: string }[]).map((e) => `${e.action}:${e.outcome}`));
    for (const a of ['user.create:success', 'auth.login:success', 'auth.login:failure', 'witness.create:success', 'witness.update:success', 'witness.identityRead:success', 'trial.create:success', 'session.create:success', 'invitation.issue:success']) {
      expect(seen, a).to.include(a);
    }
    for (const part of Object.values(CANARY_IDENTITY)) expect(JSON.stringify(res.body)).not.to.include(part);
  });

  it('GET /api/audit/verify reports ok for an untouched chain', async () => {
    const res = await request(ctx.svc.url).get('/api/audit/verify').set('Authorization', admin()).expect(200);
    expect(res.body.ok).to.equal(true);
    expect(res.body.events).to.be.greaterThan(10);
    expect(res.body.firstBrokenAt).to.equal(null);
  });

  it('concurrent appends from two writers keep one unbroken chain', async () => {
    const other = new AuditLog(createLogger('silent'));
    await Promise.all(Array.from({ length: 10 }, (_, i) => [
      request(ctx.svc.url).get(`/api/witnesses/${ctx.sc.witnessId}/identity`).set('Authorization', admin()),
      other.append({ actor: { kind: 'system' }, action: 'test.append', target: `test:${i}`, outcome: 'success' }),
    ]).flat());
    const res = await request(ctx.svc.url).get('/api/audit/verify').set('Authorization', admin()).expect(200);
    expect(res.body).to.include({ ok: true, firstBrokenAt: null });
  });

  it('altering one stored event makes verify report ok: false at that event', async () => {
    const events = mongoose.connection.db!.collection('audit_events');
    const victim = await events.findOne({ action: 'witness.update' });
    await events.updateOne({ _id: victim!._id }, { $set: { outcome: 'failure' } });
    const res = await request(ctx.svc.url).get('/api/audit/verify').set('Authorization', admin()).expect(200);
    expect(res.body.ok).to.equal(false);
    expect(res.body.firstBrokenAt).to.equal(victim!.seq);
    await events.updateOne({ _id: victim!._id }, { $set: { outcome: victim!.outcome } });
    const restored = await request(ctx.svc.url).get('/api/audit/verify').set('Authorization', admin()).expect(200);
    expect(restored.body.ok).to.equal(true);
  });

  it('deleting an event from the middle is detected', async () => {
    const events = mongoose.connection.db!.collection('audit_events');
    const victim = await events.findOne({ action: 'trial.create' });
    await events.deleteOne({ _id: victim!._id });
    const res = await request(ctx.svc.url).get('/api/audit/verify').set('Authorization', admin()).expect(200);
    expect(res.body.ok).to.equal(false);
    expect(res.body.firstBrokenAt).to.equal(victim!.seq + 1);
    await events.insertOne(victim!);
  });
});
