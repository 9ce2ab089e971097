/**
 * One participant floods the signalling of their room as fast as a client can send; the
 * participants of another room on the same service keep their media.
 */
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { createScenario, SCENARIO_ADMIN_ENV } from '../../support/scenario.js';
import { startTestService, type TestService } from '../../support/service.js';
import { connect, send, type ClientSocket } from '../../server/signaling/support.js';
import { closePages, connectPage, eventually, inbound, openLobby, pageRequest } from './support.js';

const FLOOD_MS = 6000;

describe('a request flood in one room (real service, real Chromium)', function () {
  this.timeout(120_000);
  let browser: Browser;
  let svc: TestService;
  const pages: Page[] = [];
  const sockets: ClientSocket[] = [];
  before(async function () {
    this.timeout(60_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_flood_e2e') })]);
  });
  after(async () => {
    for (const s of sockets) s.close();
    await closePages(pages);
    await browser?.close();
    await svc?.close();
  });

  it("keeps the media of another room's participants flowing while one participant floods requests", async () => {
    // Room B: a hearing with media.
    const b = await createScenario(svc, { measures: [], participants: ['judge', 'operator'], invitations: ['witness'] });
    await openLobby(svc, b);
    const judge = await connectPage(browser, svc.url, b.users.judge.token, b.sessionId);
    pages.push(judge.page);
    await judge.page.evaluate(() => window.wb.join());
    const wInv = b.invitations[0]!;
    const witness = await connectPage(browser, svc.url, wInv.token);
    pages.push(witness.page);
    expect(await pageRequest(judge.page, 'admit', { participantId: wInv.participantId })).to.deep.include({ ok: true });
    await witness.page.evaluate(async () => {
      await window.wb.waitAdmitted();
      await window.wb.join();
      await window.wb.publish();
    });
    const frames = async () => (await inbound(judge.page)).find((f) => f.role === 'witness' && f.kind === 'video')?.framesDecoded ?? 0;
    await eventually(async () => (await frames()) > 10, 15_000, 'frames in room B');

    // Room A: an admitted public-gallery participant who floods.
    const a = await createScenario(svc, { measures: [], participants: ['judge', 'operator'], invitations: ['public'] });
    await openLobby(svc, a);
    const op = await connect(svc.url, { token: a.users.operator.token, sessionId: a.sessionId });
    const pub = a.invitations[0]!;
    const attacker = await connect(svc.url, { token: pub.token });
    sockets.push(op, attacker);
    expect(await send(op, 'admit', { participantId: pub.participantId })).to.deep.include({ ok: true });

    const f0 = await frames();
    await new Promise((r) => setTimeout(r, FLOOD_MS));
    const before = (await frames()) - f0;

    let sent = 0;
    let refused = 0;
    const stopAt = Date.now() + FLOOD_MS;
    const f1 = await frames();
    const requests: [string, unknown][] = [
      ['getRouterRtpCapabilities', {}],
      ['createTransport', { direction: 'recv' }],
      ['consume', { producerId: 'nope' }],
      ['listParticipants', {}],
      ['produce', { transportId: 'x', kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }] } }],
    ];
    while (Date.now() < stopAt) {
      const batch = await Promise.all(Array.from({ length: 50 }, (_, i) => send(attacker, requests[i % requests.length]![0], requests[i % requests.length]![1]).catch(() => undefined)));
      sent += batch.length;
      refused += batch.filter((x) => x && !x.ok && x.error.code === 'rate_limited').length;
    }
    const during = (await frames()) - f1;
    console.log(`      flood: ${sent} requests in ${FLOOD_MS / 1000} s (${Math.round(sent / (FLOOD_MS / 1000))}/s), ${refused} refused as rate_limited; room B decoded ${before} frames before, ${during} during`);
    expect(sent).to.be.greaterThan(1000);
    expect(refused).to.be.greaterThan(sent * 0.8);
    expect(during).to.be.at.least(before * 0.7);
  });
});
