/**
 * Live revocation (issue 10 finding 4): deactivation, a role change and a password change end
 * every earlier token of the account at once and cut its sockets within a second, on this
 * instance and on another one sharing the database; a socket is cut when its token expires; the
 * room role is checked against the account's current role at the handshake. Real service, real
 * database, real Socket.IO clients.
 */
import { expect } from 'chai';
import request from 'supertest';
import { bearer, createScenario, SCENARIO_ADMIN_ENV, type Scenario } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { connect, tryConnect, type ClientSocket } from '../signaling/support.js';

/** Resolves with the `signedOut` code and how long after `since` the socket was cut. */
function cut(socket: ClientSocket, since: () => number, ms = 3000): Promise<{ code: string | undefined; afterMs: number }> {
  return new Promise((resolve, reject) => {
    let code: string | undefined;
    const timer = setTimeout(() => reject(new Error(`socket not cut within ${ms} ms`)), ms);
    socket.once('signedOut', (e) => (code = e.code));
    socket.once('disconnect', () => {
      clearTimeout(timer);
      resolve({ code, afterMs: Date.now() - since() });
    });
  });
}

describe('live revocation of accounts (tokens and sockets)', function () {
  this.timeout(60_000);
  let a: TestService;
  let b: TestService;
  let sockets: ClientSocket[] = [];
  before(async () => {
    const uri = testDatabaseUri('wb_revocation');
    a = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: uri });
    b = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: uri, DATA_DIR: a.config.dataDir, SECRETS_DIR: a.config.secretsDir });
  });
  afterEach(() => {
    for (const s of sockets) s.close();
    sockets = [];
  });
  after(async () => {
    await b?.close();
    await a?.close();
  });

  async function openRoom(svc: TestService): Promise<Scenario> {
    const sc = await createScenario(svc, { measures: [] });
    await request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', bearer(sc.users.operator.token)).send({ status: 'lobby' }).expect(200);
    return sc;
  }
  const join = async (svc: TestService, token: string, sessionId: string): Promise<ClientSocket> => {
    const s = await connect(svc.url, { token, sessionId });
    sockets.push(s);
    return s;
  };
  const patchUser = (svc: TestService, sc: Scenario, id: string, body: object) => request(svc.url).patch(`/api/users/${id}`).set('Authorization', bearer(sc.admin.token)).send(body);
  const me = (svc: TestService, token: string) => request(svc.url).get('/api/auth/me').set('Authorization', bearer(token));

  for (const [what, body] of [['deactivation', { active: false }], ['a role change', { role: 'staff' }], ['a password change by an admin', { password: 'a-brand-new-password' }]] as const) {
    it(`${what} ends earlier tokens at once and cuts the account's sockets within 1 s`, async () => {
      const sc = await openRoom(a);
      const socket = await join(a, sc.users.judge.token, sc.sessionId);
      let at = 0;
      const gone = cut(socket, () => at);
      at = Date.now();
      await patchUser(a, sc, sc.users.judge.id, body).expect(200);
      const { code, afterMs } = await gone;
      expect(code).to.equal('account_changed');
      expect(afterMs).to.be.lessThan(1000);
      await me(a, sc.users.judge.token).expect(401);
      // Others keep their sockets and tokens.
      await me(a, sc.users.prosecutor.token).expect(200);
    });
  }

  it('a change made on one instance cuts sockets and ends tokens on another within 1 s', async () => {
    const sc = await openRoom(b);
    const socket = await join(b, sc.users.judge.token, sc.sessionId);
    await me(b, sc.users.judge.token).expect(200); // cached on b now
    let at = 0;
    const gone = cut(socket, () => at);
    at = Date.now();
    await patchUser(a, sc, sc.users.judge.id, { active: false }).expect(200);
    const { code, afterMs } = await gone;
    expect(code).to.equal('account_changed');
    expect(afterMs).to.be.lessThan(1000);
    await me(b, sc.users.judge.token).expect(401);
  });

  it('changing one\'s own password needs the current one, ends earlier tokens and answers a new token', async () => {
    const sc = await createScenario(a, { measures: [] });
    const u = sc.users.interpreter;
    const wrong = await request(a.url).post('/api/auth/password').set('Authorization', bearer(u.token)).send({ currentPassword: 'not-the-password', newPassword: 'my-own-new-password' }).expect(401);
    expect(wrong.body.error.code).to.equal('bad_credentials');
    await me(a, u.token).expect(200);
    const ok = await request(a.url).post('/api/auth/password').set('Authorization', bearer(u.token)).send({ currentPassword: u.password, newPassword: 'my-own-new-password' }).expect(200);
    await me(a, u.token).expect(401);
    await me(a, ok.body.token).expect(200);
    await request(a.url).post('/api/auth/login').send({ username: u.username, password: 'my-own-new-password' }).expect(200);
    await request(a.url).post('/api/auth/login').send({ username: u.username, password: u.password }).expect(401);
  });

  it('an admin reset gives a one-time password shown once: the account must choose its own before anything else', async () => {
    const sc = await createScenario(a, { measures: [] });
    const u = sc.users.defence;
    const reset = await request(a.url).post(`/api/users/${u.id}/password`).set('Authorization', bearer(sc.admin.token)).expect(200);
    expect(reset.headers['cache-control']).to.equal('no-store');
    expect(reset.body.user).to.include({ id: u.id, mustChangePassword: true });
    await me(a, u.token).expect(401);
    const login = await request(a.url).post('/api/auth/login').send({ username: u.username, password: reset.body.password }).expect(200);
    expect(login.body.user.mustChangePassword).to.equal(true);
    await me(a, login.body.token).expect(200);
    expect((await request(a.url).get('/api/sessions').set('Authorization', bearer(login.body.token)).expect(403)).body.error.code).to.equal('password_change_required');
    const changed = await request(a.url).post('/api/auth/password').set('Authorization', bearer(login.body.token)).send({ currentPassword: reset.body.password, newPassword: 'chosen-by-myself-1' }).expect(200);
    expect(changed.body.user.mustChangePassword).to.equal(false);
    await request(a.url).get('/api/sessions').set('Authorization', bearer(changed.body.token)).expect(200);
  });

  it('an own password change racing an admin reset never undoes the reset (12 rounds): whichever lands last, a reset answered 200 leaves a one-time password to change', async () => {
    const sc = await createScenario(a, { measures: [] });
    const u = sc.users.defence;
    let password = u.password;
    let token = u.token;
    const outcomes = new Set<string>();
    for (let round = 0; round < 12; round++) {
      const next = `own-password-round-${round}`;
      const [change, reset] = await Promise.all([
        request(a.url).post('/api/auth/password').set('Authorization', bearer(token)).send({ currentPassword: password, newPassword: next }),
        request(a.url).post(`/api/users/${u.id}/password`).set('Authorization', bearer(sc.admin.token)),
      ]);
      expect(reset.status, JSON.stringify(reset.body)).to.equal(200);
      expect([200, 401, 409], JSON.stringify(change.body)).to.include(change.status);
      outcomes.add(String(change.status));
      // The reset answered 200: its one-time password works and must be changed, whatever the change did.
      const login = await request(a.url).post('/api/auth/login').send({ username: u.username, password: reset.body.password }).expect(200);
      expect(login.body.user.mustChangePassword, `round ${round}: the reset was undone (change answered ${change.status})`).to.equal(true);
      const own = await request(a.url).post('/api/auth/password').set('Authorization', bearer(login.body.token)).send({ currentPassword: reset.body.password, newPassword: `settled-${round}-password` }).expect(200);
      password = `settled-${round}-password`;
      token = own.body.token;
    }
    console.log(`      own change outcomes over 12 races: ${[...outcomes].sort().join(', ')}`);
  });

  it('the room role is checked against the account\'s current role at the handshake: a judge demoted to defence does not join as judge', async () => {
    const sc = await openRoom(a);
    await patchUser(a, sc, sc.users.judge.id, { role: 'defence' }).expect(200);
    const relogin = await request(a.url).post('/api/auth/login').send({ username: sc.users.judge.username, password: sc.users.judge.password }).expect(200);
    const r = await tryConnect(a.url, { token: relogin.body.token, sessionId: sc.sessionId });
    expect(r).to.have.property('refused');
    expect((r as { refused: { code: string } }).refused.code).to.equal('role_not_permitted');
    // Promoted back, the same account joins as judge again.
    await patchUser(a, sc, sc.users.judge.id, { role: 'judge' }).expect(200);
    const again = await request(a.url).post('/api/auth/login').send({ username: sc.users.judge.username, password: sc.users.judge.password }).expect(200);
    await join(a, again.body.token, sc.sessionId);
  });
});

describe('sockets outlive no token', function () {
  this.timeout(30_000);
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_revocation_ttl'), JWT_TTL_SECONDS: '3' });
  });
  after(async () => svc?.close());

  it('a socket opened with a user token is cut with token_expired when the token expires', async () => {
    const sc = await createScenario(svc, { measures: [] });
    await request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', bearer(sc.users.operator.token)).send({ status: 'lobby' }).expect(200);
    const login = await request(svc.url).post('/api/auth/login').send({ username: sc.users.judge.username, password: sc.users.judge.password }).expect(200);
    const expiresAt = Date.now() + login.body.expiresIn * 1000;
    const socket = await connect(svc.url, { token: login.body.token, sessionId: sc.sessionId });
    try {
      const { code } = await cut(socket, () => 0, 6000);
      expect(code).to.equal('token_expired');
      expect(Date.now()).to.be.at.least(expiresAt - 1000);
    } finally {
      socket.close();
    }
  });
});
