import { expect } from 'chai';
import request from 'supertest';
import { RequestLimiter, ROOM_LIMITS } from '../../../server/signaling/limits.js';
import { bearer, createScenario, SCENARIO_ADMIN_ENV, type Scenario, type ScenarioOptions } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { connect, send, tryConnect, type ClientSocket } from './support.js';

describe('room request limits', () => {
  it('a socket may burst, then sustain its rate; beyond that each request is refused and counted', () => {
    let now = 0;
    const limiter = new RequestLimiter({ burst: 5, perSecond: 2 }, () => now);
    for (let i = 0; i < 5; i++) limiter.take();
    expect(() => limiter.take()).to.throw().that.includes({ code: 'rate_limited', status: 429 });
    now += 1000; // two tokens back
    limiter.take();
    limiter.take();
    expect(() => limiter.take()).to.throw().that.includes({ code: 'rate_limited' });
    limiter.count('validation_failed');
    expect(limiter.summary()).to.equal(undefined); // the window has not passed yet
    expect(limiter.summary(true)).to.deep.equal({ refused: { rate_limited: 2, validation_failed: 1 }, sinceMs: 1000 });
    expect(limiter.summary(true)).to.equal(undefined);
  });
});

describe('/rooms limits (real service)', function () {
  this.timeout(60_000);
  let svc: TestService;
  const sockets: ClientSocket[] = [];
  before(async function () {
    this.timeout(30_000);
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_rooms_limits'), ROOM_MAX_PARTICIPANTS: '2' });
  });
  afterEach(() => {
    for (const s of sockets.splice(0)) s.close();
  });
  after(async () => svc?.close());

  async function lobby(invitations: ScenarioOptions['invitations']): Promise<Scenario> {
    const s = await createScenario(svc, { measures: [], invitations });
    await request(svc.url).post(`/api/sessions/${s.sessionId}/status`).set('Authorization', bearer(s.users.operator.token)).send({ status: 'lobby' }).expect(200);
    return s;
  }

  it('a flood of requests from one participant is refused with rate_limited and audited as one summary when it leaves', async () => {
    const s = await lobby(['witness', 'public']);
    const op = await connect(svc.url, { token: s.users.operator.token, sessionId: s.sessionId });
    sockets.push(op);
    const pub = s.invitations.find((i) => i.role === 'public')!;
    const attacker = await connect(svc.url, { token: pub.token });
    sockets.push(attacker);
    expect(await send(op, 'admit', { participantId: pub.participantId })).to.deep.include({ ok: true });
    const answers = await Promise.all(Array.from({ length: 300 }, () => send(attacker, 'getRouterRtpCapabilities', {})));
    const refused = answers.filter((a) => !a.ok && a.error.code === 'rate_limited').length;
    expect(refused).to.be.at.least(300 - ROOM_LIMITS.burst - 20);
    expect(answers.filter((a) => a.ok).length).to.be.at.least(ROOM_LIMITS.burst);
    attacker.close();
    const audit = async () =>
      (await request(svc.url).get('/api/audit?action=room.refusals').set('Authorization', bearer(s.admin.token)).expect(200)).body.items as { details: { refused: Record<string, number> } }[];
    const deadline = Date.now() + 5000;
    let events = await audit();
    while (events.length === 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      events = await audit();
    }
    expect(events).to.have.length(1);
    expect(events[0]!.details.refused.rate_limited).to.equal(refused);
  });

  it('the room refuses participants beyond its cap, but never the court or the witness, and a known participant may come back', async () => {
    const s = await lobby(['witness', 'public', 'public', 'accused']);
    const [p1, p2, p3] = s.invitations.filter((i) => i.role !== 'witness');
    for (const inv of [p1!, p2!]) sockets.push(await connect(svc.url, { token: inv.token }));
    const full = await tryConnect(svc.url, { token: p3!.token });
    expect(full).to.have.nested.property('refused.code', 'room_full');
    for (const auth of [{ token: s.users.judge.token, sessionId: s.sessionId }, { token: s.users.operator.token, sessionId: s.sessionId }, { token: s.invitations.find((i) => i.role === 'witness')!.token }]) {
      sockets.push(await connect(svc.url, auth));
    }
    sockets[0]!.close();
    await new Promise((r) => setTimeout(r, 200));
    sockets.push(await connect(svc.url, { token: p1!.token }));
  });
});
