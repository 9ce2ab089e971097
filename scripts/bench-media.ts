/**
 * `npm run bench:media`: prints
 *  1. time to first frame for a participant joining a live room (p50/p95 over JOINS joins,
 *     headless Chromium, real service on an embedded database);
 *  2. forwarding capacity of one mediasoup worker: the most video consumers it sustains with
 *     < 1 % loss and worker CPU < 85 %, fed by Debian's ffmpeg (VP8 RTP over a PlainTransport)
 *     and consumed by PlainTransports sending to a loopback UDP sink — no browsers.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { loadConfig } from '../config/index.js';
import { loadMediasoup, type types } from '../media/mediasoup.js';
import { ROUTER_MEDIA_CODECS } from '../media/codecs.js';
import { EmbeddedDatabase } from '../server/db/embedded.js';
import { createLogger } from '../server/logger.js';
import { Service } from '../server/service.js';
import { launchChromium } from '../test/support/browser.js';
import { createScenario, SCENARIO_ADMIN_ENV } from '../test/support/scenario.js';
import { harnessPage } from '../test/e2e/media/support.js';
import request from 'supertest';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const JOINS = 24;
const STEPS = [25, 50, 100, 150, 200, 300, 400, 500, 600, 800, 1000];
const MEASURE_MS = 5000;
const VIDEO_SSRC = 22222222;

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)]!;

async function timeToFirstFrame(verbose: boolean): Promise<number[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-bench-'));
  const logger = createLogger('silent');
  const db = await EmbeddedDatabase.create({ bin: path.join(ROOT, 'tools/ferretdb/bin/ferretdb'), dataDir: dir, port: 0, logger });
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', MONGODB_URI: db.uri, DATA_DIR: dir, MEDIA_WORKERS: '1', ...SCENARIO_ADMIN_ENV });
  const service = await Service.create(config, logger);
  const url = `http://127.0.0.1:${service.port}`;
  const browser = await launchChromium();
  try {
    const s = await createScenario({ service, config, url, close: () => service.close() }, { measures: [], invitations: ['witness'] });
    await request(url).post(`/api/sessions/${s.sessionId}/status`).set('Authorization', `Bearer ${s.users.operator.token}`).send({ status: 'lobby' }).expect(200);
    const witness = await harnessPage(browser, url);
    const inv = s.invitations[0]!;
    await witness.evaluate((t) => window.wb.connect(t), inv.token);
    const operator = await harnessPage(browser, url);
    await operator.evaluate(([t, sid]) => window.wb.connect(t!, sid), [s.users.operator.token, s.sessionId] as const);
    await operator.evaluate((id) => window.wb.request('admit', { participantId: id }), inv.participantId);
    await witness.evaluate(async () => {
      await window.wb.waitAdmitted();
      await window.wb.join();
      await window.wb.publish();
    });
    const times: number[] = [];
    for (let i = 0; i < JOINS; i++) {
      // Each join is a fresh page, as a participant opening the room would be; the previous
      // one leaves first.
      const joiner = await harnessPage(browser, url);
      times.push(await joiner.evaluate(([t, sid]) => window.wb.timeToFirstFrame(t!, sid, 'witness', 10_000), [s.users.judge.token, s.sessionId] as const));
      const st = await joiner.evaluate(() => window.wb.stages());
      if (verbose) console.log(`    join ${i + 1}: ${times[i]!.toFixed(0)} ms (connected ${st.connected?.toFixed(0)}, joined ${st.joined?.toFixed(0)}, consumer ${st.consumer?.toFixed(0)}, DTLS ${st.dtls?.toFixed(0)}, first bytes ${st.firstBytes?.toFixed(0)})`);
      await joiner.context().close();
    }
    return times;
  } finally {
    await browser.close();
    await service.close();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * ffmpeg encoding a test pattern to VP8 RTP towards the producer's PlainTransport. Its RTCP goes
 * elsewhere (`rtcpPort`): ffmpeg sends it from another source port, and with comedia the first
 * packet fixes the only tuple the transport accepts.
 */
function startFfmpeg(port: number, rtcpPort: number): ChildProcess {
  const args = ['-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=30', '-c:v', 'libvpx', '-b:v', '1M', '-minrate', '1M', '-maxrate', '1M', '-deadline', 'realtime', '-cpu-used', '8', '-g', '30', '-an', '-ssrc', String(VIDEO_SSRC), '-payload_type', '101', '-f', 'rtp', `rtp://127.0.0.1:${port}?rtcpport=${rtcpPort}&pkt_size=1200`];
  return spawn('/usr/bin/ffmpeg', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

interface StepResult {
  consumers: number;
  producerPps: number;
  /** RTP packets the worker did not send, against producer packets × consumers (the criterion). */
  loss: number;
  /** RTP packets that did not reach the loopback sinks (includes the sinks' own limits). */
  sinkLoss: number;
  cpu: number;
}

/**
 * Loopback UDP sinks, one socket per CONSUMERS_PER_SINK consumers with a large receive buffer,
 * in a worker thread so that reading tens of thousands of packets a second does not starve the
 * main thread that talks to the mediasoup worker. The RTP count is shared through an Int32Array.
 */
const CONSUMERS_PER_SINK = 25;
const SINK_THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const dgram = require('node:dgram');
const counter = new Int32Array(workerData);
parentPort.on('message', () => {
  const s = dgram.createSocket({ type: 'udp4', recvBufferSize: 4 * 1024 * 1024 });
  // RTP only: the consumers' RTCP reports arrive on the same port (byte 1 = 200-204).
  s.on('message', (m) => { const pt = m[1] || 0; if (pt < 200 || pt > 204) Atomics.add(counter, 0, 1); });
  s.bind(0, '127.0.0.1', () => parentPort.postMessage(s.address().port));
});
`;
class Sinks {
  readonly #counter = new Int32Array(new SharedArrayBuffer(4));
  readonly #thread = new Worker(SINK_THREAD, { eval: true, workerData: this.#counter.buffer });
  readonly #ports: number[] = [];
  get received(): number {
    return Atomics.load(this.#counter, 0);
  }
  async portFor(consumerIndex: number): Promise<number> {
    const i = Math.floor(consumerIndex / CONSUMERS_PER_SINK);
    while (this.#ports.length <= i) {
      const port = new Promise<number>((resolve) => this.#thread.once('message', resolve));
      this.#thread.postMessage('open');
      this.#ports.push(await port);
    }
    return this.#ports[i]!;
  }
  async close(): Promise<void> {
    await this.#thread.terminate();
  }
}

async function forwardingCapacity(): Promise<StepResult[]> {
  const cfg = loadConfig({ DATA_DIR: os.tmpdir() });
  const ms = await loadMediasoup(cfg.media.workerBin);
  const worker = await ms.createWorker({ logLevel: 'none', rtcMinPort: 47000, rtcMaxPort: 49999 });
  const router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS });
  const sinks = new Sinks();
  const rtcpDiscard = dgram.createSocket('udp4');
  await new Promise<void>((r) => rtcpDiscard.bind(0, '127.0.0.1', () => r()));
  const input = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
  const producer = await input.produce({
    kind: 'video',
    rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: VIDEO_SSRC }] },
  });
  const ffmpeg = startFfmpeg(input.tuple.localPort, rtcpDiscard.address().port);
  const consumers: types.Consumer[] = [];
  const results: StepResult[] = [];
  const runStep = async (n: number): Promise<StepResult> => {
    while (consumers.length < n) {
      const t = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
      await t.connect({ ip: '127.0.0.1', port: await sinks.portFor(consumers.length) });
      consumers.push(await t.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }));
    }
    // New consumers wait for a key frame (ffmpeg sends one a second; it ignores PLI).
    await delay(2500);
    return measure(worker, producer, consumers, sinks);
  };
  try {
    await delay(2000);
    for (const n of STEPS) {
      const step = await runStep(n).catch((err: unknown) => {
        console.log(`  ${String(n).padStart(5)} consumers: the worker stopped answering (${String(err)})`);
        return undefined;
      });
      if (!step) break;
      results.push(step);
      console.log(
        `  ${String(n).padStart(5)} consumers: ${step.producerPps.toFixed(0)} pps in, ${(step.producerPps * n).toFixed(0)} pps out, ` +
          `loss ${step.loss.toFixed(2)} %, worker CPU ${step.cpu.toFixed(1)} % (sinks missed ${step.sinkLoss.toFixed(2)} %)`,
      );
      if (step.loss >= 1 || step.cpu >= 85) break;
    }
  } finally {
    ffmpeg.kill('SIGTERM');
    await sinks.close();
    rtcpDiscard.close();
    worker.close();
  }
  return results;
}

/** RTP packets a set of mediasoup entities counted (`type` picks the direction). */
async function rtpPackets(entities: readonly types.Producer[] | readonly types.Consumer[], type: 'inbound-rtp' | 'outbound-rtp'): Promise<number> {
  let total = 0;
  // In slices, so hundreds of stats requests do not queue up on a busy worker's channel.
  for (let i = 0; i < entities.length; i += 50) {
    const all = await Promise.all(entities.slice(i, i + 50).map(async (e) => (await e.getStats()) as { type: string; packetCount: number }[]));
    total += all.flat().filter((s) => s.type === type).reduce((a, s) => a + s.packetCount, 0);
  }
  return total;
}

/**
 * Over MEASURE_MS: RTP packets into the producer × consumers vs packets the worker says it sent
 * (the criterion: consumer stats are sampled around the producer's, so ±0.5 %) and vs packets
 * the loopback sinks received.
 */
async function measure(worker: types.Worker, producer: types.Producer, consumers: types.Consumer[], sinks: Sinks): Promise<StepResult> {
  const cpuMs = async () => {
    const u = await worker.getResourceUsage();
    return u.ru_utime + u.ru_stime;
  };
  // The CPU window matches the wall-clock window: answering hundreds of consumer stats requests
  // costs the worker CPU too, and must not be counted as forwarding.
  const e0 = await rtpPackets(consumers, 'outbound-rtp');
  const c0 = await cpuMs();
  const [p0, r0, t0] = [await rtpPackets([producer], 'inbound-rtp'), sinks.received, Date.now()];
  await delay(MEASURE_MS);
  const [p1, r1, t1] = [await rtpPackets([producer], 'inbound-rtp'), sinks.received, Date.now()];
  const c1 = await cpuMs();
  const e1 = await rtpPackets(consumers, 'outbound-rtp');
  const expected = (p1 - p0) * consumers.length;
  const ratio = (got: number) => (expected > 0 ? Math.max(0, (1 - got / expected) * 100) : 100);
  return { consumers: consumers.length, producerPps: ((p1 - p0) * 1000) / (t1 - t0), loss: ratio(e1 - e0), sinkLoss: ratio(r1 - r0), cpu: ((c1 - c0) / (t1 - t0)) * 100 };
}

async function main(): Promise<void> {
  console.log(`bench:media on ${os.cpus().length} CPU(s), ${os.cpus()[0]?.model ?? 'unknown CPU'}`);
  // `--only=ttff` or `--only=capacity` runs one half.
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  if (only !== 'capacity') {
    console.log(`time to first frame: ${JOINS} joins of the judge into a live room with the witness publishing`);
    const times = await timeToFirstFrame(process.argv.includes('--verbose'));
    console.log(`  p50 ${pct(times, 50).toFixed(0)} ms, p95 ${pct(times, 95).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`);
  }
  if (only === 'ttff') return;
  console.log('forwarding capacity of one worker (VP8 from ffmpeg, PlainTransport consumers to loopback sinks):');
  const steps = await forwardingCapacity();
  const ok = steps.filter((s) => s.loss < 1 && s.cpu < 85);
  const best = ok[ok.length - 1];
  console.log(best ? `  sustained: ${best.consumers} video consumers (< 1 % loss, worker CPU ${best.cpu.toFixed(1)} %)` : '  sustained: none of the steps');
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
