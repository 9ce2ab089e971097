import { expect } from 'chai';
import { createHash, createHmac } from 'node:crypto';
import mongoose from 'mongoose';
import request from 'supertest';
import { canonicalJson } from '../../../server/audit/chain.js';
import { SCENARIO_ADMIN_ENV, bearer } from '../../support/scenario.js';
import { emptyTestDatabase, startTestService, type TestService } from '../../support/service.js';

type Stored = { _id: unknown; seq: number; at: Date; actor: { kind: string }; action: string; target: string; outcome: string; details: unknown; reconciled: boolean; kid: string; prevHash: string; hash: string };

/** The MAC an attacker without AUDIT_KEY can compute: under a key of their own (or none: plain SHA-256). */
function forge(e: Stored, prevHash: string, key: Buffer | null): string {
  const actor = { kind: e.actor.kind, id: null, role: null, label: null };
  const body = canonicalJson({ seq: e.seq, at: e.at, actor, action: e.action, target: e.target, outcome: e.outcome, details: e.details ?? null, reconciled: e.reconciled, prevHash });
  return key ? createHmac('sha256', key).update(body).digest('hex') : createHash('sha256').update(body).digest('hex');
}

describe('audit chain anchoring', function () {
  this.timeout(60_000);
  let svc: TestService;
  let token: string;
  const events = () => mongoose.connection.db!.collection<Stored>('audit_events');
  const checkpoints = () => mongoose.connection.db!.collection('audit_checkpoints');
  const verify = async () => (await request(svc.url).get('/api/audit/verify').set('Authorization', bearer(token)).expect(200)).body as { ok: boolean; status: string; firstBrokenAt: number | null; reason: string | null; events: number; checkpoint: { seq: number; source: string } | null };

  before(async () => {
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: await emptyTestDatabase('wb_audit_anchor') });
    token = (await request(svc.url).post('/api/auth/login').send({ username: 'admin', password: SCENARIO_ADMIN_ENV.ADMIN_PASSWORD }).expect(200)).body.token as string;
    for (let i = 0; i < 70; i++) await svc.service.api.audit.append({ actor: { kind: 'system' }, action: 'test.anchor', target: `test:${i}`, outcome: 'success', details: { i } });
    await svc.service.api.audit.drain();
  });
  after(async () => {
    await svc.close();
  });

  it('verifies an untouched chain against its newest checkpoint', async () => {
    const r = await verify();
    expect(r).to.deep.include({ ok: true, status: 'ok', firstBrokenAt: null, reason: null });
    expect(r.checkpoint?.seq).to.equal(r.events);
  });

  it('deleting the newest events is reported as truncated where the chain now ends, also when the database checkpoints are deleted too', async () => {
    const tail = await events().find({}).sort({ seq: -1 }).limit(5).toArray();
    const head = tail[0]!.seq;
    await events().deleteMany({ seq: { $gt: head - 5 } });
    expect(await verify()).to.deep.include({ ok: false, status: 'truncated', firstBrokenAt: head - 4, reason: 'missingTail' });
    const stored = await checkpoints().find({}).toArray();
    await checkpoints().deleteMany({});
    const r = await verify();
    expect(r).to.deep.include({ ok: false, status: 'truncated', firstBrokenAt: head - 4 });
    expect(r.checkpoint, 'the anchor file outside the database still knows the head').to.deep.include({ seq: head, source: 'anchor' });
    await events().insertMany(tail.reverse());
    await checkpoints().insertMany(stored);
    expect(await verify()).to.deep.include({ ok: true, status: 'ok' });
  });

  for (const [how, key] of [['under another key', Buffer.alloc(32, 7)], ['as plain SHA-256', null]] as const) {
    it(`re-linking the chain from an event on, ${how}, is reported as rewritten at that event`, async () => {
      const all = await events().find({}).sort({ seq: 1 }).toArray();
      const from = all[Math.floor(all.length / 2)]!.seq;
      let prev = all.find((e) => e.seq === from - 1)!.hash;
      const originals = all.filter((e) => e.seq >= from);
      for (const e of originals) {
        const hash = forge({ ...e, outcome: e.seq === from ? 'failure' : e.outcome }, prev, key);
        await events().updateOne({ _id: e._id }, { $set: { prevHash: prev, hash, ...(e.seq === from ? { outcome: 'failure' } : {}) } });
        prev = hash;
      }
      expect(await verify()).to.deep.include({ ok: false, status: 'rewritten', firstBrokenAt: from, reason: 'mac' });
      for (const e of originals) await events().replaceOne({ _id: e._id }, e);
      expect(await verify()).to.deep.include({ ok: true, status: 'ok' });
    });
  }

  it('a checkpoint that does not verify is reported as rewritten', async () => {
    const c = (await checkpoints().find({}).sort({ _id: -1 }).limit(1).toArray())[0]!;
    await checkpoints().updateOne({ _id: c._id }, { $set: { hash: 'f'.repeat(64) } });
    expect(await verify()).to.deep.include({ ok: false, status: 'rewritten', reason: 'checkpointForged' });
    await checkpoints().updateOne({ _id: c._id }, { $set: { hash: c.hash as string } });
    expect(await verify()).to.deep.include({ ok: true, status: 'ok' });
  });
});
