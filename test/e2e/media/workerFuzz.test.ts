/**
 * The media worker under a hostile participant: while a hearing runs in Chromium (witness
 * publishing, judge decoding), an admitted link holder completes ICE and DTLS on the worker's
 * WebRtcServer port like a browser, registers a VP8 producer, and then floods it with thousands of
 * SRTP-protected malformed RTP and RTCP packets and damaged copies of them (bad tags, cut
 * packets: the SRTP decryption path), plus random, STUN- and DTLS-shaped datagrams from
 * other sockets (tools/wirefuzz, loopback only, bounded in count and time). The worker must stay
 * up (same process) and the hearing's media must keep flowing.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import { expect } from 'chai';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from '../../support/browser.js';
import { ROOT, testDatabaseUri } from '../../support/hooks.js';
import { createScenario, SCENARIO_ADMIN_ENV } from '../../support/scenario.js';
import { startTestService, type TestService } from '../../support/service.js';
import { connect, send, type ClientSocket } from '../../server/signaling/support.js';
import { closePages, connectPage, eventually, inbound, openLobby, pageRequest } from './support.js';

const FUZZ_BIN = path.join(ROOT, 'tools/wirefuzz/bin/wirefuzz');
/** Malformed RTP and as many RTCP packets, and as many datagrams from unknown tuples. */
const PACKETS = 4000;
const FUZZ_SSRC = 31337;

interface FuzzSummary {
  dtlsConnected: boolean;
  profile: string;
  rtp: number;
  rtcp: number;
  damaged: number;
  raw: number;
  sendErrors: number;
  millis: number;
}

/** Runs wirefuzz against a send transport: `connected` gets its DTLS fingerprint to signal. */
async function runFuzz(params: object, connected: (fingerprint: string) => Promise<void>): Promise<FuzzSummary> {
  const child = spawn(FUZZ_BIN, [], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = readline.createInterface({ input: child.stdout });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  try {
    child.stdin.write(JSON.stringify(params) + '\n');
    const iterator = lines[Symbol.asyncIterator]();
    const first = JSON.parse(String((await iterator.next()).value)) as { fingerprint: string };
    await connected(first.fingerprint);
    child.stdin.write('go\n');
    const summary = JSON.parse(String((await iterator.next()).value)) as FuzzSummary;
    expect(await exited).to.equal(0);
    return summary;
  } finally {
    child.kill('SIGKILL');
  }
}

describe('the media worker under a hostile participant (real worker, real Chromium)', function () {
  this.timeout(90_000);
  let browser: Browser;
  let svc: TestService;
  const pages: Page[] = [];
  const sockets: ClientSocket[] = [];

  before(async function () {
    this.timeout(60_000);
    [browser, svc] = await Promise.all([launchChromium(), startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_worker_fuzz') })]);
  });
  after(async () => {
    await closePages(pages);
    for (const s of sockets) s.close();
    await browser?.close();
    await svc?.close();
  });

  it('thousands of malformed STUN, DTLS, RTP and RTCP packets leave the worker up and the hearing flowing', async () => {
    const s = await createScenario(svc, { measures: [], participants: ['judge', 'operator'], invitations: ['witness', 'accused'] });
    await openLobby(svc, s);
    const inv = (role: string) => s.invitations.find((i) => i.role === role)!;

    // The hearing: the judge (admitted at once, no operator yet) decodes the witness.
    const judge = await connectPage(browser, svc.url, s.users.judge.token, s.sessionId);
    pages.push(judge.page);
    await judge.page.evaluate(() => window.wb.join());
    const witness = await connectPage(browser, svc.url, inv('witness').token);
    pages.push(witness.page);
    expect(await pageRequest(judge.page, 'admit', { participantId: inv('witness').participantId })).to.deep.include({ ok: true });
    await witness.page.evaluate(async () => {
      await window.wb.waitAdmitted();
      await window.wb.join();
      await window.wb.publish();
    });
    const frames = async () => (await inbound(judge.page)).find((f) => f.role === 'witness' && f.kind === 'video')?.framesDecoded ?? 0;
    await eventually(async () => (await frames()) > 10, 15_000, 'witness frames at the judge');
    const pid = svc.service.media.statuses()[0]!.pid;

    // The attacker: an admitted link holder with a send transport and a registered producer.
    const attacker = await connect(svc.url, { token: inv('accused').token, deviceKey: 'wirefuzz-device-key-0123456789' });
    sockets.push(attacker);
    expect(await pageRequest(judge.page, 'admit', { participantId: inv('accused').participantId })).to.deep.include({ ok: true });
    await eventually(async () => ((await send(attacker, 'hello', {})) as { data: { admission: string } }).data.admission === 'admitted', 5000, 'attacker admitted');
    const caps = (await send(attacker, 'getRouterRtpCapabilities', {})) as { ok: true; data: { rtpCapabilities: object } };
    expect(await send(attacker, 'join', { rtpCapabilities: caps.data.rtpCapabilities })).to.deep.include({ ok: true });
    const t = (await send(attacker, 'createTransport', { direction: 'send' })) as {
      ok: true;
      data: { id: string; iceParameters: { usernameFragment: string; password: string }; iceCandidates: { address: string; port: number; protocol: string }[]; dtlsParameters: { fingerprints: { algorithm: string; value: string }[] } };
    };
    expect(t.ok).to.equal(true);
    const udp = t.data.iceCandidates.find((c) => c.protocol === 'udp')!;
    const produced = await send(attacker, 'produce', {
      transportId: t.data.id,
      kind: 'video',
      rtpParameters: {
        mid: '0',
        codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000, rtcpFeedback: [{ type: 'nack' }, { type: 'nack', parameter: 'pli' }, { type: 'transport-cc' }] }],
        headerExtensions: [
          { uri: 'urn:ietf:params:rtp-hdrext:sdes:mid', id: 1 },
          { uri: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time', id: 2 },
          { uri: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01', id: 3 },
        ],
        encodings: [{ ssrc: FUZZ_SSRC }],
        rtcp: { cname: 'wirefuzz' },
      },
    });
    expect(produced).to.deep.include({ ok: true });

    const summary = await runFuzz(
      {
        host: udp.address,
        port: udp.port,
        ufrag: t.data.iceParameters.usernameFragment,
        pwd: t.data.iceParameters.password,
        fingerprint: t.data.dtlsParameters.fingerprints.find((f) => f.algorithm === 'sha-256')!.value,
        ssrc: FUZZ_SSRC,
        payloadType: 96,
        packets: PACKETS,
        seconds: 30,
        seed: Date.now(),
      },
      async (fingerprint) => {
        const ok = await send(attacker, 'connectTransport', { transportId: t.data.id, dtlsParameters: { role: 'client', fingerprints: [{ algorithm: 'sha-256', value: fingerprint }] } });
        expect(ok).to.deep.include({ ok: true });
      },
    );
    expect(summary.dtlsConnected).to.equal(true);
    expect(summary.rtp + summary.rtcp + summary.raw).to.be.at.least(3 * PACKETS * 0.99);
    expect(summary.damaged, 'damaged SRTP/SRTCP on the connected tuple').to.be.at.least(PACKETS / 2 - 10);

    // The worker is the same process, still alive, and the hearing's media still flows.
    const after = svc.service.media.statuses()[0]!;
    expect(after.pid).to.equal(pid);
    expect(after.alive).to.equal(true);
    const before = await frames();
    await eventually(async () => (await frames()) > before + 15, 10_000, 'witness frames at the judge after the fuzz');
  });
});
