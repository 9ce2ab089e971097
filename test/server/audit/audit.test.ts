import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { CANARY_IDENTITY, bearer, useScenario, type ScenarioUser } from '../../support/scenario.js';
import { AuditLog } from '../../../server/audit/index.js';
import { createLogger } from '../../../server/logger.js';

/** A second identity, for a witness created (and changed) by the tests below. */
const OTHER_IDENTITY = { legalName: 'Auditname Qwertzuiop', dateOfBirth: '1988-02-29', contact: '+380-555-0142-audit', currentLocation: 'Audittown Flat 7' } as const;
const NEW_IDENTITY = { legalName: 'Renamed Plokijuhyg', dateOfBirth: '1988-03-01', contact: '+380-555-0143-moved', currentLocation: 'Movedtown Flat 9' } as const;

interface AuditEvent {
  readonly actor: { kind: string; id?: string; role?: string; label?: string };
  readonly action: string;
  readonly target: string;
  readonly outcome: string;
  readonly details: unknown;
}

describe('audit log', () => {
  const ctx = useScenario();
  const admin = () => bearer(ctx.sc.admin.token);

  /** The newest event for an action and target; it must exist, with the caller as actor. */
  async function newestEvent(action: string, target: string, by: ScenarioUser & { role: string }): Promise<AuditEvent> {
    const res = await request(ctx.svc.url).get(`/api/audit?action=${action}&target=${target}&limit=1`).set('Authorization', admin()).expect(200);
    const event = (res.body.items as AuditEvent[])[0];
    expect(event, `${action} on ${target}`).to.not.equal(undefined);
    expect(event).to.deep.include({ action, target, outcome: 'success' });
    expect(event!.actor).to.deep.include({ kind: 'user', id: by.id, role: by.role, label: by.username });
    for (const part of [...Object.values(CANARY_IDENTITY), ...Object.values(OTHER_IDENTITY), ...Object.values(NEW_IDENTITY)]) expect(JSON.stringify(event)).not.to.include(part);
    return event!;
  }
  const staff = () => ({ ...ctx.sc.users.staff, role: 'staff' });
  const prosecutor = () => ({ ...ctx.sc.users.prosecutor, role: 'prosecutor' });

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

  describe('updates and deletions', () => {
    let witnessId: string;
    before(async () => {
      const res = await request(ctx.svc.url)
        .post('/api/witnesses')
        .set('Authorization', bearer(ctx.sc.users.staff.token))
        .send({ codename: `Heron-${Date.now()}`, identity: OTHER_IDENTITY, countryOfOrigin: 'UA', languages: ['uk'], protectionStatus: 'active', riskLevel: 'medium' })
        .expect(201);
      witnessId = (res.body as { id: string }).id;
    });

    it('PATCH /api/witnesses/:id records witness.update naming the changed fields, never the identity values', async () => {
      await request(ctx.svc.url).patch(`/api/witnesses/${witnessId}`).set('Authorization', bearer(ctx.sc.users.staff.token)).send({ riskLevel: 'low', identity: NEW_IDENTITY }).expect(200);
      const event = await newestEvent('witness.update', `witness:${witnessId}`, staff());
      expect((event.details as { changed: string[] }).changed).to.have.members(['riskLevel', 'identity']);
    });

    it('DELETE /api/witnesses/:id records witness.archive', async () => {
      await request(ctx.svc.url).delete(`/api/witnesses/${witnessId}`).set('Authorization', bearer(ctx.sc.users.staff.token)).expect(204);
      const event = await newestEvent('witness.archive', `witness:${witnessId}`, staff());
      expect(event.details).to.equal(null);
    });

    it('DELETE /api/sessions/:id/invitations/:invitationId records invitation.revoke', async () => {
      const invitation = ctx.sc.invitations[0]!;
      await request(ctx.svc.url).delete(`/api/sessions/${ctx.sc.sessionId}/invitations/${invitation.id}`).set('Authorization', bearer(ctx.sc.users.prosecutor.token)).expect(204);
      const event = await newestEvent('invitation.revoke', `invitation:${invitation.id}`, prosecutor());
      expect(event.details).to.deep.equal({ sessionId: ctx.sc.sessionId });
    });

    it('PATCH /api/trials/:id records trial.update', async () => {
      await request(ctx.svc.url).patch(`/api/trials/${ctx.sc.trialId}`).set('Authorization', bearer(ctx.sc.users.prosecutor.token)).send({ status: 'inProgress' }).expect(200);
      const event = await newestEvent('trial.update', `trial:${ctx.sc.trialId}`, prosecutor());
      expect(event.details).to.deep.equal({ changed: ['status'] });
    });

    it('PATCH /api/sessions/:id records session.update', async () => {
      await request(ctx.svc.url).patch(`/api/sessions/${ctx.sc.sessionId}`).set('Authorization', bearer(ctx.sc.users.prosecutor.token)).send({ interpreterLanguage: 'ru' }).expect(200);
      const event = await newestEvent('session.update', `session:${ctx.sc.sessionId}`, prosecutor());
      expect(event.details).to.deep.equal({ changed: ['interpreterLanguage'] });
    });

    it('PATCH /api/users/:id records user.update naming a changed password but not its value', async () => {
      const password = 'a-new-password-for-the-audit-test';
      await request(ctx.svc.url).patch(`/api/users/${ctx.sc.users.interpreter.id}`).set('Authorization', admin()).send({ displayName: 'Interpreter Renamed', password }).expect(200);
      const event = await newestEvent('user.update', `user:${ctx.sc.users.interpreter.id}`, { ...ctx.sc.admin, role: 'admin' });
      expect((event.details as { changed: string[] }).changed).to.have.members(['displayName', 'password']);
      expect(JSON.stringify(event)).not.to.include(password);
    });
  });

  it('GET /api/audit/verify reports ok for an untouched chain', async () => {
    const res = await request(ctx.svc.url).get('/api/audit/verify').set('Authorization', admin()).expect(200);
    expect(res.body.ok).to.equal(true);
    expect(res.body.events).to.be.greaterThan(10);
    expect(res.body.firstBrokenAt).to.equal(null);
  });

  it('concurrent appends from two writers keep one unbroken chain', async () => {
    const other = new AuditLog({ logger: createLogger('silent'), key: ctx.svc.config.audit.key });
    await Promise.all(Array.from({ length: 10 }, (_, i) => [
      request(ctx.svc.url).get(`/api/witnesses/${ctx.sc.witnessId}/identity`).set('Authorization', admin()),
      other.append({ actor: { kind: 'system' }, action: 'test.append', target: `test:${i}`, outcome: 'success' }),
    ]).flat());
    await other.close();
    const res = await request(ctx.svc.url).get('/api/audit/verify').set('Authorization', admin()).expect(200);
    expect(res.body).to.include({ ok: true, status: 'ok', firstBrokenAt: null });
  });

  it('altering one stored event makes verify report ok: false at that event', async () => {
    const events = mongoose.connection.db!.collection('audit_events');
    const victim = await events.findOne({ action: 'witness.update' });
    await events.updateOne({ _id: victim!._id }, { $set: { outcome: 'failure' } });
    const res = await request(ctx.svc.url).get('/api/audit/verify').set('Authorization', admin()).expect(200);
    expect(res.body).to.include({ ok: false, status: 'rewritten', firstBrokenAt: victim!.seq, reason: 'mac' });
    await events.updateOne({ _id: victim!._id }, { $set: { outcome: victim!.outcome } });
    const restored = await request(ctx.svc.url).get('/api/audit/verify').set('Authorization', admin()).expect(200);
    expect(restored.body.ok).to.equal(true);
  });

  it('deleting an event from the middle is detected', async () => {
    const events = mongoose.connection.db!.collection('audit_events');
    const victim = await events.findOne({ action: 'trial.create' });
    await events.deleteOne({ _id: victim!._id });
    const res = await request(ctx.svc.url).get('/api/audit/verify').set('Authorization', admin()).expect(200);
    expect(res.body).to.include({ ok: false, status: 'rewritten', firstBrokenAt: victim!.seq + 1, reason: 'gap' });
    await events.insertOne(victim!);
  });
});
