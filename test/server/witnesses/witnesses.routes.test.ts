import { expect } from 'chai';
import fs from 'node:fs';
import path from 'node:path';
import request from 'supertest';
import { testDatabaseDir } from '../../support/hooks.js';
import { CANARY_IDENTITY, bearer, useScenario } from '../../support/scenario.js';
import { capturedLogs } from '../../support/service.js';

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? filesUnder(path.join(dir, e.name)) : [path.join(dir, e.name)]));
}

describe('witness routes', () => {
  const ctx = useScenario();

  it('GET /api/witnesses/:id/identity gives admin and staff the decrypted identity, each read audited', async () => {
    for (const token of [ctx.sc.admin.token, ctx.sc.users.staff.token]) {
      const res = await request(ctx.svc.url).get(`/api/witnesses/${ctx.sc.witnessId}/identity`).set('Authorization', bearer(token)).expect(200);
      expect(res.body).to.deep.equal(CANARY_IDENTITY);
      expect(res.headers['cache-control']).to.equal('no-store');
    }
    const audit = await request(ctx.svc.url).get('/api/audit').query({ action: 'witness.identityRead', target: `witness:${ctx.sc.witnessId}` }).set('Authorization', bearer(ctx.sc.admin.token)).expect(200);
    expect(audit.body.items).to.have.length(2);
    expect(JSON.stringify(audit.body)).not.to.include(CANARY_IDENTITY.legalName);
  });

  it('GET /api/witnesses/:id/identity refuses prosecutor, judge and operator with 403', async () => {
    for (const role of ['prosecutor', 'judge', 'operator'] as const) {
      await request(ctx.svc.url).get(`/api/witnesses/${ctx.sc.witnessId}/identity`).set('Authorization', bearer(ctx.sc.users[role].token)).expect(403);
    }
  });

  it('lists and reads show the codename but no part of the identity', async () => {
    const list = await request(ctx.svc.url).get('/api/witnesses').set('Authorization', bearer(ctx.sc.users.judge.token)).expect(200);
    const one = await request(ctx.svc.url).get(`/api/witnesses/${ctx.sc.witnessId}`).set('Authorization', bearer(ctx.sc.users.judge.token)).expect(200);
    expect(one.body).to.include({ codename: ctx.sc.witnessCodename, countryOfOrigin: 'MD' });
    for (const body of [JSON.stringify(list.body), JSON.stringify(one.body)]) {
      for (const part of Object.values(CANARY_IDENTITY)) expect(body).not.to.include(part);
      expect(body).not.to.include('identity');
    }
  });

  it('filters by country, status and codename', async () => {
    const admin = bearer(ctx.sc.admin.token);
    const byCode = await request(ctx.svc.url).get('/api/witnesses').query({ codename: ctx.sc.witnessCodename }).set('Authorization', admin).expect(200);
    expect(byCode.body.items.map((w: { id: string }) => w.id)).to.deep.equal([ctx.sc.witnessId]);
    const byCountry = await request(ctx.svc.url).get('/api/witnesses').query({ country: 'UA' }).set('Authorization', admin).expect(200);
    expect(byCountry.body.items.map((w: { id: string }) => w.id)).not.to.include(ctx.sc.witnessId);
    const byStatus = await request(ctx.svc.url).get('/api/witnesses').query({ status: 'active', country: 'MD', limit: 200 }).set('Authorization', admin).expect(200);
    expect(byStatus.body.items.map((w: { id: string }) => w.id)).to.include(ctx.sc.witnessId);
  });

  it('POST /api/witnesses answers 400 naming bad fields without echoing values, and 409 for a taken codename', async () => {
    const staff = bearer(ctx.sc.users.staff.token);
    const bad = await request(ctx.svc.url)
      .post('/api/witnesses')
      .set('Authorization', staff)
      .send({ codename: 'x', identity: { legalName: 'Secretvalue Qwerty', dateOfBirth: 'yesterday' }, countryOfOrigin: 'Moldova', languages: [], riskLevel: 'extreme' })
      .expect(400);
    const paths = bad.body.error.details.map((d: { path: string }) => d.path);
    expect(paths).to.include.members(['body.codename', 'body.identity.dateOfBirth', 'body.countryOfOrigin', 'body.languages', 'body.riskLevel']);
    expect(JSON.stringify(bad.body)).not.to.include('Secretvalue');
    await request(ctx.svc.url)
      .post('/api/witnesses')
      .set('Authorization', staff)
      .send({ codename: ctx.sc.witnessCodename, identity: CANARY_IDENTITY, countryOfOrigin: 'MD', languages: ['ro'], riskLevel: 'low' })
      .expect(409);
  });

  it('PATCH re-seals a new identity and DELETE archives (hidden from the default list)', async () => {
    const staff = bearer(ctx.sc.users.staff.token);
    const created = await request(ctx.svc.url).post('/api/witnesses').set('Authorization', staff).send({ codename: 'Tern-Archive', identity: { legalName: 'Other Person', dateOfBirth: '1980-02-02' }, countryOfOrigin: 'BG', languages: ['bg'], riskLevel: 'low' }).expect(201);
    const id = created.body.id as string;
    await request(ctx.svc.url).patch(`/api/witnesses/${id}`).set('Authorization', staff).send({ identity: { legalName: 'Renamed Person', dateOfBirth: '1980-02-02' }, riskLevel: 'high' }).expect(200);
    const identity = await request(ctx.svc.url).get(`/api/witnesses/${id}/identity`).set('Authorization', staff).expect(200);
    expect(identity.body.legalName).to.equal('Renamed Person');
    await request(ctx.svc.url).delete(`/api/witnesses/${id}`).set('Authorization', staff).expect(204);
    const list = await request(ctx.svc.url).get('/api/witnesses').query({ codename: 'Tern-Archive' }).set('Authorization', staff).expect(200);
    expect(list.body.items).to.have.length(0);
    const archived = await request(ctx.svc.url).get('/api/witnesses').query({ codename: 'Tern-Archive', archived: 'true' }).set('Authorization', staff).expect(200);
    expect(archived.body.items).to.have.length(1);
  });

  it('a prosecutor registers a witness of their own trial without an identity; its handler enters the identity, no other staff member reads it', async () => {
    const { svc, sc } = ctx;
    const pr = bearer(sc.users.prosecutor.token);
    const codename = `Grebe-${Math.random().toString(16).slice(2, 8)}`;
    const body = { codename, trialIds: [sc.trialId], countryOfOrigin: 'UA', languages: ['uk'], riskLevel: 'medium', handlerId: sc.users.staff.id };
    const withIdentity = await request(svc.url).post('/api/witnesses').set('Authorization', pr).send({ ...body, identity: { legalName: 'Not Theirs', dateOfBirth: '1990-01-01' } }).expect(403);
    expect(withIdentity.body.error.code).to.equal('identity_staff_only');
    expect((await request(svc.url).post('/api/witnesses').set('Authorization', pr).send({ ...body, trialIds: [] }).expect(400)).body.error.details[0].path).to.equal('body.trialIds');
    const created = await request(svc.url).post('/api/witnesses').set('Authorization', pr).send(body).expect(201);
    expect(created.body).to.include({ codename, handlerId: sc.users.staff.id, protectedRecorded: false });
    const id = created.body.id as string;
    expect((await request(svc.url).get(`/api/witnesses/${id}/identity`).set('Authorization', bearer(sc.users.staff.token)).expect(404)).body.error.code).to.equal('identity_not_recorded');
    // Another member of the programme staff: codename data yes, identity no.
    const colleague = await request(svc.url).post('/api/users').set('Authorization', bearer(sc.admin.token)).send({ username: `staff-${Math.random().toString(16).slice(2, 8)}`, password: 'colleague-password', role: 'staff', displayName: 'Colleague' }).expect(201);
    const colleagueToken = bearer((await request(svc.url).post('/api/auth/login').send({ username: colleague.body.username, password: 'colleague-password' }).expect(200)).body.token);
    const identity = { legalName: 'Entered Later', dateOfBirth: '1992-03-04' };
    expect((await request(svc.url).patch(`/api/witnesses/${id}`).set('Authorization', colleagueToken).send({ identity }).expect(403)).body.error.code).to.equal('not_handler');
    await request(svc.url).patch(`/api/witnesses/${id}`).set('Authorization', bearer(sc.users.staff.token)).send({ identity }).expect(200);
    await request(svc.url).get(`/api/witnesses/${id}`).set('Authorization', colleagueToken).expect(200);
    expect((await request(svc.url).get(`/api/witnesses/${id}/identity`).set('Authorization', colleagueToken).expect(403)).body.error.code).to.equal('not_handler');
    const read = await request(svc.url).get(`/api/witnesses/${id}/identity`).set('Authorization', bearer(sc.users.staff.token)).expect(200);
    expect(read.body).to.deep.include(identity);
    await request(svc.url).delete(`/api/witnesses/${id}`).set('Authorization', colleagueToken).expect(403);
    const refused = await request(svc.url).get('/api/audit').query({ action: 'witness.identityRead', target: `witness:${id}` }).set('Authorization', bearer(sc.admin.token)).expect(200);
    expect(refused.body.items.map((e: { outcome: string; details: { reason?: string } | null }) => `${e.outcome}:${e.details?.reason ?? ''}`)).to.include.members(['failure:not_handler', 'failure:not_recorded', 'success:']);
  });

  it('the canary identity appears nowhere in captured logs nor in plain text in the database files', async () => {
    // The canary exists (read it back) so its absence below means something.
    await request(ctx.svc.url).get(`/api/witnesses/${ctx.sc.witnessId}/identity`).set('Authorization', bearer(ctx.sc.admin.token)).expect(200);
    const logs = capturedLogs.join('\n');
    expect(logs.length).to.be.greaterThan(0);
    for (const part of Object.values(CANARY_IDENTITY)) expect(logs).not.to.include(part);
    const files = filesUnder(testDatabaseDir());
    const codenameFound = files.some((f) => fs.readFileSync(f).includes(ctx.sc.witnessCodename));
    expect(codenameFound, 'the codename (stored in clear) is found, so the scan reads the data').to.equal(true);
    for (const f of files) {
      const bytes = fs.readFileSync(f);
      for (const part of Object.values(CANARY_IDENTITY)) expect(bytes.includes(part), `${part} in ${f}`).to.equal(false);
    }
  });
});
