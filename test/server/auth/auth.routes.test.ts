import { expect } from 'chai';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { createScenario, SCENARIO_ADMIN_ENV, bearer, type Scenario } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';

describe('auth routes', () => {
  let svc: TestService;
  let sc: Scenario;
  before(async function () {
    this.timeout(60_000);
    // Its own database: the directory test lists every user, which must be only this suite's.
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_auth') });
    sc = await createScenario(svc);
  });
  after(async () => {
    await svc.close();
  });

  const me = (token: string) => request(svc.url).get('/api/auth/me').set('Authorization', bearer(token));
  const sign = (payload: object, opts: jwt.SignOptions, key = svc.config.auth.jwtSecret) =>
    jwt.sign(payload, key, { algorithm: 'HS256', issuer: svc.config.auth.issuer, audience: svc.config.auth.audience, subject: sc.users.judge.id, expiresIn: 600, ...opts });

  it('POST /api/auth/login returns a token and the user without any password hash', async () => {
    const res = await request(svc.url).post('/api/auth/login').send({ username: sc.users.judge.username, password: sc.users.judge.password }).expect(200);
    expect(res.body.token).to.be.a('string');
    expect(res.body.user).to.deep.include({ username: sc.users.judge.username, role: 'judge' });
    expect(JSON.stringify(res.body)).not.to.match(/argon2|passwordHash/);
  });

  it('the token is HS256 with iss, aud and an expiry of at most one hour', async () => {
    const decoded = jwt.decode(sc.users.judge.token, { complete: true })!;
    const p = decoded.payload as jwt.JwtPayload;
    expect(decoded.header.alg).to.equal('HS256');
    expect(p.iss).to.equal(svc.config.auth.issuer);
    expect(p.aud).to.equal(svc.config.auth.audience);
    expect(p.exp! - p.iat!).to.be.at.most(3600);
  });

  it('GET /api/auth/me returns the caller', async () => {
    const res = await me(sc.users.staff.token).expect(200);
    expect(res.body).to.include({ id: sc.users.staff.id, role: 'staff' });
  });

  it('POST /api/auth/login answers 401 for a wrong password and an unknown user alike', async () => {
    const a = await request(svc.url).post('/api/auth/login').send({ username: sc.users.judge.username, password: 'wrong-password-123' }).expect(401);
    const b = await request(svc.url).post('/api/auth/login').send({ username: 'nobody-here', password: 'wrong-password-123' }).expect(401);
    expect(a.body).to.deep.equal(b.body);
  });

  it('POST /api/auth/login answers 429 after five failures for one username, even with the right password', async () => {
    const u = sc.users.interpreter;
    for (let i = 0; i < 5; i++) await request(svc.url).post('/api/auth/login').send({ username: u.username, password: 'not-the-password' }).expect(401);
    await request(svc.url).post('/api/auth/login').send({ username: u.username, password: u.password }).expect(429);
    await request(svc.url).post('/api/auth/login').send({ username: sc.users.defence.username, password: sc.users.defence.password }).expect(200);
  });

  it('refuses requests without a token or with a malformed Authorization header with 401', async () => {
    await request(svc.url).get('/api/auth/me').expect(401);
    await request(svc.url).get('/api/auth/me').set('Authorization', 'Basic abc').expect(401);
    await request(svc.url).get('/api/auth/me').set('Authorization', 'Bearer ').expect(401);
  });

  it('refuses a token with alg none', async () => {
    const none = jwt.sign({ role: 'admin', username: 'x' }, '', { algorithm: 'none', issuer: svc.config.auth.issuer, audience: svc.config.auth.audience, subject: sc.users.judge.id, expiresIn: 600 });
    await me(none).expect(401);
  });

  it('refuses a token signed with another key', async () => {
    await me(sign({ role: 'judge', username: 'j' }, {}, 'another-key-another-key-another-key!')).expect(401);
  });

  it('refuses an expired token', async () => {
    await me(sign({ role: 'judge', username: 'j' }, { expiresIn: -10 })).expect(401);
  });

  it('refuses a token without an expiry', async () => {
    const forever = jwt.sign({ role: 'judge', username: 'j' }, svc.config.auth.jwtSecret, { algorithm: 'HS256', issuer: svc.config.auth.issuer, audience: svc.config.auth.audience, subject: sc.users.judge.id });
    await me(forever).expect(401);
  });

  it('refuses a correctly signed token made to live longer than the configured hour, or without an issue time', async () => {
    await me(sign({ role: 'judge', username: 'j' }, { expiresIn: svc.config.auth.ttlSeconds + 60 })).expect(401);
    await me(sign({ role: 'judge', username: 'j' }, { expiresIn: 600, noTimestamp: true })).expect(401);
    // Issued two hours ago and still "valid" by its own exp: too old.
    const iat = Math.floor(Date.now() / 1000) - 7200;
    const old = jwt.sign({ role: 'judge', username: 'j', iat, exp: iat + 3 * 3600 }, svc.config.auth.jwtSecret, { algorithm: 'HS256', issuer: svc.config.auth.issuer, audience: svc.config.auth.audience, subject: sc.users.judge.id });
    await me(old).expect(401);
  });

  it('refuses a token for another audience or from another issuer', async () => {
    await me(sign({ role: 'judge', username: 'j' }, { audience: 'someone-else' })).expect(401);
    await me(sign({ role: 'judge', username: 'j' }, { issuer: 'someone-else' })).expect(401);
  });

  it('refuses a token whose payload was altered after signing', async () => {
    const [h, p, s] = sc.users.judge.token.split('.') as [string, string, string];
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    payload.role = 'admin';
    const tampered = `${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`;
    await me(tampered).expect(401);
  });

  it('a control token signed like the others is accepted (the negatives are not vacuous)', async () => {
    await me(sign({ role: 'judge', username: 'j', ep: '0' }, {})).expect(200);
  });

  it('refuses a correctly signed token of another token epoch, or without one', async () => {
    await me(sign({ role: 'judge', username: 'j', ep: 'an-earlier-epoch' }, {})).expect(401);
    await me(sign({ role: 'judge', username: 'j' }, {})).expect(401);
  });

  it('a deactivated account is refused at once, whatever its token', async () => {
    const res = await request(svc.url).post('/api/users').set('Authorization', bearer(sc.admin.token)).send({ username: 'short-lived', password: 'short-lived-password', role: 'staff', displayName: 'Short' }).expect(201);
    const login = await request(svc.url).post('/api/auth/login').send({ username: 'short-lived', password: 'short-lived-password' }).expect(200);
    await request(svc.url).patch(`/api/users/${res.body.id}`).set('Authorization', bearer(sc.admin.token)).send({ active: false }).expect(200);
    await me(login.body.token).expect(401);
  });

  it('GET /api/users/directory gives schedulers active colleagues by id, display name and role only', async () => {
    const res = await request(svc.url).get('/api/users/directory?role=judge').set('Authorization', bearer(sc.users.prosecutor.token)).expect(200);
    const judge = res.body.items.find((u: { id: string }) => u.id === sc.users.judge.id);
    expect(judge).to.deep.equal({ id: sc.users.judge.id, displayName: judge.displayName, role: 'judge' });
    expect(res.body.items.every((u: { role: string }) => u.role === 'judge')).to.equal(true);
    expect(JSON.stringify(res.body)).not.to.include(sc.users.judge.username);
    await request(svc.url).get('/api/users/directory?role[$ne]=judge').set('Authorization', bearer(sc.users.prosecutor.token)).expect(400);
    await request(svc.url).get('/api/users/directory').set('Authorization', bearer(sc.users.defence.token)).expect(403);
  });

  it('POST /api/users returns 409 for a taken username and 400 naming weak fields', async () => {
    const admin = bearer(sc.admin.token);
    await request(svc.url).post('/api/users').set('Authorization', admin).send({ username: sc.users.judge.username, password: 'long-enough-password', role: 'judge', displayName: 'X' }).expect(409);
    const bad = await request(svc.url).post('/api/users').set('Authorization', admin).send({ username: 'Bad Name', password: 'short', role: 'king', displayName: '' }).expect(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).to.include.members(['body.username', 'body.password', 'body.role', 'body.displayName']);
    expect(JSON.stringify(bad.body)).not.to.include('short"');
  });
});

// Its own service: the address counter must start from zero, and services share one connection.
describe('login throttling per address', () => {
  let svc: TestService;
  before(async function () {
    this.timeout(60_000);
    svc = await startTestService(SCENARIO_ADMIN_ENV);
  });
  after(async () => {
    await svc.close();
  });

  it('POST /api/auth/login answers 429 after twenty failures from one address across usernames', async function () {
    this.timeout(30_000);
    for (let i = 0; i < 20; i++) await request(svc.url).post('/api/auth/login').send({ username: `spray-${i}`, password: 'not-the-password' }).expect(401);
    await request(svc.url).post('/api/auth/login').send({ username: SCENARIO_ADMIN_ENV.ADMIN_USERNAME, password: SCENARIO_ADMIN_ENV.ADMIN_PASSWORD }).expect(429);
  });

});
