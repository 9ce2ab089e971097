import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { ROOT, testDatabaseUri } from '../../support/hooks.js';
import { CANARY_IDENTITY, SCENARIO_ADMIN_ENV, bearer, createScenario, type Scenario } from '../../support/scenario.js';
import { startTestService, testEnv, type TestService } from '../../support/service.js';

/** This suite's own database (resolved once the harness has started FerretDB). */
const db = () => testDatabaseUri('wb_identity_rotation');
const K1 = randomBytes(32).toString('base64');
const K2 = randomBytes(32).toString('base64');

describe('identity key rotation (IDENTITY_PREVIOUS_KEYS, npm run identity:rotate)', function () {
  this.timeout(60_000);
  let svc: TestService | undefined;
  let sc: Scenario;
  afterEach(async () => {
    await svc?.close();
    svc = undefined;
  });

  const start = async (keys: Record<string, string>) => (svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: db(), ...keys }));
  /** Staff reads the identity on a fresh service (a new service has a new JWT key: sign in again). */
  const readIdentity = async (s: TestService) => {
    const login = await request(s.url).post('/api/auth/login').send({ username: sc.users.staff.username, password: sc.users.staff.password }).expect(200);
    return request(s.url).get(`/api/witnesses/${sc.witnessId}/identity`).set('Authorization', bearer(login.body.token as string));
  };
  const stored = async () => (await mongoose.connection.db!.collection('witnesses').findOne({ _id: new mongoose.Types.ObjectId(sc.witnessId) }))!.identity as { keyId: string; data: string };

  it('reads identities sealed with a previous key, re-encrypts them under the current one, and then needs the old key no more', async () => {
    sc = await createScenario(await start({ IDENTITY_KEY: K1, IDENTITY_KEY_ID: 'k1' }));
    const before = await stored();
    expect(before.keyId).to.equal('k1');
    await svc!.close();

    // The new key alone cannot open the old record; with the old key as previous it can.
    const rotated = { IDENTITY_KEY: K2, IDENTITY_KEY_ID: 'k2' };
    expect((await readIdentity(await start(rotated))).status).to.not.equal(200);
    await svc!.close();
    const withPrevious = { ...rotated, IDENTITY_PREVIOUS_KEYS: `k1:${K1}` };
    expect((await readIdentity(await start(withPrevious)).then((r) => r.body)) as unknown).to.deep.equal({ ...CANARY_IDENTITY });
    // A new or updated record is sealed with the current key straight away.
    const other = await createScenario(svc!);
    expect((await mongoose.connection.db!.collection('witnesses').findOne({ _id: new mongoose.Types.ObjectId(other.witnessId) }))!.identity.keyId).to.equal('k2');

    // The rotation runs beside the live service.
    const out = execFileSync(process.execPath, [path.join(ROOT, 'dist/scripts/rotate-identity-key.js')], {
      env: { ...process.env, ...testEnv({ MONGODB_URI: db(), LOG_LEVEL: 'warn', ...withPrevious }) } as NodeJS.ProcessEnv,
      encoding: 'utf8',
    });
    expect(out).to.match(/identity:rotate: [1-9]\d* identities re-encrypted from k1 to k2; 0 left under other keys/);
    expect(out).to.not.contain(CANARY_IDENTITY.legalName);
    const after = await stored();
    expect(after.keyId).to.equal('k2');
    expect(after.data).to.not.equal(before.data);
    const audit = await request(svc!.url).get('/api/audit').query({ action: 'witness.identityRekey' }).set('Authorization', bearer(other.admin.token)).expect(200);
    expect(audit.body.items.some((e: { outcome: string }) => e.outcome === 'success')).to.equal(true);
    expect(JSON.stringify(audit.body)).to.not.contain(CANARY_IDENTITY.legalName);
    await svc!.close();

    // The old key is gone from the configuration and the identity still opens.
    expect((await readIdentity(await start(rotated)).then((r) => r.body)) as unknown).to.deep.equal({ ...CANARY_IDENTITY });
  });
});
