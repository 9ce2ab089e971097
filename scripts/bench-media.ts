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

async function timeToFirstFrame(): Promise<number[]> {
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
    const joiner = await harnessPage(browser, url);
    const times: number[] = [];
    for (let i = 0; i < JOINS; i++) {
      times.push(await joiner.evaluate(([t, sid]) => window.wb.timeToFirstFrame(t!, sid, 'witness', 10_000), [s.users.judge.token, s.sessionId] as const));
    }
    return times;
  } finally {
    await browser.close();
    await service.close();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** ffmpeg encoding a test pattern to VP8 RTP towards the producer's PlainTransport. */
function startFfmpeg(port: number): ChildProcess {
  const args = ['-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30', '-c:v', 'libvpx', '-b:v', '800k', '-deadline', 'realtime', '-cpu-used', '8', '-g', '60', '-an', '-ssrc', String(VIDEO_SSRC), '-payload_type', '101', '-f', 'rtp', `rtp://127.0.0.1:${port}?rtcpport=${port}&pkt_size=1200`];
  return spawn('/usr/bin/ffmpeg', args, { stdio: ['ignore', 'ignore', 'inherit'] });
}

interface StepResult {
  consumers: number;
  producerPps: number;
  loss: number;
  cpu: number;
}

async function forwardingCapacity(): Promise<StepResult[]> {
  const cfg = loadConfig({ DATA_DIR: os.tmpdir() });
  const ms = await loadMediasoup(cfg.media.workerBin);
  const worker = await ms.createWorker({ logLevel: 'none', rtcMinPort: 47000, rtcMaxPort: 49999 });
  const router = await worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS });
  const sink = dgram.createSocket('udp4');
  let received = 0;
  sink.on('message', () => received++);
  await new Promise<void>((r) => sink.bind(0, '127.0.0.1', () => r()));
  const sinkPort = sink.address().port;
  const input = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: true });
  const producer = await input.produce({
    kind: 'video',
    rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: VIDEO_SSRC }] },
  });
  const ffmpeg = startFfmpeg(input.tuple.localPort);
  const consumers: types.Consumer[] = [];
  const results: StepResult[] = [];
  try {
    await delay(2000);
    for (const n of STEPS) {
      while (consumers.length < n) {
        const t = await router.createPlainTransport({ listenIp: { ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
        await t.connect({ ip: '127.0.0.1', port: sinkPort });
        consumers.push(await t.consume({ producerId: producer.id, rtpCapabilities: router.rtpCapabilities }));
      }
      await delay(1500);
      const step = await measure(worker, producer, n, () => received);
      results.push(step);
      console.log(`  ${String(n).padStart(5)} consumers: ${step.producerPps.toFixed(0)} pps in, loss ${step.loss.toFixed(2)} %, worker CPU ${step.cpu.toFixed(1)} %`);
      if (step.loss >= 1 || step.cpu >= 85) break;
    }
  } finally {
    ffmpeg.kill('SIGTERM');
    sink.close();
    worker.close();
  }
  return results;
}

/** Packets into the producer vs packets arriving at the sink over MEASURE_MS, and worker CPU. */
async function measure(worker: types.Worker, producer: types.Producer, n: number, received: () => number): Promise<StepResult> {
  const packets = async () => (await producer.getStats()).reduce((a, s) => a + s.packetCount, 0);
  const cpuMs = async () => {
    const u = await worker.getResourceUsage();
    return u.ru_utime + u.ru_stime;
  };
  const [p0, r0, c0, t0] = [await packets(), received(), await cpuMs(), Date.now()];
  await delay(MEASURE_MS);
  // Let packets already in flight arrive before counting.
  const [p1, c1, t1] = [await packets(), await cpuMs(), Date.now()];
  await delay(200);
  const r1 = received();
  const expected = (p1 - p0) * n;
  const loss = expected > 0 ? Math.max(0, (1 - (r1 - r0) / expected) * 100) : 100;
  return { consumers: n, producerPps: ((p1 - p0) * 1000) / (t1 - t0), loss, cpu: ((c1 - c0) / (t1 - t0)) * 100 };
}

async function main(): Promise<void> {
  console.log(`bench:media on ${os.cpus().length} CPU(s), ${os.cpus()[0]?.model ?? 'unknown CPU'}`);
  console.log(`time to first frame: ${JOINS} joins of the judge into a live room with the witness publishing`);
  const times = await timeToFirstFrame();
  console.log(`  p50 ${pct(times, 50).toFixed(0)} ms, p95 ${pct(times, 95).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`);
  console.log('forwarding capacity of one worker (VP8 from ffmpeg, PlainTransport consumers to a loopback sink):');
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
