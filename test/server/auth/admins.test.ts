/**
 * Administrators (issue 10 finding 7): the last active admin can be neither deactivated nor
 * demoted, also when two admins deactivate each other at once on two instances; and
 * `npm run admin:reset -- <username>` (the compiled script) creates or reactivates one.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import request from 'supertest';
import { bearer, SCENARIO_ADMIN_ENV } from '../../support/scenario.js';
import { ROOT, testDatabaseUri } from '../../support/hooks.js';
import { startTestService, testEnv, type TestService } from '../../support/service.js';

describe('administrators', function () {
  this.timeout(120_000);
  let a: TestService;
  let b: TestService;
  let uri: string;
  before(async () => {
    uri = testDatabaseUri('wb_admins');
    a = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: uri });
    b = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: uri, DATA_DIR: a.config.dataDir, SECRETS_DIR: a.config.secretsDir });
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  const login = async (svc: TestService, username: string, password: string): Promise<string> =>
    (await request(svc.url).post('/api/auth/login').send({ username, password }).expect(200)).body.token as string;
  const rootToken = () => login(a, SCENARIO_ADMIN_ENV.ADMIN_USERNAME, SCENARIO_ADMIN_ENV.ADMIN_PASSWORD);
  const activeAdmins = async (token: string) =>
    ((await request(a.url).get('/api/users?role=admin&limit=200').set('Authorization', bearer(token)).expect(200)).body.items as { id: string; active: boolean }[]).filter((u) => u.active);

  async function newAdmin(token: string, name: string): Promise<{ id: string; token: string }> {
    const res = await request(a.url).post('/api/users').set('Authorization', bearer(token)).send({ username: name, password: `${name}-password`, role: 'admin', displayName: name }).expect(201);
    return { id: res.body.id as string, token: await login(a, name, `${name}-password`) };
  }

  it('the last active admin cannot be deactivated or demoted (409 last_admin, nothing changes)', async () => {
    const token = await rootToken();
    const me = (await request(a.url).get('/api/auth/me').set('Authorization', bearer(token)).expect(200)).body.id as string;
    // Make this the only active admin: deactivate every other one.
    for (const other of await activeAdmins(token)) if (other.id !== me) await request(a.url).patch(`/api/users/${other.id}`).set('Authorization', bearer(token)).send({ active: false }).expect(200);
    for (const body of [{ active: false }, { role: 'staff' }, { role: 'prosecutor', active: false }]) {
      const res = await request(a.url).patch(`/api/users/${me}`).set('Authorization', bearer(token)).send(body).expect(409);
      expect(res.body.error.code).to.equal('last_admin');
    }
    await request(a.url).get('/api/auth/me').set('Authorization', bearer(token)).expect(200);
    expect((await activeAdmins(token)).map((u) => u.id)).to.deep.equal([me]);
  });

  it('two admins deactivating each other at once on two instances leave exactly one active admin (10 rounds)', async () => {
    for (let round = 0; round < 10; round++) {
      // Deactivating and reactivating the configured admin ended its earlier tokens.
      const root = await rootToken();
      const x = await newAdmin(root, `adm-x-${round}`);
      const y = await newAdmin(root, `adm-y-${round}`);
      // Only x and y are active admins now.
      const me = (await request(a.url).get('/api/auth/me').set('Authorization', bearer(root)).expect(200)).body.id as string;
      await request(a.url).patch(`/api/users/${me}`).set('Authorization', bearer(x.token)).send({ active: false }).expect(200);
      const [p, q] = await Promise.all([
        request(a.url).patch(`/api/users/${y.id}`).set('Authorization', bearer(x.token)).send({ active: false }),
        request(b.url).patch(`/api/users/${x.id}`).set('Authorization', bearer(y.token)).send({ active: false }),
      ]);
      expect([p.status, q.status].sort(), `round ${round}: ${JSON.stringify([p.body, q.body])}`).to.deep.equal([200, 409]);
      const survivor = p.status === 200 ? x : y;
      const active = await activeAdmins(survivor.token);
      expect(active.map((u) => u.id)).to.deep.equal([survivor.id]);
      // Hand back to the configured admin for the next round (again the only active one).
      await request(a.url).patch(`/api/users/${me}`).set('Authorization', bearer(survivor.token)).send({ active: true }).expect(200);
      await request(a.url).patch(`/api/users/${survivor.id}`).set('Authorization', bearer(await rootToken())).send({ active: false }).expect(200);
    }
  });

  it('npm run admin:reset -- <username> creates an admin with a one-time password printed once (audited), and reactivates a deactivated one', async () => {
    const run = (name: string) =>
      execFileSync(process.execPath, [path.join(ROOT, 'dist/scripts/admin-reset.js'), name], {
        cwd: ROOT,
        env: { ...process.env, ...testEnv({ MONGODB_URI: uri, DATA_DIR: a.config.dataDir, SECRETS_DIR: a.config.secretsDir, LOG_LEVEL: 'warn' }) } as NodeJS.ProcessEnv,
        encoding: 'utf8',
      });
    const out = run('rescue-admin');
    expect(out).to.match(/created administrator rescue-admin/);
    const password = /one-time password[^:]*: (\S+)/.exec(out)?.[1];
    expect(password).to.match(/^[A-Za-z0-9_-]{24}$/);
    const first = await request(a.url).post('/api/auth/login').send({ username: 'rescue-admin', password }).expect(200);
    expect(first.body.user).to.include({ role: 'admin', mustChangePassword: true });
    const changed = await request(a.url).post('/api/auth/password').set('Authorization', bearer(first.body.token)).send({ currentPassword: password, newPassword: 'rescued-admin-password' }).expect(200);
    const token = changed.body.token as string;
    const id = changed.body.user.id as string;
    await request(a.url).patch(`/api/users/${id}`).set('Authorization', bearer(await rootToken())).send({ active: false }).expect(200);
    const again = run('rescue-admin');
    expect(again).to.match(/reset administrator rescue-admin/);
    const second = /one-time password[^:]*: (\S+)/.exec(again)?.[1];
    expect(second).to.not.equal(password);
    await request(a.url).get('/api/auth/me').set('Authorization', bearer(token)).expect(401);
    await request(a.url).post('/api/auth/login').send({ username: 'rescue-admin', password: second }).expect(200);
    const audit = await request(a.url).get(`/api/audit?action=user.adminReset&target=user:${id}`).set('Authorization', bearer(await rootToken())).expect(200);
    expect(audit.body.items).to.have.length(2);
    expect(JSON.stringify(audit.body)).not.to.include(second!);
    expect(() => run('Not A Name')).to.throw();
  });
});
