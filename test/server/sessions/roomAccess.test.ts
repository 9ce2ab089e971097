import { expect } from 'chai';
import mongoose from 'mongoose';
import request from 'supertest';
import { createScenario, SCENARIO_ADMIN_ENV, bearer, type Scenario } from '../../support/scenario.js';
import { startTestService, type TestService } from '../../support/service.js';
import { createIndexes } from '../../../server/api.js';
import { createLogger } from '../../../server/logger.js';
import type { RoomAccess, RoomTicket, SessionView } from '../../../server/signaling/ports.js';

async function rejects(p: Promise<unknown>): Promise<{ status: number; code: string }> {
  try {
    await p;
  } catch (err) {
    return err as { status: number; code: string };
  }
  throw new Error('expected a rejection');
}

describe('RoomAccess (sessions domain)', () => {
  let svc: TestService;
  let sc: Scenario;
  let roomAccess: RoomAccess;
  before(async function () {
    this.timeout(60_000);
    svc = await startTestService(SCENARIO_ADMIN_ENV);
    roomAccess = svc.service.api.roomAccess;
  });
  beforeEach(async function () {
    this.timeout(30_000);
    // Fresh names per scenario: no clean-up needed between tests.
    sc = await createScenario(svc, { invitations: ['witness', 'public'] });
  });
  after(async () => {
    await svc.close();
  });
  const access = (): RoomAccess => roomAccess;
  const openLobby = () => request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', bearer(sc.users.operator.token)).send({ status: 'lobby' }).expect(200);
  const DEVICE_A = 'device-key-a-0123456789abcdef';
  const DEVICE_B = 'device-key-b-0123456789abcdef';

  it('authenticate() gives a participating judge a ticket for their session', async () => {
    const t = await access().authenticate({ token: sc.users.judge.token, sessionId: sc.sessionId });
    expect(t).to.include({ sessionId: sc.sessionId, role: 'judge', participantId: sc.participantIds.judge, userId: sc.users.judge.id });
  });

  it('authenticate() refuses a user JWT for a session the user is not part of with 403', async () => {
    const err = await rejects(access().authenticate({ token: sc.users.staff.token, sessionId: sc.sessionId }));
    expect(err.status).to.equal(403);
  });

  it('authenticate() lets an operator who is not listed run the room as operator', async () => {
    const t = await access().authenticate({ token: sc.admin.token, sessionId: sc.sessionId });
    expect(t.role).to.equal('operator');
  });

  it('authenticate() with the witness invitation gives the codename, never a name', async () => {
    await openLobby();
    const inv = sc.invitations[0]!;
    const t = await access().authenticate({ token: inv.token, deviceKey: DEVICE_A });
    expect(t).to.include({ sessionId: sc.sessionId, role: 'witness', displayName: sc.witnessCodename, participantId: inv.participantId, invitationId: inv.id });
  });

  it('an invitation is single use: the first device that uses it may reconnect, nobody else, and waiting for the room does not use it', async () => {
    const inv = sc.invitations[0]!;
    const used = async () =>
      (await request(svc.url).get(`/api/sessions/${sc.sessionId}/invitations`).set('Authorization', bearer(sc.users.prosecutor.token)).expect(200)).body.items.find((i: { id: string }) => i.id === inv.id).used as boolean;
    // Before the lobby opens the page is told to wait, and the link stays unused.
    expect((await rejects(access().authenticate({ token: inv.token, deviceKey: DEVICE_A }))).code).to.equal('room_not_open');
    expect(await used()).to.equal(false);
    await openLobby();
    // No device key: refused, nothing consumed.
    expect((await rejects(access().authenticate({ token: inv.token }))).code).to.equal('device_key_required');
    expect(await used()).to.equal(false);
    const first: RoomTicket = await access().authenticate({ token: inv.token, deviceKey: DEVICE_A });
    expect(await used()).to.equal(true);
    // The same device comes back (reconnect, reload): same participant.
    const again = await access().authenticate({ token: inv.token, deviceKey: DEVICE_A });
    expect(again.participantId).to.equal(first.participantId);
    // Anyone else holding the link is refused, and the attempt is audited.
    const stolen = await rejects(access().authenticate({ token: inv.token, deviceKey: DEVICE_B }));
    expect(stolen).to.include({ status: 401, code: 'invitation_used' });
    const audit = await request(svc.url).get('/api/audit').query({ action: 'invitation.use', target: `invitation:${inv.id}` }).set('Authorization', bearer(sc.admin.token)).expect(200);
    expect(audit.body.items.map((e: { outcome: string }) => e.outcome).sort()).to.deep.equal(['failure', 'success']);
  });

  it('an invitation stored with an account holder\'s role (issued before roles were restricted) is refused at use', async () => {
    await openLobby();
    const { InvitationModel } = await import('../../../server/sessions/session.model.js');
    const { hashToken } = await import('../../../server/sessions/invitation.service.js');
    const token = 'O'.repeat(43);
    await InvitationModel.create({ sessionId: sc.sessionId, role: 'operator', participantId: 'legacy-operator-link', displayName: 'operator', tokenHash: hashToken(token), validFrom: new Date(Date.now() - 3600_000), validUntil: new Date(Date.now() + 3600_000), createdBy: sc.users.prosecutor.id });
    expect(await rejects(access().authenticate({ token, deviceKey: DEVICE_A }))).to.include({ status: 401, code: 'invalid_invitation' });
  });

  it('two devices racing to use one invitation: exactly one wins', async () => {
    await openLobby();
    const inv = sc.invitations[0]!;
    const keys = ['race-device-key-aaaaaaaaaaaa', 'race-device-key-bbbbbbbbbbbb', 'race-device-key-cccccccccccc'];
    const results = await Promise.allSettled(keys.map((deviceKey) => access().authenticate({ token: inv.token, deviceKey })));
    expect(results.filter((r) => r.status === 'fulfilled')).to.have.length(1);
    for (const r of results) if (r.status === 'rejected') expect((r.reason as { code: string }).code).to.equal('invitation_used');
  });

  it('a revoked invitation is refused with 401', async () => {
    const inv = sc.invitations[1]!;
    await request(svc.url).delete(`/api/sessions/${sc.sessionId}/invitations/${inv.id}`).set('Authorization', bearer(sc.users.prosecutor.token)).expect(204);
    const err = await rejects(access().authenticate({ token: inv.token, deviceKey: DEVICE_A }));
    expect(err.status).to.equal(401);
  });

  it('an invitation for another session is refused with 403', async () => {
    const other = await createScenario(svc);
    const err = await rejects(access().authenticate({ token: sc.invitations[0]!.token, sessionId: other.sessionId, deviceKey: DEVICE_A }));
    expect(err.status).to.equal(403);
  });

  it('after the session ended, invitations and user tokens are refused with 409', async () => {
    const judge = await access().authenticate({ token: sc.users.judge.token, sessionId: sc.sessionId });
    const op = bearer(sc.users.operator.token);
    await request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', op).send({ status: 'lobby' }).expect(200);
    await access().setStatus(sc.sessionId, 'live', judge);
    const ended = await access().setStatus(sc.sessionId, 'ended', judge);
    expect(ended.status).to.equal('ended');
    expect((await rejects(access().authenticate({ token: sc.invitations[0]!.token, deviceKey: DEVICE_A }))).status).to.equal(409);
    expect((await rejects(access().authenticate({ token: sc.users.judge.token, sessionId: sc.sessionId }))).status).to.equal(409);
  });

  it('setStatus() refuses an invalid transition with 409 and a non-chair with 403', async () => {
    const judge = await access().authenticate({ token: sc.users.judge.token, sessionId: sc.sessionId });
    expect((await rejects(access().setStatus(sc.sessionId, 'ended', judge))).status).to.equal(409);
    await openLobby();
    const witness = await access().authenticate({ token: sc.invitations[0]!.token, deviceKey: DEVICE_A });
    expect((await rejects(access().setStatus(sc.sessionId, 'live', witness))).status).to.equal(403);
  });

  it('setMeasure() of closedSession notifies subscribers and is audited', async () => {
    const judge = await access().authenticate({ token: sc.users.judge.token, sessionId: sc.sessionId });
    const seen: string[][] = [];
    const off = access().subscribe((s: SessionView) => seen.push([...s.measures]));
    const view = await access().setMeasure(sc.sessionId, 'closedSession', true, judge);
    off();
    expect(view.measures).to.include('closedSession');
    expect(seen).to.have.length(1);
    const audit = await request(svc.url).get('/api/audit').query({ action: 'room.closedSession', target: `session:${sc.sessionId}` }).set('Authorization', bearer(sc.admin.token)).expect(200);
    expect(audit.body.items).to.have.length(1);
  });

  it('revokeParticipant() stops a user participant and an invited participant from joining', async () => {
    const judge = await access().authenticate({ token: sc.users.judge.token, sessionId: sc.sessionId });
    await access().revokeParticipant(sc.sessionId, sc.participantIds.defence!, judge);
    expect((await rejects(access().authenticate({ token: sc.users.defence.token, sessionId: sc.sessionId }))).status).to.equal(403);
    await access().revokeParticipant(sc.sessionId, sc.invitations[1]!.participantId, judge);
    expect((await rejects(access().authenticate({ token: sc.invitations[1]!.token, deviceKey: DEVICE_A }))).status).to.equal(401);
  });

  it('recordAttendance() made again with the same event and time (a write repeated after an outage) records it once', async () => {
    const at = new Date();
    const judgeId = sc.participantIds.judge!;
    await access().recordAttendance(sc.sessionId, judgeId, 'leave', at);
    await access().recordAttendance(sc.sessionId, judgeId, 'leave', at);
    await access().recordAttendance(sc.sessionId, judgeId, 'leave', new Date(at.getTime() + 1));
    const left = await svc.service.database.connection.collection('attendance').countDocuments({ sessionId: sc.sessionId, participantId: judgeId, event: 'leave' });
    expect(left).to.equal(2);
  });

  it('a database holding attendance marks written twice (before their index was unique) keeps one of each, and the service starts', async () => {
    const attendance = svc.service.database.connection.collection('attendance');
    const index = Object.keys(await attendance.indexInformation()).find((name) => name.startsWith('sessionId_1_participantId_1_event_1_at_1'))!;
    await attendance.dropIndex(index);
    try {
      const at = new Date();
      const mark = { sessionId: sc.sessionId, participantId: sc.participantIds.judge!, event: 'leave', at };
      await attendance.insertMany([{ ...mark }, { ...mark }, { ...mark }, { ...mark, event: 'join' }]);
      await createIndexes(createLogger('silent'));
      expect(await attendance.countDocuments({ sessionId: sc.sessionId })).to.equal(2);
    } finally {
      await createIndexes(createLogger('silent'));
    }
    expect(Object.keys(await attendance.indexInformation())).to.include(index);
  });

  it('audit() of one room event written twice under its id (made again after an outage) appends it once', async () => {
    const judge = await access().authenticate({ token: sc.users.judge.token, sessionId: sc.sessionId });
    const id = new mongoose.Types.ObjectId().toHexString();
    const event = { actor: judge, action: 'room.admit', target: `participant:${sc.participantIds.judge!}`, outcome: 'success', details: { sessionId: sc.sessionId }, id } as const;
    await access().audit(event);
    await access().audit({ ...event, details: { ...event.details, deferred: true } });
    const events = svc.service.database.connection.collection('audit_events');
    expect(await events.countDocuments({ 'details.sessionId': sc.sessionId, action: 'room.admit' })).to.equal(1);
    // Without an id, each call is an event of its own.
    const { id: _id, ...withoutId } = event;
    await access().audit(withoutId);
    expect(await events.countDocuments({ 'details.sessionId': sc.sessionId, action: 'room.admit' })).to.equal(2);
  });

  it('authenticate() refuses garbage, a user token without a session, and an unknown token', async () => {
    expect((await rejects(access().authenticate({ token: 'x'.repeat(43), deviceKey: DEVICE_A }))).status).to.equal(401);
    expect((await rejects(access().authenticate({ token: sc.users.judge.token }))).status).to.equal(401);
    expect((await rejects(access().authenticate({ token: 'a.b.c', sessionId: sc.sessionId }))).status).to.equal(401);
  });
});
