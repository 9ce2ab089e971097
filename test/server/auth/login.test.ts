/** Login under a burst (issue 10 finding 6): attempts in flight count, throttled ones are audited as one summary. */
import { expect } from 'chai';
import request from 'supertest';
import { bearer, createScenario, SCENARIO_ADMIN_ENV } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';

describe('login under a burst of guesses', function () {
  this.timeout(60_000);
  let svc: TestService;
  before(async () => {
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_login_burst') });
  });
  after(async () => svc?.close());

  it('a burst of 20 concurrent wrong passwords for one account gets 5 guesses checked; the rest answer 429 without a check; throttled attempts become one audit summary', async () => {
    const sc = await createScenario(svc);
    const u = sc.users.interpreter;
    const guess = () => request(svc.url).post('/api/auth/login').send({ username: u.username, password: 'a-wrong-guess-123' });
    const burst = await Promise.all(Array.from({ length: 20 }, guess));
    const statuses = burst.map((r) => r.status);
    expect(statuses.filter((s) => s === 401), statuses.join()).to.have.length(5);
    expect(statuses.filter((s) => s === 429), statuses.join()).to.have.length(15);
    for (let i = 0; i < 30; i++) await guess().expect(429);
    const events = async (reason: string) => {
      const res = await request(svc.url).get('/api/audit?action=auth.login&limit=200').set('Authorization', bearer(sc.admin.token)).expect(200);
      return (res.body.items as { details: { reason?: string; attempts?: number; sample?: string[] } | null }[]).filter((e) => e.details?.reason === reason);
    };
    expect(await events('bad_credentials')).to.have.length(5);
    expect(await events('throttled'), 'no event per throttled attempt').to.have.length(0);
    await svc.service.api.drain(1000); // closes the aggregation window (as shutdown does)
    const summaries = await events('throttled');
    expect(summaries).to.have.length(1);
    expect(summaries[0]!.details).to.include({ attempts: 45 });
    expect(summaries[0]!.details!.sample).to.deep.equal([u.username]);
    // The right password is refused too while throttled, and the address limit is separate.
    await request(svc.url).post('/api/auth/login').send({ username: u.username, password: u.password }).expect(429);
  });
});
