/**
 * Masked witness media end to end: real Chromium whose fake camera plays a real face and whose
 * fake microphone plays speech, the real worker, the real masking processes (ffmpeg, mediapipe).
 * What each browser decodes is checked with an independent face detector (OpenCV's Haar cascade)
 * and a pitch tracker.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { artifactPath, launchChromium } from '../../support/browser.js';
import { ROOT, testDatabaseUri } from '../../support/hooks.js';
import { createScenario, SCENARIO_ADMIN_ENV, type Scenario } from '../../support/scenario.js';
import { startTestService, type TestService } from '../../support/service.js';
import { describeFaces, facesFound, facesIn, medianF0, semitones } from './analysis.js';
import { closePages, connectPage, eventually, inbound, openLobby, pageRequest } from './support.js';

const MEDIA = path.join(ROOT, 'test/e2e/media/fixtures/out');

type Frames = { at: number; variant: string; presented: number; dataUrl: string }[];
const frames = (page: Page, role = 'witness') => page.evaluate((r) => window.wb.frames(r), role) as Promise<Frames>;

/** Pids of the masker (python) processes this test process started. */
function maskerPids(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('masker.py')).map((l) => Number(l.trim().split(/\s+/)[0]));
}

describe('masked witness media in real Chromium (real worker, real masking processes)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let svc: TestService;
  let pages: Page[] = [];

  before(async function () {
    this.timeout(60_000);
    [browser, svc] = await Promise.all([
      launchChromium({ camera: path.join(MEDIA, 'witness.y4m'), microphone: path.join(MEDIA, 'speech.wav') }),
      startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_masking_e2e') }),
    ]);
  });
  afterEach(async () => {
    await closePages(pages);
    pages = [];
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  const invitation = (s: Scenario, role: string) => s.invitations.find((i) => i.role === role)!;

  async function connect(token: string, sessionId?: string): Promise<Page> {
    const { page, result } = await connectPage(browser, svc.url, token, sessionId);
    pages.push(page);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    return page;
  }

  /**
   * The judge joins first (admitted at once), then each viewer (recording the witness from before
   * it arrives), then the witness publishing the fake camera and microphone.
   */
  async function hearing(s: Scenario, viewers: string[], maxFrames = 150) {
    const judge = await connect(s.users.judge.token, s.sessionId);
    await judge.evaluate((max) => window.wb.recordVideo('witness', max), maxFrames);
    await judge.evaluate(() => window.wb.join());
    const seen: Record<string, Page> = {};
    for (const role of viewers) {
      const inv = invitation(s, role);
      const page = await connect(inv.token);
      expect(await pageRequest(judge, 'admit', { participantId: inv.participantId })).to.deep.include({ ok: true });
      await page.evaluate(() => window.wb.waitAdmitted());
      await page.evaluate((max) => window.wb.recordVideo('witness', max), maxFrames);
      await page.evaluate(() => window.wb.join());
      seen[role] = page;
    }
    const witnessInv = invitation(s, 'witness');
    const witness = await connect(witnessInv.token);
    expect(await pageRequest(judge, 'admit', { participantId: witnessInv.participantId })).to.deep.include({ ok: true });
    await witness.evaluate(async () => {
      await window.wb.waitAdmitted();
      await window.wb.join();
      await window.wb.publish({ width: 640, height: 360 });
    });
    return { judge, witness, seen };
  }

  async function session(measures: ('faceMask' | 'voiceMask')[], invitations: ('accused' | 'defence' | 'public')[]): Promise<Scenario> {
    const s = await createScenario(svc, { measures, participants: ['judge', 'operator'], invitations: ['witness', ...invitations] });
    await openLobby(svc, s);
    return s;
  }

  const decodedAtLeast = (page: Page, n: number, what: string) =>
    eventually(async () => (await inbound(page)).some((f) => f.role === 'witness' && f.kind === 'video' && !f.preview && f.framesDecoded >= n), 30_000, what);

  it('the judge sees the face and hears the voice; the accused sees no face in any decoded frame, from the first, and hears the voice over 4 semitones lower', async () => {
    const s = await session(['faceMask', 'voiceMask'], ['accused']);
    const { judge, seen } = await hearing(s, ['accused']);
    const accused = seen.accused!;
    const [judgeAudio, accusedAudio] = [judge.evaluate(() => window.wb.recordAudio('witness', 6)), accused.evaluate(() => window.wb.recordAudio('witness', 6))];
    await decodedAtLeast(judge, 40, 'frames at the judge');
    await decodedAtLeast(accused, 40, 'frames at the accused');
    const judgeFrames = await frames(judge);
    const accusedFrames = await frames(accused);
    expect(judgeFrames.every((f) => f.variant === 'raw')).to.equal(true);
    expect(accusedFrames.every((f) => f.variant === 'masked')).to.equal(true);
    expect((await inbound(accused)).filter((f) => f.role === 'witness').map((f) => `${f.kind}:${f.variant}`).sort()).to.deep.equal(['audio:masked', 'video:masked']);

    const judgeFaces = facesIn(judgeFrames);
    const accusedFaces = facesFound(accusedFrames);
    // The independent detector finds the face at the judge (it misses some frames itself) ...
    expect(judgeFaces.filter((n) => n > 0).length, 'frames with a face at the judge').to.be.greaterThan(judgeFrames.length * 0.5);
    // ... and in no frame the accused decoded, including the very first.
    expect(accusedFrames[0]!.presented, 'the recording starts with the first frame shown').to.equal(1);
    expect(accusedFaces.length).to.be.at.least(20);
    expect(describeFaces(accusedFrames, accusedFaces), 'faces at the accused').to.deep.equal([]);

    const f0Judge = medianF0(await judgeAudio);
    const f0Accused = medianF0(await accusedAudio);
    expect(f0Judge, 'voiced speech at the judge').to.be.a('number');
    expect(f0Accused, 'voiced speech at the accused').to.be.a('number');
    expect(semitones(f0Judge!, f0Accused!)).to.be.at.most(-4);
  });

  it("the operator's pause of the witness's picture pauses the accused's disguised picture too, and resuming brings disguised frames back", async () => {
    const s = await session(['faceMask'], ['accused']);
    const { witness, seen } = await hearing(s, ['accused'], 1000);
    const accused = seen.accused!;
    await decodedAtLeast(accused, 10, 'frames at the accused');
    const operator = await connect(s.users.operator.token, s.sessionId);
    const videoId = (await witness.evaluate(() => window.wb.producerIds())).video!;
    const accusedVideo = async () => (await inbound(accused)).find((f) => f.role === 'witness' && f.kind === 'video' && !f.preview)!;

    expect(await pageRequest(operator, 'pauseProducer', { producerId: videoId })).to.deep.include({ ok: true });
    await eventually(async () => (await accusedVideo()).paused, 3000, "the accused's consumer paused");
    const atPause = (await accusedVideo()).framesDecoded;
    await new Promise((r) => setTimeout(r, 1500));
    // At most the frames that were on their way (a paused stream gives about 20 in 1.5 s).
    expect((await accusedVideo()).framesDecoded, 'frames decoded while paused').to.be.at.most(atPause + 3);

    expect(await pageRequest(operator, 'resumeProducer', { producerId: videoId })).to.deep.include({ ok: true });
    await eventually(async () => !(await accusedVideo()).paused && (await accusedVideo()).framesDecoded > atPause + 5, 15_000, 'frames after resume');
    const after = await accusedVideo();
    expect(after.variant).to.equal('masked');
    expect((await frames(accused)).every((f) => f.variant === 'masked')).to.equal(true);
  });

  it('killing the masker mid-hearing: the accused gets no raw frame, the operator sees the failure, masking resumes by itself', async () => {
    const s = await session(['faceMask'], ['accused']);
    const { seen } = await hearing(s, ['accused'], 1000);
    const accused = seen.accused!;
    const operator = await connect(s.users.operator.token, s.sessionId);
    await decodedAtLeast(accused, 15, 'masked frames before the kill');
    const pids = maskerPids();
    expect(pids).to.have.length(1);
    process.kill(pids[0]!, 'SIGKILL');
    const statuses = () => operator.evaluate(() => window.wb.log().filter((e) => e.event === 'maskingStatus').map((e) => e.detail)) as Promise<{ kind: string; state: string; restarts: number }[]>;
    await eventually(async () => (await statuses()).some((x) => x.kind === 'video' && x.state === 'restarting'), 5000, 'operator told masking is restarting');
    await eventually(async () => (await statuses()).some((x) => x.kind === 'video' && x.state === 'running' && x.restarts >= 1), 20_000, 'operator told masking runs again');
    const before = (await frames(accused)).length;
    await eventually(async () => (await frames(accused)).length > before + 15, 20_000, 'masked frames after the restart');
    const all = await frames(accused);
    expect(before).to.be.greaterThan(0);
    expect(all.every((f) => f.variant === 'masked')).to.equal(true);
    // Every frame around the kill: the last ones before it, the gap, and the first ones after.
    // Kept in test-artifacts/; a face found is described (box and region) in the failure.
    const around = all.slice(Math.max(0, before - 30));
    expect(describeFaces(around, facesFound(around, artifactPath('masker-kill-frames'))), 'faces at the accused').to.deep.equal([]);
    expect(maskerPids()).to.have.length(1);
    expect(maskerPids()[0]).to.not.equal(pids[0]);
  });

  it('the judge orders faceMask while live: within 1 s the accused swaps from raw to masked, with no raw frame after the swap', async () => {
    const s = await session([], ['accused']);
    const { judge, seen } = await hearing(s, ['accused'], 1000);
    const accused = seen.accused!;
    await decodedAtLeast(accused, 15, 'raw frames before the order');
    expect(facesIn(await frames(accused)).some((n) => n > 0), 'the accused saw the face before the order').to.equal(true);
    const orderedAt = await accused.evaluate(() => window.wb.now());
    expect(await pageRequest(judge, 'setMeasure', { measure: 'faceMask', on: true })).to.deep.include({ ok: true });
    const log = () => accused.evaluate(() => window.wb.log()) as Promise<{ at: number; event: string; detail: { kind?: string; variant?: string; reason?: string } }[]>;
    const removed = await eventually(async () => (await log()).find((e) => e.event === 'remoteRemoved' && e.at >= orderedAt && e.detail.reason === 'policy'), 3000, 'raw consumer closed');
    const added = await eventually(async () => (await log()).find((e) => e.event === 'remoteAdded' && e.at >= orderedAt && e.detail.kind === 'video' && e.detail.variant === 'masked'), 5000, 'masked consumer');
    expect(removed.at - orderedAt, 'raw closed after the order (ms)').to.be.lessThan(1000);
    expect(added.at - orderedAt, 'masked received after the order (ms)').to.be.lessThan(1000);
    await eventually(async () => (await frames(accused)).filter((f) => f.variant === 'masked').length >= 15, 20_000, 'masked frames after the order');
    const all = await frames(accused);
    expect(all.filter((f) => f.variant === 'raw' && f.at > removed.at)).to.have.length(0);
    const masked = all.filter((f) => f.variant === 'masked');
    expect(describeFaces(masked, facesFound(masked)), 'faces in masked frames').to.deep.equal([]);
    // The defence never asked, the accused cannot undo it, and the order is the judge's only.
    expect(await pageRequest(accused, 'setMeasure', { measure: 'faceMask', on: false })).to.deep.nested.include({ ok: false, 'error.code': 'control_forbidden' });
  });

  it('a forged request for the raw witness streams by the accused, the defence or the public gallery is refused', async () => {
    const s = await session(['faceMask', 'voiceMask'], ['accused', 'defence', 'public']);
    const { witness, seen } = await hearing(s, ['accused', 'defence', 'public']);
    const raw = await witness.evaluate(() => window.wb.producerIds());
    for (const role of ['accused', 'defence', 'public']) {
      for (const producerId of [raw.video!, raw.audio!]) {
        const forged = await pageRequest(seen[role]!, 'consume', { producerId });
        expect(forged, `${role} asking for ${producerId}`).to.deep.nested.include({ ok: false, 'error.code': 'consume_forbidden' });
      }
      expect((await inbound(seen[role]!)).filter((f) => f.role === 'witness' && f.variant === 'raw')).to.have.length(0);
    }
  });
});
