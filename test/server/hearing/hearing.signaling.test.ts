import { expect } from 'chai';
import request from 'supertest';
import { SuspensionStepModel, IdentityCheckModel } from '../../../server/hearing/hearing.model.js';
import type { HearingState } from '../../../server/signaling/ports.js';
import { bearer, createScenario, SCENARIO_ADMIN_ENV } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { next, send } from '../signaling/support.js';
import { auditOf, ok, openHearing, refused, setStatus, type Hearing } from './support.js';

describe('Hearing room requests: identity check, override, oath, suspend, resume (real service, database, sockets)', function () {
  this.timeout(30_000);
  let svc: TestService;
  let open: Hearing[] = [];
  before(async function () {
    this.timeout(30_000);
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_hearing_signaling') });
  });
  afterEach(() => {
    open.forEach((h) => h.close());
    open = [];
  });
  after(async () => svc?.close());
  const hearing = async (opts: Parameters<typeof openHearing>[1] = {}) => {
    const h = await openHearing(svc, opts);
    open.push(h);
    return h;
  };
  const live = async (h: Hearing) => {
    await ok(h.authority, 'recordIdentityCheck', { documentType: 'passport', matched: true, note: 'Checked against the original.' });
    await ok(h.operator, 'startSession', {});
  };

  it('the session cannot go live until the requested authority records the identity check, from the lobby, once', async () => {
    const h = await hearing({ admit: false });
    await refused(h.operator, 'startSession', {}, 'identity_check_pending');
    // Over HTTP too: the gate is the sessions domain's, not the room's.
    const viaHttp = await setStatus(svc, h.sc, 'live').expect(409);
    expect(viaHttp.body.error.code).to.equal('identity_check_pending');
    expect((await ok<HearingState>(h.judge, 'hearingState', {})).identityCheck).to.equal('pending');
    // Only the authority records it; the witness never even learns the gate.
    await refused(h.witness, 'recordIdentityCheck', { documentType: 'passport', matched: true, note: '' }, 'authority_only');
    expect(await ok<HearingState>(h.witness, 'hearingState', {})).to.not.have.property('identityCheck');
    await refused(h.authority, 'recordIdentityCheck', { documentType: 'driving licence', matched: true, note: '' }, 'validation_failed');
    // The authority is still waiting in the lobby, beside the witness.
    const told = next<HearingState>(h.judge, 'hearing');
    const state = await ok<HearingState>(h.authority, 'recordIdentityCheck', { documentType: 'identityCard', matched: true, note: 'Photo and signature compared.' });
    expect(state.identityCheck).to.equal('confirmed');
    expect((await told).identityCheck).to.equal('confirmed');
    await refused(h.authority, 'recordIdentityCheck', { documentType: 'passport', matched: false, note: '' }, 'identity_check_recorded');
    expect(await IdentityCheckModel.countDocuments({ sessionId: h.sc.sessionId })).to.equal(1);
    expect((await ok<{ status: string }>(h.operator, 'startSession', {})).status).to.equal('live');
    const events = await auditOf(svc, h.sc, 'hearing.identityCheck');
    // The note stays out of the audit chain; refusals are audited too (the witness's, the second).
    expect(events.filter((e) => e.outcome === 'success').map((e) => e.details)).to.deep.equal([{ documentType: 'identityCard', matched: true }]);
    expect(events.filter((e) => e.outcome === 'failure')).to.have.length(2);
  });

  it('an unconfirmed identity blocks going live until the judge overrides with a reason, and the override is audited', async () => {
    const h = await hearing();
    await ok(h.authority, 'recordIdentityCheck', { documentType: 'passport', matched: false, note: 'The photo is old; the authority is not certain.' });
    await refused(h.operator, 'startSession', {}, 'identity_not_confirmed');
    await refused(h.operator, 'overrideIdentityCheck', { reason: 'x' }, 'judge_only');
    await refused(h.authority, 'overrideIdentityCheck', { reason: 'x' }, 'judge_only');
    await refused(h.judge, 'overrideIdentityCheck', { reason: '   ' }, 'validation_failed');
    expect((await ok<HearingState>(h.judge, 'overrideIdentityCheck', { reason: 'Identity known to the court from the file.' })).identityCheck).to.equal('overridden');
    await refused(h.judge, 'overrideIdentityCheck', { reason: 'again' }, 'identity_check_overridden');
    await ok(h.judge, 'startSession', {});
    const overrides = await auditOf(svc, h.sc, 'hearing.identityOverride');
    const success = overrides.find((e) => e.outcome === 'success')!;
    expect(success.details).to.deep.equal({ reason: 'Identity known to the court from the file.', gate: 'notConfirmed' });
    expect(success.actor.role).to.equal('judge');
    // Refused by role or because already done; a malformed request never reaches the records.
    expect(overrides.filter((e) => e.outcome === 'failure')).to.have.length(3);
    // Once live, overriding makes no sense any more.
    await refused(h.judge, 'overrideIdentityCheck', { reason: 'late' }, 'hearing_live');
  });

  it('a session without a requested authority needs no check; revoking the authority link does not lift the gate', async () => {
    const plain = await createScenario(svc, { invitations: ['witness'] });
    await setStatus(svc, plain, 'lobby').expect(200);
    await setStatus(svc, plain, 'live').expect(200);
    const sc = await createScenario(svc, { invitations: ['authority'] });
    await setStatus(svc, sc, 'lobby').expect(200);
    await request(svc.url).delete(`/api/sessions/${sc.sessionId}/invitations/${sc.invitations[0]!.id}`).set('Authorization', bearer(sc.users.prosecutor.token)).expect(204);
    expect((await setStatus(svc, sc, 'live').expect(409)).body.error.code).to.equal('identity_check_pending');
  });

  it('the judge records the rights notice and the oath once, with its time; nobody else can', async () => {
    const h = await hearing();
    await refused(h.witness, 'recordOath', { kind: 'oath', rightsInformed: true }, 'judge_only');
    await refused(h.operator, 'recordOath', { kind: 'oath', rightsInformed: true }, 'judge_only');
    await refused(h.judge, 'recordOath', { kind: 'oath', rightsInformed: false }, 'validation_failed');
    const told = next<HearingState>(h.witness, 'hearing');
    const before = Date.now();
    const state = await ok<HearingState>(h.judge, 'recordOath', { kind: 'declaration', rightsInformed: true });
    expect(state.oath?.kind).to.equal('declaration');
    expect(new Date(state.oath!.at).getTime()).to.be.within(before - 1000, Date.now() + 1000);
    expect((await told).oath?.kind).to.equal('declaration');
    await refused(h.judge, 'recordOath', { kind: 'oath', rightsInformed: true }, 'oath_recorded');
  });

  it('the requested authority suspends and resumes the live hearing: recorded with reason and time, published to the room and the session view', async () => {
    const h = await hearing();
    await refused(h.authority, 'suspendHearing', { reason: 'Not live yet' }, 'hearing_not_live');
    await live(h);
    await refused(h.judge, 'suspendHearing', { reason: 'x' }, 'authority_only');
    const witnessTold = next<HearingState>(h.witness, 'hearing');
    const state = await ok<HearingState>(h.authority, 'suspendHearing', { reason: 'A question about the home address infringes our law.' });
    expect(state.suspension?.reason).to.equal('A question about the home address infringes our law.');
    expect((await witnessTold).suspension?.reason).to.match(/home address/);
    expect((await svc.service.api.roomAccess.getSession(h.sc.sessionId)).suspended).to.equal(true);
    await refused(h.authority, 'suspendHearing', { reason: 'again' }, 'hearing_suspended');
    // The court cannot undo it.
    await refused(h.judge, 'resumeHearing', {}, 'authority_only');
    await refused(h.operator, 'resumeHearing', {}, 'authority_only');
    const judgeTold = next<HearingState>(h.judge, 'hearing');
    expect((await ok<HearingState>(h.authority, 'resumeHearing', {})).suspension).to.equal(null);
    expect((await judgeTold).suspension).to.equal(null);
    expect((await svc.service.api.roomAccess.getSession(h.sc.sessionId)).suspended).to.equal(false);
    await refused(h.authority, 'resumeHearing', {}, 'hearing_not_suspended');
    const steps = await SuspensionStepModel.find({ sessionId: h.sc.sessionId }).sort({ step: 1 }).lean();
    expect(steps.map((s) => [s.step, s.action, s.by.role])).to.deep.equal([
      [1, 'suspend', 'authority'],
      [2, 'resume', 'authority'],
    ]);
    expect(steps[0]!.reason).to.match(/home address/);
    expect((await auditOf(svc, h.sc, 'hearing.suspend')).find((e) => e.outcome === 'success')!.details).to.include({ step: 1 });
  });

  it('of two suspensions racing, exactly one is recorded and the other is told the hearing is suspended', async () => {
    const h = await hearing();
    await live(h);
    const acks = await Promise.all([send(h.authority, 'suspendHearing', { reason: 'one' }), send(h.authority, 'suspendHearing', { reason: 'two' }), send(h.authority, 'suspendHearing', { reason: 'three' })]);
    expect(acks.filter((a) => a.ok)).to.have.length(1);
    expect(acks.filter((a) => !a.ok).map((a) => (a as { error: { code: string } }).error.code)).to.deep.equal(['hearing_suspended', 'hearing_suspended']);
    expect(await SuspensionStepModel.countDocuments({ sessionId: h.sc.sessionId })).to.equal(1);
    expect((await svc.service.api.roomAccess.getSession(h.sc.sessionId)).suspended).to.equal(true);
  });

  it('interpretation is recorded by those who manage the session and reaches the room as a plan', async () => {
    const h = await hearing();
    const url = `/api/sessions/${h.sc.sessionId}/interpretation`;
    const interpreterId = h.sc.invitations.find((i) => i.role === 'interpreter')!.participantId;
    const body = { witnessLanguage: 'ro', courtLanguage: 'mk', mode: 'simultaneous', interpreterParticipantIds: [interpreterId, h.sc.participantIds.interpreter!] };
    await request(svc.url).put(url).set('Authorization', bearer(h.sc.users.defence.token)).send(body).expect(403);
    const bad = await request(svc.url).put(url).set('Authorization', bearer(h.sc.users.prosecutor.token)).send({ ...body, courtLanguage: 'Macedonian', interpreterParticipantIds: [h.witnessId] }).expect(400);
    expect(bad.body.error.details.map((d: { path: string }) => d.path)).to.include('body.courtLanguage');
    const notInterpreter = await request(svc.url).put(url).set('Authorization', bearer(h.sc.users.prosecutor.token)).send({ ...body, interpreterParticipantIds: [h.witnessId] }).expect(400);
    expect(notInterpreter.body.error.details).to.deep.equal([{ path: 'body.interpreterParticipantIds.0', message: 'must be an interpreter of this session' }]);
    const told = next<HearingState>(h.witness, 'hearing');
    const set = await request(svc.url).put(url).set('Authorization', bearer(h.sc.users.prosecutor.token)).send(body).expect(200);
    expect(set.body.interpretation).to.deep.equal(body);
    expect((await told).interpretation).to.deep.equal(body);
    expect((await request(svc.url).get(url).set('Authorization', bearer(h.sc.users.defence.token)).expect(200)).body.interpretation.mode).to.equal('simultaneous');
    await request(svc.url).get(url).set('Authorization', bearer(h.sc.users.staff.token)).expect(200);
    expect((await auditOf(svc, h.sc, 'hearing.interpretation'))[0]!.details).to.deep.equal({ witnessLanguage: 'ro', courtLanguage: 'mk', mode: 'simultaneous' });
  });
});
