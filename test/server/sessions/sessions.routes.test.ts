import { expect } from 'chai';
import request from 'supertest';
import { createScenario, SCENARIO_ADMIN_ENV, bearer, type Scenario } from '../../support/scenario.js';
import { startTestService, type TestService } from '../../support/service.js';

describe('session routes', () => {
  let svc: TestService;
  let sc: Scenario;
  before(async function () {
    this.timeout(60_000);
    svc = await startTestService(SCENARIO_ADMIN_ENV);
  });
  beforeEach(async function () {
    this.timeout(30_000);
    sc = await createScenario(svc);
  });
  after(async () => {
    await svc.close();
  });

  const DEVICE = 'session-test-device-key-0123';
  const openLobby = (s: Scenario) => request(svc.url).post(`/api/sessions/${s.sessionId}/status`).set('Authorization', bearer(s.users.operator.token)).send({ status: 'lobby' }).expect(200);
  const hours = (h: number): string => new Date(Date.now() + h * 3600_000).toISOString();
  const book = (over: Record<string, unknown>, token = sc.users.prosecutor.token) =>
    request(svc.url)
      .post('/api/sessions')
      .set('Authorization', bearer(token))
      .send({ trialId: sc.trialId, witnessId: sc.witnessId, fromCountry: 'MD', courtCountry: 'MK', courtRoom: `Other ${Math.random()}`, start: hours(10), end: hours(11), ...over });

  /** A fresh witness of the given trials (default: the scenario's). */
  async function otherWitness(...trialIds: string[]): Promise<string> {
    const res = await request(svc.url).post('/api/witnesses').set('Authorization', bearer(sc.users.staff.token))
      .send({ codename: `Robin-${Math.random().toString(16).slice(2, 8)}`, identity: { legalName: 'Someone Else', dateOfBirth: '1990-01-01' }, trialIds: trialIds.length > 0 ? trialIds : [sc.trialId], countryOfOrigin: 'UA', languages: ['uk'], riskLevel: 'low' }).expect(201);
    return res.body.id as string;
  }

  it('POST /api/sessions returns 409 when the witness is already booked in an overlapping window', async () => {
    const res = await book({ start: hours(0), end: hours(2) }).expect(409);
    expect(res.body.error.code).to.equal('witness_double_booked');
  });

  it('POST /api/sessions returns 409 when the court room is already booked', async () => {
    const res = await book({ witnessId: await otherWitness(), courtRoom: sc.courtRoom, start: hours(0), end: hours(2) }).expect(409);
    expect(res.body.error.code).to.equal('court_room_double_booked');
  });

  it('POST /api/sessions returns 409 when the judge is already booked', async () => {
    const res = await book({ witnessId: await otherWitness(), start: hours(0), end: hours(2), participants: [{ userId: sc.users.judge.id, role: 'judge' }] }).expect(409);
    expect(res.body.error.code).to.equal('judge_double_booked');
  });

  it('POST /api/sessions: a room name clashes only within one court, and the trial\'s presiding judge is booked without being listed', async () => {
    const trial = async (court: string, judgeId: string) =>
      (await request(svc.url).post('/api/trials').set('Authorization', bearer(sc.admin.token))
        .send({ caseNumber: `K-${Math.random().toString(16).slice(2, 10)}`, court, courtCountry: 'MK', judgeId, prosecutorIds: [sc.users.prosecutor.id], defendants: [{ name: 'D' }], charges: ['humanTrafficking'] }).expect(201)).body.id as string;
    const otherJudge = (await request(svc.url).post('/api/users').set('Authorization', bearer(sc.admin.token))
      .send({ username: `judge.${Math.random().toString(16).slice(2, 8)}`, password: 'a-long-enough-password', role: 'judge', displayName: 'Another judge' }).expect(201)).body.id as string;
    const room = `Hall ${Math.random()}`;
    const [bitola, bitolaToo, skopje] = [await trial('Basic Court Bitola', otherJudge), await trial('Basic Court Bitola', otherJudge), await trial('Basic Court Skopje I', sc.users.judge.id)];
    await book({ trialId: bitola, witnessId: await otherWitness(bitola), courtRoom: room, start: hours(50), end: hours(51) }).expect(201);
    // Same name, another court: free. Same court, another trial: the room is taken.
    const sameNameElsewhere = await book({ trialId: skopje, witnessId: await otherWitness(skopje), courtRoom: room, start: hours(50), end: hours(51) });
    expect(sameNameElsewhere.status, JSON.stringify(sameNameElsewhere.body)).to.equal(201);
    const sameCourt = await book({ trialId: bitolaToo, witnessId: await otherWitness(bitolaToo), courtRoom: room, start: hours(50.5), end: hours(51.5) }).expect(409);
    expect(sameCourt.body.error.code).to.equal('court_room_double_booked');
    // Bitola's presiding judge, never listed as a participant, is busy at 50–51 in any room.
    const judgeBusy = await book({ trialId: bitolaToo, witnessId: await otherWitness(bitolaToo), start: hours(50.5), end: hours(51.5) }).expect(409);
    expect(judgeBusy.body.error.code).to.equal('judge_double_booked');
  });

  it('a prosecutor manages only sessions of their own trials, a judge only their own hearings (403/404, nothing changes)', async () => {
    const other = await createScenario(svc); // its own prosecutor, judge and trial
    const outsider = bearer(other.users.prosecutor.token);
    const s = `/api/sessions/${sc.sessionId}`;
    expect((await book({ witnessId: await otherWitness(), start: hours(70), end: hours(71) }, other.users.prosecutor.token).expect(403)).body.error.code).to.equal('not_your_trial');
    // A prosecutor of another trial cannot even see the session.
    await request(svc.url).patch(s).set('Authorization', outsider).send({ courtRoom: 'Moved' }).expect(404);
    await request(svc.url).post(`${s}/status`).set('Authorization', outsider).send({ status: 'cancelled' }).expect(404);
    await request(svc.url).post(`${s}/invitations`).set('Authorization', outsider).send({ role: 'public' }).expect(404);
    await request(svc.url).get(`${s}/invitations`).set('Authorization', outsider).expect(404);
    // A prosecutor who takes part in the hearing but is not on its trial reads it, and may not manage it.
    await request(svc.url).patch(s).set('Authorization', bearer(sc.users.prosecutor.token)).send({ participants: [{ userId: other.users.prosecutor.id, role: 'prosecutor' }] }).expect(200);
    await request(svc.url).get(s).set('Authorization', outsider).expect(200);
    expect((await request(svc.url).patch(s).set('Authorization', outsider).send({ courtRoom: 'Moved' }).expect(403)).body.error.code).to.equal('not_your_session');
    // A judge who does not sit in it cannot even see it.
    await request(svc.url).post(`${s}/status`).set('Authorization', bearer(other.users.judge.token)).send({ status: 'lobby' }).expect(404);
    const after = await request(svc.url).get(s).set('Authorization', bearer(sc.users.prosecutor.token)).expect(200);
    expect(after.body).to.include({ status: 'scheduled' });
    expect(after.body.courtRoom).to.not.equal('Moved');
    // The trial's own prosecutor may.
    await request(svc.url).get(`${s}/invitations`).set('Authorization', bearer(sc.users.prosecutor.token)).expect(200);
  });

  it('POST /api/sessions answers 400 naming body.witnessId for a witness not linked to the trial, and 400 for a support who is not programme staff', async () => {
    const stranger = (await createScenario(svc)).witnessId;
    const res = await book({ witnessId: stranger, start: hours(80), end: hours(81) }).expect(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).to.deep.equal(['body.witnessId']);
    for (const role of ['defence', 'judge', 'interpreter'] as const) {
      const bad = await book({ witnessId: await otherWitness(), start: hours(82), end: hours(83), participants: [{ userId: sc.users[role].id, role: 'support' }] }).expect(400);
      expect(bad.body.error.details[0].path, role).to.equal('body.participants.0.role');
    }
    const defenceAsJudge = await book({ witnessId: await otherWitness(), start: hours(82), end: hours(83), participants: [{ userId: sc.users.defence.id, role: 'judge' }] }).expect(400);
    expect(defenceAsJudge.body.error.details[0].path).to.equal('body.participants.0.role');
    await book({ witnessId: await otherWitness(), start: hours(82), end: hours(83), participants: [{ userId: sc.users.staff.id, role: 'support' }] }).expect(201);
  });

  it('POST /api/sessions answers 400 naming body.trialId for a trial that does not exist, and writes nothing', async () => {
    const res = await book({ trialId: '0123456789abcdef01234567', witnessId: await otherWitness(), start: hours(60), end: hours(61) }).expect(400);
    expect(res.body.error.details.map((d: { path: string }) => d.path)).to.include('body.trialId');
  });

  it('POST /api/sessions accepts the same witness right after the window, and after a cancellation', async () => {
    await book({ start: hours(1), end: hours(2) }).expect(201);
    await request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', bearer(sc.users.prosecutor.token)).send({ status: 'cancelled' }).expect(200);
    await book({ start: hours(0), end: hours(0.5) }).expect(201);
  });

  it('concurrent bookings of one witness: exactly one wins', async () => {
    const w = await otherWitness();
    const results = await Promise.all([1, 2, 3].map(() => book({ witnessId: w, start: hours(30), end: hours(31) })));
    expect(results.map((r) => r.status).sort()).to.deep.equal([201, 409, 409]);
  });

  it('POST /api/sessions answers 400 for end before start, a wrong court country and a user in the wrong role', async () => {
    const a = await book({ start: hours(5), end: hours(4) }).expect(400);
    expect(a.body.error.details[0].path).to.equal('body.end');
    const b = await book({ courtCountry: 'RS' }).expect(400);
    expect(b.body.error.details[0].path).to.equal('body.courtCountry');
    const c = await book({ participants: [{ userId: sc.users.defence.id, role: 'judge' }] }).expect(400);
    expect(c.body.error.details[0].path).to.equal('body.participants.0.role');
    await book({ start: '2026-01-01T10:00:00' }).expect(400);
  });

  it('lifecycle scheduled → lobby → live → ended; invalid moves answer 409', async () => {
    const op = bearer(sc.users.operator.token);
    const to = (status: string) => request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', op).send({ status });
    await to('live').expect(409);
    await to('lobby').expect(200);
    await to('lobby').expect(409);
    await to('live').expect(200);
    await to('cancelled').expect(409);
    const ended = await to('ended').expect(200);
    expect(ended.body.status).to.equal('ended');
    await to('live').expect(409);
    await request(svc.url).patch(`/api/sessions/${sc.sessionId}`).set('Authorization', bearer(sc.users.prosecutor.token)).send({ courtRoom: 'X' }).expect(409);
  });

  it('lobby → ended without going live answers 200 (was a dead end); the session records whether and when it went live', async () => {
    const op = bearer(sc.users.operator.token);
    const to = (id: string, status: string) => request(svc.url).post(`/api/sessions/${id}/status`).set('Authorization', op).send({ status });
    await to(sc.sessionId, 'lobby').expect(200);
    const ended = await to(sc.sessionId, 'ended').expect(200);
    expect(ended.body).to.include({ status: 'ended', liveAt: null });
    expect(Date.parse(ended.body.endedAt)).to.be.closeTo(Date.now(), 10_000);
    const held = await createScenario(svc);
    await to(held.sessionId, 'lobby').expect(200);
    const live = await to(held.sessionId, 'live').expect(200);
    expect(Date.parse(live.body.liveAt)).to.be.closeTo(Date.now(), 10_000);
    const done = await to(held.sessionId, 'ended').expect(200);
    expect(done.body.liveAt).to.equal(live.body.liveAt);
    // Cancelling from the lobby is allowed too; nothing leaves ended or cancelled.
    const third = await createScenario(svc);
    await to(third.sessionId, 'lobby').expect(200);
    await to(third.sessionId, 'cancelled').expect(200);
    for (const status of ['lobby', 'live', 'ended', 'cancelled']) await to(third.sessionId, status).expect(409);
  });

  it('moves racing out of one state: exactly one wins, each state is left at most once (8 concurrent requests, 3 rounds)', async () => {
    for (let round = 0; round < 3; round++) {
      const s2 = await createScenario(svc);
      const op = bearer(s2.users.operator.token);
      await request(svc.url).post(`/api/sessions/${s2.sessionId}/status`).set('Authorization', op).send({ status: 'lobby' }).expect(200);
      const targets = ['live', 'ended', 'cancelled', 'live', 'ended', 'cancelled', 'live', 'ended'];
      const res = await Promise.all(targets.map((status) => request(svc.url).post(`/api/sessions/${s2.sessionId}/status`).set('Authorization', op).send({ status })));
      expect(res.every((r) => r.status === 200 || r.status === 409), res.map((r) => r.status).join()).to.equal(true);
      const audit = await request(svc.url).get(`/api/audit?action=session.status&target=session:${s2.sessionId}`).set('Authorization', bearer(s2.admin.token)).expect(200);
      const moves = (audit.body.items as { details: { from: string; to: string } }[]).map((e) => e.details).reverse();
      // scheduled → lobby, then exactly one move out of the lobby, and (a later request) at most live → ended.
      expect(moves.map((m) => m.from)).to.deep.equal([...new Set(moves.map((m) => m.from))]);
      expect(moves.filter((m) => m.from === 'lobby'), JSON.stringify(moves)).to.have.length(1);
      expect(res.filter((r) => r.status === 200)).to.have.length(moves.length - 1);
      const now = await request(svc.url).get(`/api/sessions/${s2.sessionId}`).set('Authorization', op).expect(200);
      expect(now.body.status).to.equal(moves.at(-1)!.to);
    }
  });

  it('GET /api/sessions/:id/invitations lists each link with its state (issued, used, revoked, expired) and its language', async () => {
    const s2 = await createScenario(svc, { invitations: ['witness', 'accused', 'public', 'defence'] });
    const pr = bearer(s2.users.prosecutor.token);
    const url = `/api/sessions/${s2.sessionId}/invitations`;
    const ro = await request(svc.url).post(url).set('Authorization', pr).send({ role: 'witness', language: 'ro' }).expect(201);
    expect(ro.body.link).to.match(/^\/join#token=[A-Za-z0-9_-]{43}&role=witness&lang=ro$/);
    expect(ro.body.invitation).to.include({ language: 'ro', state: 'issued' });
    await request(svc.url).post(url).set('Authorization', pr).send({ role: 'witness', language: 'fr' }).expect(400);
    await openLobby(s2);
    await svc.service.api.roomAccess.authenticate({ token: s2.invitations[0]!.token, deviceKey: DEVICE });
    await request(svc.url).delete(`${url}/${s2.invitations[1]!.id}`).set('Authorization', pr).expect(204);
    const states = async () => Object.fromEntries(((await request(svc.url).get(url).set('Authorization', pr).expect(200)).body.items as { id: string; state: string }[]).map((i) => [i.id, i.state]));
    const before = await states();
    expect([before[s2.invitations[0]!.id], before[s2.invitations[1]!.id], before[s2.invitations[2]!.id]]).to.deep.equal(['used', 'revoked', 'issued']);
    await request(svc.url).post(`/api/sessions/${s2.sessionId}/status`).set('Authorization', bearer(s2.users.operator.token)).send({ status: 'ended' }).expect(200);
    const after = await states();
    expect([after[s2.invitations[0]!.id], after[s2.invitations[1]!.id], after[s2.invitations[2]!.id], after[ro.body.invitation.id]]).to.deep.equal(['used', 'revoked', 'expired', 'expired']);
    // Those who do not manage the session cannot list its links.
    await request(svc.url).get(url).set('Authorization', bearer(s2.users.defence.token)).expect(403);
  });

  it('a prosecutor may cancel but not open the lobby', async () => {
    const pr = bearer(sc.users.prosecutor.token);
    await request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', pr).send({ status: 'lobby' }).expect(403);
    await request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', pr).send({ status: 'cancelled' }).expect(200);
  });

  it('participants see their own sessions only; others get 404', async () => {
    const mine = await request(svc.url).get('/api/sessions').set('Authorization', bearer(sc.users.defence.token)).expect(200);
    expect(mine.body.items.map((s: { id: string }) => s.id)).to.include(sc.sessionId);
    const other = await createScenario(svc, { participants: ['judge'] });
    await request(svc.url).get(`/api/sessions/${other.sessionId}`).set('Authorization', bearer(sc.users.defence.token)).expect(404);
    const list = await request(svc.url).get('/api/sessions').set('Authorization', bearer(sc.users.defence.token)).expect(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).not.to.include(other.sessionId);
  });

  it('GET /api/sessions shows a booking and a status change at once, though its pages are cached', async () => {
    const op = bearer(sc.users.operator.token);
    const listed = async () =>
      (await request(svc.url).get(`/api/sessions?witnessId=${sc.witnessId}&limit=200`).set('Authorization', op).expect(200)).body.items as { id: string; status: string }[];
    const before = await listed();
    const booked = await book({ start: hours(30), end: hours(31) }).expect(201);
    const after = await listed();
    expect(after.map((s) => s.id)).to.include(booked.body.id);
    expect(after).to.have.length(before.length + 1);
    await request(svc.url).post(`/api/sessions/${booked.body.id}/status`).set('Authorization', op).send({ status: 'cancelled' }).expect(200);
    expect((await listed()).find((s) => s.id === booked.body.id)?.status).to.equal('cancelled');
  });

  it('GET /api/sessions pages with limit and next', async () => {
    const admin = bearer(sc.admin.token);
    const first = await request(svc.url).get('/api/sessions?limit=1').set('Authorization', admin).expect(200);
    expect(first.body.items).to.have.length(1);
    const second = await request(svc.url).get(`/api/sessions?limit=1&after=${first.body.next}`).set('Authorization', admin).expect(200);
    expect(second.body.items[0].id).not.to.equal(first.body.items[0].id);
    await request(svc.url).get('/api/sessions?limit=1000').set('Authorization', admin).expect(400);
  });

  it('POST /api/sessions/:id/invitations refuses a link for the judge, a prosecutor or an operator (400, nothing issued)', async () => {
    const url = `/api/sessions/${sc.sessionId}/invitations`;
    const count = async () => (await request(svc.url).get(url).set('Authorization', bearer(sc.users.prosecutor.token)).expect(200)).body.items.length as number;
    const before = await count();
    for (const role of ['judge', 'prosecutor', 'operator']) {
      const res = await request(svc.url).post(url).set('Authorization', bearer(sc.users.prosecutor.token)).send({ role }).expect(400);
      expect(res.body.error.details[0].path, role).to.equal('body.role');
    }
    expect(await count()).to.equal(before);
  });

  it('POST /api/sessions/:id/invitations returns a link with the token in the fragment, stored only as a hash', async () => {
    const res = await request(svc.url).post(`/api/sessions/${sc.sessionId}/invitations`).set('Authorization', bearer(sc.users.operator.token)).send({ role: 'support', displayName: 'Support person' }).expect(201);
    expect(res.body.link).to.match(/^\/join#token=[A-Za-z0-9_-]{43}&role=support$/);
    const token = /#token=([^&]+)/.exec(res.body.link as string)![1]!;
    const list = await request(svc.url).get(`/api/sessions/${sc.sessionId}/invitations`).set('Authorization', bearer(sc.users.operator.token)).expect(200);
    expect(JSON.stringify(list.body)).not.to.include(token);
    const { default: mongoose } = await import('mongoose');
    const stored = await mongoose.connection.db!.collection('invitations').find({}).toArray();
    expect(JSON.stringify(stored)).not.to.include(token);
  });


  it('an invitation is refused before its window opens and after it closes', async () => {
    const api = svc.service.api;
    const future = await createScenario(svc, { startOffsetMs: 3 * 3600_000 });
    const early = await api.roomAccess.authenticate({ token: future.invitations[0]!.token, deviceKey: DEVICE }).catch((e: { status: number; code: string }) => e);
    expect(early).to.include({ status: 409, code: 'invitation_not_yet_valid' });
    const past = await createScenario(svc, { startOffsetMs: -3 * 3600_000, durationMs: 3600_000 });
    const late = await api.roomAccess.authenticate({ token: past.invitations[0]!.token, deviceKey: DEVICE }).catch((e: { status: number }) => e);
    expect(late).to.include({ status: 401 });
    const current = await createScenario(svc);
    await openLobby(current);
    const now = await api.roomAccess.authenticate({ token: current.invitations[0]!.token, deviceKey: DEVICE });
    expect(now.role).to.equal('witness');
  });

  it('rescheduling a session moves its invitations\' window with it', async () => {
    const api = svc.service.api;
    const later = await createScenario(svc, { startOffsetMs: 5 * 3600_000 });
    await request(svc.url).patch(`/api/sessions/${later.sessionId}`).set('Authorization', bearer(later.users.prosecutor.token)).send({ start: hours(-0.1), end: hours(1) }).expect(200);
    await openLobby(later);
    const ticket = await api.roomAccess.authenticate({ token: later.invitations[0]!.token, deviceKey: DEVICE });
    expect(ticket.sessionId).to.equal(later.sessionId);
  });
});
