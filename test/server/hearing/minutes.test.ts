import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import { MinutesModel, MinutesSealModel } from '../../../server/hearing/minutes.model.js';
import type { MinutesContent } from '../../../server/hearing/index.js';
import { bearer, CANARY_IDENTITY, createScenario, SCENARIO_ADMIN_ENV, type Scenario } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { connect, next } from '../signaling/support.js';
import { artifactPath } from '../../support/browser.js';
import { auditOf, ok, openHearing, setStatus, type Hearing } from './support.js';

const sha256 = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** The PDF's text as Debian's pdftotext reads it (reading order, no layout). */
function pdfText(pdf: Buffer): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'wb-minutes-')), 'minutes.pdf');
  fs.writeFileSync(file, pdf);
  try {
    return execFileSync('pdftotext', ['-enc', 'UTF-8', file, '-'], { encoding: 'utf8' });
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/** Polls the minutes until generated (they follow the end of the session). */
async function minutesOf(svc: TestService, sc: Scenario, token: string): Promise<{ version: number; sha256Pdf: string; sealed: boolean; content: MinutesContent }> {
  const until = Date.now() + 10_000;
  for (;;) {
    const res = await request(svc.url).get(`/api/sessions/${sc.sessionId}/minutes`).set('Authorization', bearer(token));
    if (res.status === 200) return res.body;
    if (Date.now() > until) throw new Error(`minutes not generated: ${res.status} ${JSON.stringify(res.body)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

const pdfOf = async (svc: TestService, sc: Scenario, token: string) => {
  const res = await request(svc.url).get(`/api/sessions/${sc.sessionId}/minutes/pdf`).set('Authorization', bearer(token)).buffer(true).parse((r, cb) => {
    const chunks: Buffer[] = [];
    r.on('data', (c: Buffer) => chunks.push(c));
    r.on('end', () => cb(null, Buffer.concat(chunks)));
  });
  expect(res.status, JSON.stringify(res.body)).to.equal(200);
  expect(res.headers['content-type']).to.match(/^application\/pdf/);
  return { pdf: res.body as Buffer, sha: res.headers['x-content-sha256'] as string };
};

describe('Hearing minutes: generated at the end from the records, stored, hashed into the audit chain, sealed', function () {
  this.timeout(60_000);
  let svc: TestService;
  let h: Hearing;
  before(async function () {
    this.timeout(120_000);
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_hearing_minutes') });
    h = await openHearing(svc);
    const { sc } = h;
    const interpreterId = sc.invitations.find((i) => i.role === 'interpreter')!.participantId;
    await request(svc.url)
      .put(`/api/sessions/${sc.sessionId}/interpretation`)
      .set('Authorization', bearer(sc.users.prosecutor.token))
      .send({ witnessLanguage: 'ro', courtLanguage: 'mk', mode: 'consecutive', interpreterParticipantIds: [interpreterId] })
      .expect(200);
    await ok(h.authority, 'recordIdentityCheck', { documentType: 'passport', matched: true, note: 'Photograph and signature compared with the holder.' });
    await ok(h.judge, 'recordOath', { kind: 'oath', rightsInformed: true });
    await ok(h.operator, 'setClosedSession', { closed: true });
    await ok(h.operator, 'startSession', {});
    await ok(h.authority, 'suspendHearing', { reason: 'Question on the protected residence.' });
    await ok(h.authority, 'resumeHearing', {});
    // The witness's link drops and comes back: one interruption.
    const back = new Promise<void>((resolve) => h.operator.on('participants', ({ participants }) => participants.some((p) => p.participantId === h.witnessId && !p.connected) && resolve()));
    h.witness.close();
    await back;
    const again = await connect(svc.url, { token: sc.invitations.find((i) => i.role === 'witness')!.token });
    await ok(again, 'hello', {});
    await svc.service.api.roomAccess.hearing.recordTelemetrySummary(sc.sessionId, {
      participantId: h.witnessId,
      samples: 42,
      bitrateInKbps: { avg: 812, max: 1400 },
      bitrateOutKbps: { avg: 640, max: 900 },
      lossPercent: { avg: 0.4, max: 2.5 },
      rttMs: { avg: 38, max: 95 },
    });
    await ok(h.operator, 'setClosedSession', { closed: false });
    const ended = next(again, 'sessionEnded');
    await ok(h.operator, 'endSession', {});
    await ended;
    again.close();
  });
  after(async () => {
    h?.close();
    await svc?.close();
  });

  it('the PDF read back with pdftotext holds every event in order, the witness only by codename and no identity value', async () => {
    const { sc } = h;
    const minutes = await minutesOf(svc, sc, sc.users.judge.token);
    expect(minutes.version).to.equal(1);
    const { pdf } = await pdfOf(svc, sc, sc.users.judge.token);
    const text = pdfText(pdf).replace(/\s+/g, ' ');
    fs.writeFileSync(artifactPath('hearing-minutes.txt'), pdfText(pdf));
    for (const fact of [
      `Case K-`,
      'Basic Court Skopje II (North Macedonia (MK))',
      'Country pair MD-MK',
      'Witness side: Moldova (MD), with the requested authority.',
      `court room ${sc.courtRoom}`,
      `Witness ${sc.witnessCodename} (Witness; by link; attended)`,
      'Requested authority (Requested authority; by link; attended)',
      'by Requested authority: passport; identity confirmed. Note: Photograph and signature compared with the holder.',
      'informed the witness of their rights; the witness took the oath.',
      'Witness: Romanian (ro); court: Macedonian (mk); consecutive interpretation by Interpreter',
      'In force at opening: pseudonym, face distortion, voice distortion.',
      'suspended by Requested authority: Question on the protected residence.',
      `Witness ${sc.witnessCodename}: connected`,
      '1 interruption(s); bitrate in 812 kbit/s, out 640 kbit/s; loss 0.4 % (max 2.5 %); round trip 38 ms (max 95 ms).',
    ]) {
      expect(text, fact).to.include(fact);
    }
    const course = text.slice(text.indexOf('Course of the hearing'));
    const order = [
      'The lobby was opened',
      'Requested authority connected',
      'Identity check recorded by Requested authority',
      'recorded that the witness was informed of their rights and took the oath',
      'Closed session ordered',
      'The hearing went live',
      'The hearing was suspended by Requested authority: Question on the protected residence.',
      'The hearing was resumed by Requested authority.',
      `Witness ${sc.witnessCodename} disconnected`,
      'Closed session lifted',
      'The session ended',
    ];
    let at = -1;
    for (const step of order) {
      const found = course.indexOf(step, at + 1);
      expect(found, `"${step}" after position ${at}`).to.be.greaterThan(at);
      at = found;
    }
    // The protected identity never reaches the minutes, in either form.
    const json = (await request(svc.url).get(`/api/sessions/${sc.sessionId}/minutes/json`).set('Authorization', bearer(sc.users.prosecutor.token)).expect(200)).text;
    for (const value of Object.values(CANARY_IDENTITY)) {
      expect(text).to.not.include(value);
      expect(json).to.not.include(value);
    }
    expect(JSON.parse(json).participants.find((p: { role: string }) => p.role === 'witness').name).to.equal(sc.witnessCodename);
  });

  it("the minutes' SHA-256 is in the audit chain, the chain verifies, and a later change to the records leaves the issued minutes as they were", async () => {
    const { sc } = h;
    const { pdf, sha } = await pdfOf(svc, sc, sc.admin.token);
    expect(sha256(pdf)).to.equal(sha);
    const [event] = (await auditOf(svc, sc, 'hearing.minutes')).filter((e) => e.outcome === 'success');
    expect(event!.details).to.include({ version: 1, sha256Pdf: sha });
    const verify = await request(svc.url).get(`/api/sessions/${sc.sessionId}/minutes/verify`).set('Authorization', bearer(sc.users.prosecutor.token)).expect(200);
    expect(verify.body).to.deep.equal({ ok: true, version: 1, sha256Pdf: sha, bytesMatch: true, auditSeq: event!.seq, chainOk: true });
    // The trial's court is renamed: the issued minutes keep what was true at the hearing.
    await request(svc.url).patch(`/api/trials/${sc.trialId}`).set('Authorization', bearer(sc.users.prosecutor.token)).send({ court: 'Renamed Court' }).expect(200);
    const after = await pdfOf(svc, sc, sc.admin.token);
    expect(after.pdf.equals(pdf)).to.equal(true);
    expect((await request(svc.url).post(`/api/sessions/${sc.sessionId}/minutes`).set('Authorization', bearer(sc.users.judge.token)).expect(200)).body.sha256Pdf).to.equal(sha);
  });

  it("only the trial's judge, its prosecutors and admins read the minutes", async () => {
    const { sc } = h;
    const url = `/api/sessions/${sc.sessionId}/minutes/pdf`;
    const other = await createScenario(svc, { invitations: [], startOffsetMs: 5 * 86_400_000 });
    await request(svc.url).get(url).set('Authorization', bearer(sc.users.defence.token)).expect(403);
    await request(svc.url).get(url).set('Authorization', bearer(sc.users.operator.token)).expect(403);
    const foreign = await request(svc.url).get(url).set('Authorization', bearer(other.users.prosecutor.token)).expect(403);
    expect(foreign.body.error.code).to.equal('not_your_minutes');
    await request(svc.url).get(url).set('Authorization', bearer(other.users.judge.token)).expect(404);
    await request(svc.url).get(url).set('Authorization', bearer(sc.users.prosecutor.token)).expect(200);
  });

  it('the judge adds remarks before sealing; sealed minutes cannot be changed (409)', async () => {
    const { sc } = h;
    const base = `/api/sessions/${sc.sessionId}/minutes`;
    const current = await minutesOf(svc, sc, sc.users.judge.token);
    await request(svc.url).put(`${base}/remarks`).set('Authorization', bearer(sc.users.prosecutor.token)).send({ version: current.version, remarks: 'x' }).expect(403);
    const v2 = await request(svc.url).put(`${base}/remarks`).set('Authorization', bearer(sc.users.judge.token)).send({ version: current.version, remarks: 'The witness asked for a short pause after the suspension.' }).expect(200);
    expect(v2.body).to.include({ version: current.version + 1, sealed: false });
    const stale = await request(svc.url).put(`${base}/remarks`).set('Authorization', bearer(sc.users.judge.token)).send({ version: current.version, remarks: 'late' }).expect(409);
    expect(stale.body.error.code).to.equal('minutes_changed');
    const { pdf } = await pdfOf(svc, sc, sc.users.judge.token);
    expect(pdfText(pdf).replace(/\s+/g, ' ')).to.include('The witness asked for a short pause after the suspension.');
    expect((await auditOf(svc, sc, 'hearing.minutesRemarks'))[0]!.details).to.include({ version: v2.body.version, sha256Pdf: sha256(pdf) });
    await request(svc.url).post(`${base}/seal`).set('Authorization', bearer(sc.users.judge.token)).send({ version: current.version }).expect(409);
    const sealed = await request(svc.url).post(`${base}/seal`).set('Authorization', bearer(sc.users.judge.token)).send({ version: v2.body.version }).expect(200);
    expect(sealed.body).to.include({ sealed: true, version: v2.body.version });
    const again = await request(svc.url).put(`${base}/remarks`).set('Authorization', bearer(sc.users.judge.token)).send({ version: v2.body.version, remarks: 'after sealing' }).expect(409);
    expect(again.body.error.code).to.equal('minutes_sealed');
    expect((await request(svc.url).post(`${base}/seal`).set('Authorization', bearer(sc.users.judge.token)).send({ version: v2.body.version }).expect(409)).body.error.code).to.equal('minutes_sealed');
    expect((await pdfOf(svc, sc, sc.users.judge.token)).pdf.equals(pdf)).to.equal(true);
    await request(svc.url).get(`${base}/verify`).set('Authorization', bearer(sc.admin.token)).expect(200).expect((res) => expect(res.body.ok).to.equal(true));
  });

  it('remarks racing a seal (3 rounds): never both accepted; what is in force holds the remarks exactly when they were accepted', async () => {
    for (let round = 0; round < 3; round++) {
      const sc = await createScenario(svc, { invitations: [], startOffsetMs: -2 * 60_000 });
      await setStatus(svc, sc, 'lobby').expect(200);
      await setStatus(svc, sc, 'live').expect(200);
      await setStatus(svc, sc, 'ended').expect(200);
      const base = `/api/sessions/${sc.sessionId}/minutes`;
      const judge = bearer(sc.users.judge.token);
      const first = await request(svc.url).post(base).set('Authorization', judge).expect(200);
      const text = `Remarks of round ${round}.`;
      const [remarks, seal] = await Promise.all([
        request(svc.url).put(`${base}/remarks`).set('Authorization', judge).send({ version: first.body.version, remarks: text }),
        request(svc.url).post(`${base}/seal`).set('Authorization', judge).send({ version: first.body.version }),
      ]);
      expect([remarks.status, seal.status], `round ${round}`).not.to.deep.equal([200, 200]);
      const { pdf } = await pdfOf(svc, sc, sc.users.judge.token);
      expect(pdfText(pdf).replace(/\s+/g, ' ').includes(text), `round ${round}: remarks ${remarks.status}, seal ${seal.status}`).to.equal(remarks.status === 200);
      expect(await MinutesSealModel.countDocuments({ sessionId: sc.sessionId })).to.equal(seal.status === 200 ? 1 : 0);
      expect((await auditOf(svc, sc, 'hearing.minutesSeal')).length).to.equal(seal.status === 200 ? 1 : 0);
    }
  });

  it('racing generate calls store one version and racing seals one seal; minutes wait for the end', async () => {
    const sc = await createScenario(svc, { invitations: [], startOffsetMs: -2 * 60_000 });
    const base = `/api/sessions/${sc.sessionId}/minutes`;
    await setStatus(svc, sc, 'lobby').expect(200);
    const early = await request(svc.url).post(base).set('Authorization', bearer(sc.users.judge.token)).expect(409);
    expect(early.body.error.code).to.equal('session_not_ended');
    await setStatus(svc, sc, 'live').expect(200);
    await setStatus(svc, sc, 'ended').expect(200);
    // These race the generation that the end itself started.
    const generated = await Promise.all([0, 1, 2].map(() => request(svc.url).post(base).set('Authorization', bearer(sc.users.judge.token))));
    expect(generated.map((r) => r.status)).to.deep.equal([200, 200, 200]);
    expect(new Set(generated.map((r) => r.body.sha256Pdf)).size).to.equal(1);
    expect(await MinutesModel.countDocuments({ sessionId: sc.sessionId })).to.equal(1);
    expect((await auditOf(svc, sc, 'hearing.minutes')).length).to.equal(1);
    const seals = await Promise.all([0, 1, 2].map(() => request(svc.url).post(`${base}/seal`).set('Authorization', bearer(sc.users.judge.token)).send({ version: 1 })));
    expect(seals.map((r) => r.status).sort()).to.deep.equal([200, 409, 409]);
    expect(await MinutesSealModel.countDocuments({ sessionId: sc.sessionId })).to.equal(1);
    expect((await auditOf(svc, sc, 'hearing.minutesSeal')).length).to.equal(1);
  });
});
