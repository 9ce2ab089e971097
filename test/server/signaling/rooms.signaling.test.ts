import { expect } from 'chai';
import request from 'supertest';
import { AttendanceModel } from '../../../server/sessions/session.model.js';
import { bearer, createScenario, SCENARIO_ADMIN_ENV, type Scenario } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { connect, next, send, tryConnect, type ClientSocket } from './support.js';

describe('/rooms signalling (real service, real database, real worker)', function () {
  this.timeout(30_000);
  let svc: TestService;
  let sockets: ClientSocket[] = [];
  before(async function () {
    this.timeout(30_000);
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_rooms_signaling') });
  });
  afterEach(() => {
    for (const s of sockets) s.close();
    sockets = [];
  });
  after(async () => svc?.close());

  async function lobby(opts: Parameters<typeof createScenario>[1] = {}): Promise<Scenario> {
    const s = await createScenario(svc, { measures: [], invitations: ['witness', 'accused'], ...opts });
    await request(svc.url).post(`/api/sessions/${s.sessionId}/status`).set('Authorization', bearer(s.users.operator.token)).send({ status: 'lobby' }).expect(200);
    return s;
  }
  const join = async (auth: { token: string; sessionId?: string }) => {
    const socket = await connect(svc.url, auth);
    sockets.push(socket);
    return socket;
  };
  const inv = (s: Scenario, role: string) => s.invitations.find((i) => i.role === role)!;
  const audit = async (s: Scenario, action: string) =>
    (await request(svc.url).get(`/api/audit?action=${action}`).set('Authorization', bearer(s.admin.token)).expect(200)).body.items as { outcome: string; target: string }[];

  it('refuses at the handshake a missing, invalid, revoked, wrong-session or not-yet-open credential with a clear message', async () => {
    const a = await lobby();
    const b = await createScenario(svc, { measures: [], invitations: ['witness'] });
    const refused = async (auth: unknown) => {
      const r = await tryConnect(svc.url, auth);
      expect(r, JSON.stringify(auth)).to.have.property('refused');
      return (r as { refused: { message: string; code: string } }).refused;
    };
    expect((await refused({})).code).to.equal('validation_failed');
    expect((await refused({ token: 'not-a-real-token' })).code).to.equal('invalid_invitation');
    expect((await refused({ token: 'eyJhbGciOiJIUzI1NiJ9.e30.forged', sessionId: a.sessionId })).code).to.equal('invalid_token');
    expect((await refused({ token: inv(a, 'witness').token, sessionId: b.sessionId })).code).to.equal('forbidden');
    expect((await refused({ token: a.users.judge.token, sessionId: b.sessionId })).message).to.match(/not a participant/);
    await request(svc.url).delete(`/api/sessions/${a.sessionId}/invitations/${inv(a, 'accused').id}`).set('Authorization', bearer(a.users.prosecutor.token)).expect((res) => expect(res.status).to.be.lessThan(300));
    expect((await refused({ token: inv(a, 'accused').token })).code).to.equal('invalid_invitation');
    const notOpen = await refused({ token: inv(b, 'witness').token });
    expect(notOpen.code).to.equal('room_not_open');
    expect(notOpen.message).to.match(/not open/);
  });

  it('refuses an expired invitation at the handshake', async () => {
    const s = await createScenario(svc, { measures: [], invitations: ['witness'], startOffsetMs: -3 * 3600_000, durationMs: 3600_000 });
    const r = await tryConnect(svc.url, { token: inv(s, 'witness').token });
    expect(r).to.have.property('refused');
    expect((r as { refused: { code: string } }).refused.code).to.equal('invalid_invitation');
  });

  it('keeps a participant in the lobby until admitted, and a reconnecting participant keeps the admission', async () => {
    const s = await lobby();
    const judge = await join({ token: s.users.judge.token, sessionId: s.sessionId });
    const witness = await join({ token: inv(s, 'witness').token });
    expect(await send(witness, 'hello', {})).to.deep.nested.include({ ok: true, 'data.admission': 'waiting', 'data.role': 'witness' });
    expect(await send(witness, 'getRouterRtpCapabilities', {})).to.deep.nested.include({ ok: false, 'error.code': 'not_admitted' });
    const admitted = next<{ admission: string }>(witness, 'admission');
    expect(await send(judge, 'admit', { participantId: inv(s, 'witness').participantId })).to.deep.include({ ok: true });
    expect((await admitted).admission).to.equal('admitted');
    const caps = await send(witness, 'getRouterRtpCapabilities', {});
    expect(caps).to.deep.nested.include({ ok: true });
    const witnessId = inv(s, 'witness').participantId;
    const left = new Promise<void>((resolve) => {
      judge.on('participants', ({ participants }) => {
        if (participants.some((p) => p.participantId === witnessId && !p.connected && p.admission === 'admitted')) resolve();
      });
    });
    witness.close();
    await left;
    const again = await join({ token: inv(s, 'witness').token });
    expect(await send(again, 'hello', {})).to.deep.nested.include({ ok: true, 'data.admission': 'admitted' });
    // The link is bound to the device that used it: someone else holding it cannot take the seat.
    const stolen = await tryConnect(svc.url, { token: inv(s, 'witness').token, deviceKey: 'another-device-key-0123456789' });
    expect(stolen).to.have.nested.property('refused.code', 'invitation_used');
    expect(again.connected).to.equal(true);
    // Attendance is written without holding up the room: poll until the leave is stored.
    const deadline = Date.now() + 3000;
    let events: string[] = [];
    while (Date.now() < deadline && !events.includes('leave')) {
      events = (await AttendanceModel.find({ sessionId: s.sessionId, participantId: witnessId }).lean()).map((e) => e.event);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(events).to.include.members(['join', 'admit', 'leave']);
    expect((await audit(s, 'room.admit')).some((e) => e.outcome === 'success' && e.target === `participant:${inv(s, 'witness').participantId}`)).to.equal(true);
  });

  it('answers malformed or oversized payloads with an error ack and changes nothing', async () => {
    const s = await lobby();
    const op = await join({ token: s.users.operator.token, sessionId: s.sessionId });
    const witness = await join({ token: inv(s, 'witness').token });
    const bad: [string, unknown][] = [
      ['admit', { participantId: 42 }],
      ['admit', {}],
      ['admit', { participantId: inv(s, 'witness').participantId, extra: true }],
      ['admit', 'a string'],
      ['admit', { participantId: 'x'.repeat(20_000) }],
      ['setClosedSession', { closed: 'yes' }],
      ['setClosedSession', { closed: true, padding: 'y'.repeat(17_000) }],
      ['createTransport', { direction: 'sideways' }],
    ];
    for (const [event, payload] of bad) {
      const ack = await send(op, event, payload);
      expect(ack.ok, `${event} ${JSON.stringify(payload).slice(0, 60)}`).to.equal(false);
      expect((ack as { error: { code: string } }).error.code).to.be.oneOf(['validation_failed', 'payload_too_large']);
    }
    expect((await send(op, 'admit', { participantId: 'y'.repeat(20_000) })) as unknown).to.deep.nested.include({ 'error.code': 'payload_too_large' });
    expect(op.connected && witness.connected).to.equal(true);
    expect(await send(witness, 'hello', {})).to.deep.nested.include({ 'data.admission': 'waiting' });
    const session = await request(svc.url).get(`/api/sessions/${s.sessionId}`).set('Authorization', bearer(s.users.judge.token)).expect(200);
    expect(session.body.measures).to.not.include('closedSession');
  });

  it('lets only the operator or the judge use the controls', async () => {
    const s = await lobby();
    const prosecutor = await join({ token: s.users.prosecutor.token, sessionId: s.sessionId });
    const witness = await join({ token: inv(s, 'witness').token });
    const op = await join({ token: s.users.operator.token, sessionId: s.sessionId });
    await send(op, 'admit', { participantId: inv(s, 'witness').participantId });
    await send(op, 'admit', { participantId: s.participantIds.prosecutor! });
    for (const socket of [prosecutor, witness]) {
      expect(await send(socket, 'setClosedSession', { closed: true })).to.deep.nested.include({ ok: false, 'error.code': 'control_forbidden' });
      expect(await send(socket, 'endSession', {})).to.deep.nested.include({ ok: false, 'error.code': 'control_forbidden' });
    }
  });

  it('the judge waits for an operator in the room, is admitted at once without one, and takes over when the operator leaves', async () => {
    const s = await lobby();
    const op = await join({ token: s.users.operator.token, sessionId: s.sessionId });
    expect(await send(op, 'hello', {})).to.deep.nested.include({ 'data.admission': 'admitted' });
    const judge = await join({ token: s.users.judge.token, sessionId: s.sessionId });
    expect(await send(judge, 'hello', {})).to.deep.nested.include({ 'data.admission': 'waiting' });
    // Waiting, the judge has no controls and hears nothing of the controllers' channel.
    expect(await send(judge, 'listParticipants', {})).to.deep.nested.include({ ok: false, 'error.code': 'not_admitted' });
    let heardWhileWaiting = 0;
    let waiting = true;
    judge.on('participants', () => waiting && heardWhileWaiting++);
    judge.on('admission', () => (waiting = false));
    const witness = await join({ token: inv(s, 'witness').token });
    await send(witness, 'hello', {});
    const admitted = next<{ admission: string }>(judge, 'admission');
    expect(await send(op, 'admit', { participantId: s.participantIds.judge! })).to.deep.include({ ok: true });
    expect((await admitted).admission).to.equal('admitted');
    expect(heardWhileWaiting).to.equal(0);
    // Admitted, the judge runs the lobby with the operator and now receives the participants list.
    const heard = next(judge, 'participants');
    expect(await send(judge, 'admit', { participantId: inv(s, 'witness').participantId })).to.deep.include({ ok: true });
    await heard;

    // Another session: no operator in the room, so the judge is admitted at once.
    const t = await lobby();
    const alone = await join({ token: t.users.judge.token, sessionId: t.sessionId });
    expect(await send(alone, 'hello', {})).to.deep.nested.include({ 'data.admission': 'admitted' });

    // A third: the judge waits for the operator, who leaves: the judge is let in rather than stranded.
    const u = await lobby();
    const op3 = await join({ token: u.users.operator.token, sessionId: u.sessionId });
    const judge3 = await join({ token: u.users.judge.token, sessionId: u.sessionId });
    expect(await send(judge3, 'hello', {})).to.deep.nested.include({ 'data.admission': 'waiting' });
    const letIn = next<{ admission: string }>(judge3, 'admission');
    op3.close();
    expect((await letIn).admission).to.equal('admitted');
    expect(await send(judge3, 'listParticipants', {})).to.deep.nested.include({ ok: true });
  });

  it('revoking an invitation over HTTP puts its holder out of the room at once', async () => {
    const s = await lobby();
    const op = await join({ token: s.users.operator.token, sessionId: s.sessionId });
    const witness = await join({ token: inv(s, 'witness').token });
    await send(op, 'admit', { participantId: inv(s, 'witness').participantId });
    expect(await send(witness, 'hello', {})).to.deep.nested.include({ 'data.admission': 'admitted' });
    const told = next<{ admission: string }>(witness, 'admission');
    const gone = next(witness, 'disconnect' as never);
    await request(svc.url).delete(`/api/sessions/${s.sessionId}/invitations/${inv(s, 'witness').id}`).set('Authorization', bearer(s.users.prosecutor.token)).expect(204);
    expect((await told).admission).to.equal('removed');
    await gone;
    expect(await tryConnect(svc.url, { token: inv(s, 'witness').token })).to.have.nested.property('refused.code', 'invalid_invitation');
    const { participants } = ((await send(op, 'listParticipants', {})) as { data: { participants: { participantId: string; admission: string }[] } }).data;
    expect(participants.find((p) => p.participantId === inv(s, 'witness').participantId)?.admission).to.equal('removed');
  });

  it('removing a participant disconnects them and their invitation stops working', async () => {
    const s = await lobby();
    const op = await join({ token: s.users.operator.token, sessionId: s.sessionId });
    const witness = await join({ token: inv(s, 'witness').token });
    const gone = next<string>(witness, 'disconnect' as never);
    expect(await send(op, 'remove', { participantId: inv(s, 'witness').participantId })).to.deep.include({ ok: true });
    await gone;
    expect(await tryConnect(svc.url, { token: inv(s, 'witness').token })).to.have.property('refused');
    expect((await audit(s, 'room.remove')).some((e) => e.target === `participant:${inv(s, 'witness').participantId}`)).to.equal(true);
  });

  it('starting and ending the session moves its status; the end disconnects everyone', async () => {
    const s = await lobby();
    const op = await join({ token: s.users.operator.token, sessionId: s.sessionId });
    const judge = await join({ token: s.users.judge.token, sessionId: s.sessionId });
    expect(await send(op, 'startSession', {})).to.deep.nested.include({ ok: true, 'data.status': 'live' });
    const ended = next(judge, 'sessionEnded');
    const judgeGone = next(judge, 'disconnect' as never);
    const opGone = next(op, 'disconnect' as never);
    expect(await send(op, 'endSession', {})).to.deep.nested.include({ ok: true, 'data.status': 'ended' });
    await Promise.all([ended, judgeGone, opGone]);
    const session = await request(svc.url).get(`/api/sessions/${s.sessionId}`).set('Authorization', bearer(s.users.judge.token)).expect(200);
    expect(session.body.status).to.equal('ended');
    expect(await tryConnect(svc.url, { token: s.users.judge.token, sessionId: s.sessionId })).to.have.property('refused');
  });

  it('gives a transport new ICE credentials on request and shows nobody any address but the server\'s own', async () => {
    const s = await lobby();
    const judge = await join({ token: s.users.judge.token, sessionId: s.sessionId });
    const caps = (await send(judge, 'getRouterRtpCapabilities', {})) as { ok: true; data: { rtpCapabilities: unknown } };
    expect(await send(judge, 'join', { rtpCapabilities: caps.data.rtpCapabilities })).to.deep.include({ ok: true });
    const t = (await send(judge, 'createTransport', { direction: 'recv' })) as { ok: true; data: { id: string; iceParameters: { usernameFragment: string }; iceCandidates: { ip: string }[] } };
    expect(t.data.iceCandidates.map((c) => c.ip)).to.satisfy((ips: string[]) => ips.length > 0 && ips.every((ip) => ip === svc.config.media.listenIp));
    const restarted = (await send(judge, 'restartIce', { transportId: t.data.id })) as { ok: true; data: { iceParameters: { usernameFragment: string } } };
    expect(restarted.ok).to.equal(true);
    expect(restarted.data.iceParameters.usernameFragment).to.not.equal(t.data.iceParameters.usernameFragment);
    expect(await send(judge, 'restartIce', { transportId: 'no-such-transport' })).to.deep.nested.include({ ok: false, 'error.code': 'transport_not_found' });
    const op = await join({ token: s.users.operator.token, sessionId: s.sessionId });
    const telemetry = await next<{ participants: { participantId: string }[] }>(op, 'telemetry', 3000);
    expect(telemetry.participants.map((p) => p.participantId)).to.include(s.participantIds.judge);
    expect(JSON.stringify(telemetry)).to.not.match(/\b(?:\d{1,3}\.){3}\d{1,3}\b/);
  });

  it('records a closed-session toggle once in the audit trail', async () => {
    const s = await lobby();
    const op = await join({ token: s.users.operator.token, sessionId: s.sessionId });
    expect(await send(op, 'setClosedSession', { closed: true })).to.deep.nested.include({ ok: true, 'data.measures': ['closedSession'] });
    const events = (await audit(s, 'room.closedSession')).filter((e) => e.target === `session:${s.sessionId}`);
    expect(events).to.have.length(1);
  });

  it('opens the room (a router on a worker) when the session\'s lobby opens, and closes it when the session ends', async () => {
    const routers = () => svc.service.media.statuses().reduce((n, w) => n + w.routers, 0);
    const before = routers();
    const s = await lobby();
    const deadline = Date.now() + 2000;
    while (routers() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(routers()).to.equal(before + 1);
    const op = s.users.operator.token;
    await request(svc.url).post(`/api/sessions/${s.sessionId}/status`).set('Authorization', bearer(op)).send({ status: 'live' }).expect(200);
    await request(svc.url).post(`/api/sessions/${s.sessionId}/status`).set('Authorization', bearer(op)).send({ status: 'ended' }).expect(200);
    const closedBy = Date.now() + 2000;
    while (routers() !== before && Date.now() < closedBy) await new Promise((r) => setTimeout(r, 20));
    expect(routers()).to.equal(before);
  });

  it('a session ended or cancelled over HTTP closes its room and disconnects everyone in it', async () => {
    const s = await lobby();
    const judge = await join({ token: s.users.judge.token, sessionId: s.sessionId });
    const witness = await join({ token: inv(s, 'witness').token });
    const told = next(witness, 'sessionEnded');
    const gone = Promise.all([next(judge, 'disconnect' as never), next(witness, 'disconnect' as never)]);
    await request(svc.url).post(`/api/sessions/${s.sessionId}/status`).set('Authorization', bearer(s.users.operator.token)).send({ status: 'cancelled' }).expect(200);
    await Promise.all([told, gone]);
    const left = [...svc.service.io.of('/rooms').sockets.values()].filter((x) => (x.data as { ticket?: { sessionId: string } }).ticket?.sessionId === s.sessionId);
    expect(left).to.have.length(0);
  });
});
