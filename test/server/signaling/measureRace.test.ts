/**
 * A measure ordered while the session's room is still being created must not be lost: the worker
 * is frozen while the lobby opens, so the room's creation is stuck after it read the old measures;
 * closed session is ordered meanwhile; once the worker runs again, the public gallery must get
 * nothing.
 */
import { expect } from 'chai';
import request from 'supertest';
import { bearer, createScenario, SCENARIO_ADMIN_ENV } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { connect, next, send, type ClientSocket } from './support.js';

const VIDEO = { mid: '0', codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }], encodings: [{ ssrc: 424242 }], rtcp: { cname: 'w' } };

describe('a measure ordered while the room is being created (real service, real worker)', function () {
  this.timeout(60_000);
  let svc: TestService;
  const sockets: ClientSocket[] = [];
  before(async function () {
    this.timeout(30_000);
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_measure_race') });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await svc?.close();
  });

  async function enter(auth: { token: string; sessionId?: string }) {
    const socket = await connect(svc.url, auth);
    sockets.push(socket);
    return socket;
  }

  it('is applied to the room once it exists', async () => {
    const s = await createScenario(svc, { measures: [], participants: ['judge', 'operator'], invitations: ['witness', 'public'] });
    const pid = svc.service.media.statuses()[0]!.pid;
    process.kill(pid, 'SIGSTOP');
    try {
      await request(svc.url).post(`/api/sessions/${s.sessionId}/status`).set('Authorization', bearer(s.users.operator.token)).send({ status: 'lobby' }).expect(200);
      await new Promise((r) => setTimeout(r, 300)); // the room's creation now waits on the frozen worker
      const judgeTicket = await svc.service.api.roomAccess.authenticate({ token: s.users.judge.token, sessionId: s.sessionId });
      await svc.service.api.roomAccess.setMeasure(s.sessionId, 'closedSession', true, judgeTicket);
      await new Promise((r) => setTimeout(r, 300));
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    const judge = await enter({ token: s.users.judge.token, sessionId: s.sessionId });
    const caps = ((await send(judge, 'getRouterRtpCapabilities', {})) as { ok: true; data: { rtpCapabilities: unknown } }).data.rtpCapabilities;
    const inv = (role: string) => s.invitations.find((i) => i.role === role)!;
    const witness = await enter({ token: inv('witness').token });
    const pub = await enter({ token: inv('public').token });
    for (const p of [inv('witness'), inv('public')]) expect(await send(judge, 'admit', { participantId: p.participantId })).to.deep.include({ ok: true });
    const offered: Record<string, number> = { judge: 0, public: 0 };
    for (const [name, socket] of [['judge', judge], ['public', pub]] as const) {
      socket.on('newConsumer', (_c, ack) => {
        offered[name]!++;
        ack({ ok: true });
      });
      expect(await send(socket, 'join', { rtpCapabilities: caps })).to.deep.include({ ok: true });
      expect(await send(socket, 'createTransport', { direction: 'recv' })).to.deep.include({ ok: true });
    }
    expect(await send(witness, 'join', { rtpCapabilities: caps })).to.deep.include({ ok: true });
    const t = (await send(witness, 'createTransport', { direction: 'send' })) as { ok: true; data: { id: string } };
    const judgeOffer = next(judge, 'newConsumer', 5000);
    expect(await send(witness, 'produce', { transportId: t.data.id, kind: 'video', rtpParameters: VIDEO })).to.deep.include({ ok: true });
    await judgeOffer;
    await new Promise((r) => setTimeout(r, 500));
    expect(offered).to.deep.equal({ judge: 1, public: 0 });
  });
});
