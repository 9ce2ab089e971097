/**
 * The cross-border hearing's media in real Chromium: the requested authority's suspension cuts the
 * court off from the witness's side within a second and resuming gives it back; under simultaneous
 * interpretation a participant who chose the interpretation hears the interpreter and the floor
 * only ducked, one who chose the floor hears no interpreter. The floor and the interpreter speak
 * two test tones (two browsers, each with its own fake microphone).
 */
import path from 'node:path';
import { expect } from 'chai';
import request from 'supertest';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser.js';
import { ROOT, testDatabaseUri } from '../../support/hooks.js';
import { bearer, createScenario, SCENARIO_ADMIN_ENV, type Scenario } from '../../support/scenario.js';
import { startTestService, type TestService } from '../../support/service.js';
import { dB, tonePower } from '../media/analysis.js';
import { closePages, connectPage, eventually, inbound, openLobby, pageRequest } from '../media/support.js';

const MEDIA = path.join(ROOT, 'test/e2e/media/fixtures/out');
const FLOOR_HZ = 440;
const INTERPRETER_HZ = 1000;

describe('the hearing media: suspension and interpretation (real Chromium, real worker)', function () {
  this.timeout(150_000);
  let floorBrowser: Browser;
  let interpreterBrowser: Browser;
  let svc: TestService;
  let pages: Page[] = [];

  before(async function () {
    this.timeout(60_000);
    [floorBrowser, interpreterBrowser, svc] = await Promise.all([
      launchChromium({ microphone: path.join(MEDIA, `tone-${FLOOR_HZ}.wav`) }),
      launchChromium({ microphone: path.join(MEDIA, `tone-${INTERPRETER_HZ}.wav`) }),
      startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_hearing_media_e2e') }),
    ]);
  });
  afterEach(async () => {
    await closePages(pages);
    pages = [];
  });
  after(async () => {
    await floorBrowser?.close();
    await interpreterBrowser?.close();
    await svc?.close();
  });

  const inv = (s: Scenario, role: string) => s.invitations.find((i) => i.role === role)!;

  async function page(browser: Browser, token: string, sessionId?: string): Promise<Page> {
    const { page: p, result } = await connectPage(browser, svc.url, token, sessionId);
    pages.push(p);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    return p;
  }

  /** The judge (admitted at once) lets `role` in from `browser`, who joins and publishes if asked. */
  async function admitted(browser: Browser, judge: Page, s: Scenario, role: string, publish: boolean): Promise<Page> {
    const p = await page(browser, inv(s, role).token);
    expect(await pageRequest(judge, 'admit', { participantId: inv(s, role).participantId })).to.deep.include({ ok: true });
    await p.evaluate(() => window.wb.waitAdmitted());
    await p.evaluate(() => window.wb.join());
    if (publish) await p.evaluate(() => window.wb.publish());
    return p;
  }

  it("the requested authority's suspension stops the court's media from the witness side within 1 s, and resuming restores it", async () => {
    const s = await createScenario(svc, { measures: [], participants: ['judge', 'operator'], invitations: ['witness', 'authority'] });
    await openLobby(svc, s);
    const judge = await page(floorBrowser, s.users.judge.token, s.sessionId);
    await judge.evaluate(() => window.wb.join());
    const authority = await admitted(floorBrowser, judge, s, 'authority', false);
    expect(await pageRequest(authority, 'recordIdentityCheck', { documentType: 'passport', matched: true, note: '' })).to.deep.include({ ok: true });
    expect(await pageRequest(judge, 'startSession', {})).to.deep.include({ ok: true });
    await admitted(floorBrowser, judge, s, 'witness', true);
    const witnessVideo = async (p: Page) => (await inbound(p)).find((f) => f.role === 'witness' && f.kind === 'video');
    await eventually(async () => ((await witnessVideo(judge))?.framesDecoded ?? 0) > 5, 15_000, 'the judge sees the witness');
    await eventually(async () => ((await witnessVideo(authority))?.framesDecoded ?? 0) > 5, 15_000, 'the authority sees the witness');

    const t0 = Date.now();
    expect(await pageRequest(authority, 'suspendHearing', { reason: 'Our law forbids that question.' })).to.deep.include({ ok: true });
    await eventually(async () => (await inbound(judge)).every((f) => f.role !== 'witness'), 1000, 'witness media gone from the judge');
    expect(Date.now() - t0, 'ms until the court lost the witness').to.be.lessThan(1000);
    const stillThere = (await witnessVideo(authority))!.framesDecoded;
    await eventually(async () => ((await witnessVideo(authority))?.framesDecoded ?? 0) > stillThere + 5, 5000, 'the authority still sees the witness');
    // The court cannot undo it.
    expect(await pageRequest(judge, 'resumeHearing', {})).to.deep.include({ ok: false });

    expect(await pageRequest(authority, 'resumeHearing', {})).to.deep.include({ ok: true });
    await eventually(async () => ((await witnessVideo(judge))?.framesDecoded ?? 0) > 5, 10_000, 'the judge sees the witness again');

    // The minutes' technical conditions carry the room's telemetry: the witness sent media.
    expect(await pageRequest(judge, 'endSession', {})).to.deep.include({ ok: true });
    // The minutes are made once, at the end: the figures must be in them from the start.
    const res = await eventually(async () => {
      const r = await request(svc.url).get(`/api/sessions/${s.sessionId}/minutes/json`).set('Authorization', bearer(s.users.judge.token));
      return r.status === 200 ? r : undefined;
    }, 10_000, 'the minutes');
    const rows = (JSON.parse(res.text) as { technical: { participantId: string; telemetry: { bitrateInKbps: { avg: number } } | null }[] }).technical;
    const witness = rows.find((r) => r.participantId === inv(s, 'witness').participantId);
    expect(witness?.telemetry, "the witness's telemetry in the minutes").to.not.equal(null);
    expect(witness!.telemetry!.bitrateInKbps.avg).to.be.greaterThan(50);
  });

  it('simultaneous interpretation: who chose the interpretation hears the interpreter over the ducked floor; who chose the floor hears no interpreter', async () => {
    const s = await createScenario(svc, { measures: [], participants: ['judge', 'operator', 'prosecutor'], invitations: ['witness', 'interpreter'] });
    await openLobby(svc, s);
    const judge = await page(floorBrowser, s.users.judge.token, s.sessionId);
    await judge.evaluate(() => window.wb.join());
    await admitted(floorBrowser, judge, s, 'witness', true);
    await admitted(interpreterBrowser, judge, s, 'interpreter', true);
    const prosecutor = await page(floorBrowser, s.users.prosecutor.token, s.sessionId);
    expect(await pageRequest(judge, 'admit', { participantId: s.participantIds.prosecutor! })).to.deep.include({ ok: true });
    await prosecutor.evaluate(() => window.wb.waitAdmitted());
    await prosecutor.evaluate(() => window.wb.join());
    const plan = { witnessLanguage: 'ro', courtLanguage: 'mk', mode: 'simultaneous', interpreterParticipantIds: [inv(s, 'interpreter').participantId] };
    await request(svc.url).put(`/api/sessions/${s.sessionId}/interpretation`).set('Authorization', bearer(s.users.prosecutor.token)).send(plan).expect(200);
    expect(await pageRequest(judge, 'setListening', { channel: 'interpretation' })).to.deep.include({ ok: true });

    const audio = async (p: Page) => (await inbound(p)).filter((f) => f.kind === 'audio').map((f) => f.role).sort();
    await eventually(async () => JSON.stringify(await audio(judge)) === '["interpreter","witness"]', 10_000, 'the judge receives floor and interpreter');
    await eventually(async () => (await inbound(judge)).some((f) => f.kind === 'audio' && f.role === 'witness' && f.ducked), 10_000, 'the floor ducked for the judge');


    await eventually(async () => JSON.stringify(await audio(prosecutor)) === '["witness"]', 10_000, 'the prosecutor receives the floor only');
    await eventually(async () => (await inbound(judge)).filter((f) => f.kind === 'audio').every((f) => f.bytesReceived > 2000), 10_000, 'audio flowing to the judge');
    const [judgeHears, prosecutorHears] = await Promise.all([judge.evaluate(() => window.wb.recordMix(3)), prosecutor.evaluate(() => window.wb.recordMix(3))]);
    const level = (x: number[]) => ({ interpreter: tonePower(x, INTERPRETER_HZ), floor: tonePower(x, FLOOR_HZ) });
    const j = level(judgeHears);
    const p = level(prosecutorHears);
    console.log(`      judge (interpretation): interpreter ${dB(j.interpreter, j.floor).toFixed(1)} dB over the floor; prosecutor (floor): floor ${dB(p.floor, p.interpreter).toFixed(1)} dB over the interpreter`);
    expect(dB(j.interpreter, j.floor), 'interpreter over floor at the judge (dB)').to.be.greaterThan(10);
    expect(dB(p.floor, p.interpreter), 'floor over interpreter at the prosecutor (dB)').to.be.greaterThan(20);
  });
});
