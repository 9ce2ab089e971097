import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser.js';
import { createScenario, SCENARIO_ADMIN_ENV, type Scenario, type ScenarioOptions } from '../../support/scenario.js';
import mongoose from 'mongoose';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { closePages, connectPage, eventually, inbound, openLobby, pageRequest } from './support.js';

/** Any IPv4 address other than the server's own loopback candidates would be a leak. */
const IPV4 = /\b(?:\d{1,3}\.){3}\d{1,3}\b/;

describe('live testimony rooms in real Chromium', function () {
  this.timeout(60_000);
  let browser: Browser;
  let svc: TestService;
  let pages: Page[] = [];

  before(async function () {
    this.timeout(60_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_rooms_e2e') })]);
  });
  afterEach(async () => {
    await closePages(pages);
    pages = [];
  });
  after(async () => {
    await browser?.close();
    await svc?.close();
  });

  /** A session in its lobby with invitations for the witness and `extra` roles. */
  async function session(opts: ScenarioOptions): Promise<Scenario> {
    const s = await createScenario(svc, { participants: ['judge', 'operator', 'prosecutor', 'defence'], ...opts });
    await openLobby(svc, s);
    return s;
  }

  async function connect(token: string, sessionId?: string): Promise<Page> {
    const { page, result } = await connectPage(browser, svc.url, token, sessionId);
    pages.push(page);
    expect(result.ok, JSON.stringify(result)).to.equal(true);
    return page;
  }

  const invitation = (s: Scenario, role: string) => s.invitations.find((i) => i.role === role)!;

  /** Judge joins (admitted at once: no operator is in the room yet); each invitee is admitted by the judge, joins, and publishes if asked. */
  async function hearing(s: Scenario, invitees: { role: string; publish: boolean }[]) {
    const judge = await connect(s.users.judge.token, s.sessionId);
    await judge.evaluate(() => window.wb.join());
    const others: Record<string, Page> = {};
    for (const { role, publish } of invitees) {
      const inv = invitation(s, role);
      const page = await connect(inv.token);
      expect(await pageRequest(judge, 'admit', { participantId: inv.participantId })).to.deep.include({ ok: true });
      await page.evaluate(() => window.wb.waitAdmitted());
      await page.evaluate(() => window.wb.join());
      if (publish) await page.evaluate(() => window.wb.publish());
      others[role] = page;
    }
    return { judge, others };
  }

  const flowing = (page: Page, role: string) =>
    eventually(async () => {
      const figures = (await inbound(page)).filter((f) => f.role === role);
      const video = figures.find((f) => f.kind === 'video' && f.framesDecoded > 0);
      const audio = figures.find((f) => f.kind === 'audio' && f.bytesReceived > 0);
      return video && audio ? { video, audio } : undefined;
    }, 10_000, `${role} video frames and audio bytes`);

  it('one context publishes audio and video and another consumes them: the judge decodes the witness video and receives audio within 10 s', async () => {
    const s = await session({ measures: [], invitations: ['witness'] });
    const { judge } = await hearing(s, [{ role: 'witness', publish: true }]);
    const { video, audio } = await flowing(judge, 'witness');
    expect(video.framesDecoded).to.be.greaterThan(0);
    expect(audio.bytesReceived).to.be.greaterThan(0);
  });

  it("operator pause makes the judge's consumer report paused; resume brings frames again; telemetry reaches the operator without addresses", async () => {
    const s = await session({ measures: [], invitations: ['witness'] });
    const { judge, others } = await hearing(s, [{ role: 'witness', publish: true }]);
    const operator = await connect(s.users.operator.token, s.sessionId);
    await flowing(judge, 'witness');
    const videoId = (await others.witness!.evaluate(() => window.wb.producerIds())).video!;
    expect(await pageRequest(operator, 'pauseProducer', { producerId: videoId })).to.deep.include({ ok: true });
    await eventually(async () => (await judge.evaluate(() => window.wb.remotes())).find((r) => r.producerId === videoId && r.paused), 3000, 'paused consumer');
    const before = (await inbound(judge)).find((f) => f.producerId === videoId)!.framesDecoded;
    expect(await pageRequest(operator, 'resumeProducer', { producerId: videoId })).to.deep.include({ ok: true });
    await eventually(async () => (await inbound(judge)).find((f) => f.producerId === videoId && !f.paused && f.framesDecoded > before + 5), 10_000, 'frames after resume');
    const telemetry = await eventually(async () => {
      const entries = (await operator.evaluate(() => window.wb.log())).filter((e) => e.event === 'telemetry');
      return entries.find((e) => JSON.stringify(e.detail).includes(invitation(s, 'witness').participantId) && (e.detail as { participants: { bitrateIn: number }[] }).participants.some((p) => p.bitrateIn > 0));
    }, 5000, 'operator telemetry with witness bitrate');
    expect(JSON.stringify(telemetry.detail)).to.not.match(IPV4);
    expect((await judge.evaluate(() => window.wb.log())).some((e) => e.event === 'telemetry')).to.equal(false);
    // The minutes' figures are recorded while the room is open, not only when someone leaves.
    const db = mongoose.connection.getClient().db('wb_rooms_e2e');
    await eventually(async () => (await db.collection('telemetry_summaries').findOne({ sessionId: s.sessionId, participantId: invitation(s, 'witness').participantId, 'bitrateInKbps.avg': { $gt: 0 } })) !== null, 8000, "the witness's summary recorded while the room is open");
  });

  it('turning closed session on closes the public gallery consumers within 1 s', async () => {
    const s = await session({ measures: [], invitations: ['witness', 'public'] });
    const { judge, others } = await hearing(s, [
      { role: 'public', publish: false },
      { role: 'witness', publish: true },
    ]);
    const pub = others.public!;
    await flowing(pub, 'witness');
    const sent = await pub.evaluate(() => window.wb.now());
    const sentAt = Date.now();
    expect(await pageRequest(judge, 'setClosedSession', { closed: true })).to.deep.include({ ok: true });
    await eventually(async () => (await pub.evaluate(() => window.wb.remotes())).length === 0, 1000, 'public consumers closed');
    expect(Date.now() - sentAt).to.be.lessThan(1000);
    const removed = (await pub.evaluate(() => window.wb.log())).filter((e) => e.event === 'remoteRemoved' && e.at >= sent);
    expect(removed.map((e) => (e.detail as { reason: string }).reason)).to.deep.equal(['policy', 'policy']);
    expect((await inbound(judge)).filter((f) => f.role === 'witness')).to.have.length(2);
  });

  it('killing the media worker rebuilds the room and media flows to the judge again within 10 s', async () => {
    const s = await session({ measures: [], invitations: ['witness'] });
    const { judge } = await hearing(s, [{ role: 'witness', publish: true }]);
    const first = await flowing(judge, 'witness');
    const pid = svc.service.media.statuses()[0]!.pid;
    process.kill(pid, 'SIGKILL');
    const killedAt = Date.now();
    const again = await eventually(async () => {
      const f = await flowing(judge, 'witness');
      return f.video.consumerId !== first.video.consumerId ? f : undefined;
    }, 10_000, 'media after worker death');
    expect(Date.now() - killedAt).to.be.lessThan(10_000);
    expect(again.video.framesDecoded).to.be.greaterThan(0);
    expect(svc.service.media.allAlive).to.equal(true);
  });

  it('a media connection that goes silent is restarted with new ICE credentials and media flows again', async () => {
    const s = await session({ measures: [], invitations: ['witness'] });
    const { judge } = await hearing(s, [{ role: 'witness', publish: true }]);
    const first = await flowing(judge, 'witness');
    const states = async () => (await judge.evaluate(() => window.wb.log())).filter((e) => e.event === 'transportState' || e.event === 'iceRestarted');
    // Freeze the worker: the browser's ICE checks go unanswered and its receiving transport
    // turns 'disconnected'; the client's restart request waits for the worker to come back.
    const pid = svc.service.media.statuses()[0]!.pid;
    process.kill(pid, 'SIGSTOP');
    try {
      await eventually(async () => (await states()).some((e) => e.event === 'transportState' && (e.detail as { state: string }).state === 'disconnected'), 20_000, 'a disconnected transport');
      await new Promise((r) => setTimeout(r, 2500)); // the client waits 2 s before restarting
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    await eventually(async () => (await states()).some((e) => e.event === 'iceRestarted'), 20_000, 'an ICE restart');
    await eventually(async () => {
      const f = (await inbound(judge)).find((x) => x.producerId === first.video.producerId);
      return f && f.framesDecoded > first.video.framesDecoded + 10 ? f : undefined;
    }, 10_000, 'frames after the ICE restart');
    expect((await judge.evaluate(() => window.wb.log())).some((e) => e.event === 'closed')).to.equal(false);
  });

  it('a participant whose connection drops reconnects by itself, stays admitted and gets media again', async () => {
    const s = await session({ measures: [], invitations: ['witness'] });
    const { judge, others } = await hearing(s, [{ role: 'witness', publish: true }]);
    const first = await flowing(judge, 'witness');
    const witnessId = invitation(s, 'witness').participantId;
    const nsp = svc.service.io.of('/rooms');
    const socket = [...nsp.sockets.values()].find((x) => (x.data as { ticket?: { participantId: string } }).ticket?.participantId === witnessId)!;
    // A transport-level drop (not a server "disconnect"): the client reconnects on its own.
    socket.conn.close();
    const again = await eventually(async () => {
      const f = await flowing(judge, 'witness');
      return f.video.producerId !== first.video.producerId ? f : undefined;
    }, 10_000, 'witness media after reconnect');
    expect(again.video.framesDecoded).to.be.greaterThan(0);
    const log = await others.witness!.evaluate(() => window.wb.log());
    expect(log.filter((e) => e.event === 'admission').map((e) => e.detail)).to.include('admitted');
    expect(log.some((e) => e.event === 'closed')).to.equal(false);
  });
});
