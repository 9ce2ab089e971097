/**
 * A masking pipeline on a real worker with real processes: ffmpeg publishes a test pattern as the
 * "witness" producer, the pipeline disguises it, and a plain consumer of the masked producer
 * counts what comes out.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import { expect } from 'chai';
import { loadConfig } from '../../config/index.js';
import { MaskingPipeline, type MaskingStatus } from '../../media/masking/pipeline.js';
import { randomVoiceShift } from '../../media/masking/processes.js';
import type { types } from '../../media/mediasoup.js';
import { WorkerPool } from '../../media/workerPool.js';
import { createLogger } from '../../server/logger.js';
import { ROOT } from '../support/hooks.js';
import path from 'node:path';

const SSRC = 12121212;

const PROBATION_SSRC = 1234;

/**
 * Counts RTP media packets arriving on a loopback port, and notes of each VP8 frame (its first
 * packet) whether it is a key frame.
 */
async function sink(): Promise<{ port: number; count: () => number; keyFrames: () => boolean[]; close: () => void }> {
  const s = dgram.createSocket('udp4');
  let n = 0;
  const frames: boolean[] = [];
  s.on('message', (m) => {
    const pt = m[1] ?? 0;
    // Not RTCP, nor the worker's bandwidth probation (padding from SSRC 1234): media.
    if ((pt >= 200 && pt <= 204) || m.readUInt32BE(8) === PROBATION_SSRC) return;
    n++;
    // RTP header, CSRCs and extension, then VP8's payload descriptor (RFC 7741).
    let at = 12 + 4 * (m[0]! & 0x0f);
    if (m[0]! & 0x10) at += 4 + 4 * m.readUInt16BE(at + 2);
    const first = m[at++]!;
    if (first & 0x80) {
      const ext = m[at++]!;
      if (ext & 0x80) at += m[at]! & 0x80 ? 2 : 1; // picture id
      if (ext & 0x40) at++; // TL0PICIDX
      if (ext & 0x30) at++; // TID / KEYIDX
    }
    // Start of partition 0: the frame's first packet; the P bit is 0 on a key frame.
    if (first & 0x10 && (first & 0x07) === 0) frames.push((m[at]! & 0x01) === 0);
  });
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  return { port: s.address().port, count: () => n, keyFrames: () => [...frames], close: () => s.close() };
}

/** Pids of this test process's masking processes (their arguments name the masker or a tap SDP). */
function maskingChildren(): number[] {
  const out = execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' });
  const mine = new Set([process.pid]);
  const rows = out.split('\n').map((l) => l.trim().split(/\s+/)).filter((r) => r.length > 2);
  // setpriv execs the command, so a masking process is a direct child of this process.
  return rows.filter((r) => mine.has(Number(r[1])) && /masker\.py|wb-mask-/.test(r.slice(2).join(' '))).map((r) => Number(r[0]));
}

/** CPU time (clock ticks of 10 ms) the processes `pids` used so far. */
function cpuTicks(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th.
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    ticks += Number(fields[11]) + Number(fields[12]);
  }
  return ticks;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const until = async (probe: () => boolean, ms: number, what: string) => {
  const end = Date.now() + ms;
  while (!probe()) {
    if (Date.now() > end) throw new Error(`${what} not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe('masking pipeline (real worker, real ffmpeg and masker)', function () {
  this.timeout(60_000);
  const cfg = loadConfig({ DATA_DIR: '/tmp/wb-media-test' });
  let pool: WorkerPool;
  let router: types.Router;
  let source: ChildProcess;
  let producer: types.Producer;

  before(async () => {
    pool = await WorkerPool.create({
      workerBin: cfg.media.workerBin,
      count: 1,
      webRtc: { ip: '127.0.0.1', announcedAddress: undefined, port: 0 },
      rtcMinPort: cfg.media.rtcMinPort,
      rtcMaxPort: cfg.media.rtcMaxPort,
      logLevel: 'warn',
      logger: createLogger('silent'),
    });
    router = await pool.createRouter();
    const input = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
    producer = await input.produce({ kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: SSRC }] } });
    source = spawn(cfg.media.masking.ffmpeg, [
      '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=15', '-c:v', 'libvpx', '-deadline', 'realtime',
      '-cpu-used', '8', '-b:v', '500k', '-g', '15', '-an', '-ssrc', String(SSRC), '-payload_type', '101', '-f', 'rtp',
      `rtp://127.0.0.1:${input.tuple.localPort}?rtcpport=${input.rtcpTuple!.localPort}&pkt_size=1200`,
    ], { stdio: 'ignore' });
  });
  after(() => {
    source?.kill('SIGKILL');
    pool?.close();
  });

  it('publishes a masked producer, and after its masker is killed publishes a new one that carries media again', async () => {
    const statuses: MaskingStatus[] = [];
    const pipeline = new MaskingPipeline({ router, source: producer, participantId: 'w', mode: 'frame', voice: randomVoiceShift(), tools: cfg.media.masking, logger: createLogger('silent'), ordered: true });
    pipeline.on('status', (s) => statuses.push(s));
    const out = await sink();
    const consumeMasked = async (masked: types.Producer) => {
      const t = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
      await t.connect({ ip: '127.0.0.1', port: out.port });
      return t.consume({ producerId: masked.id, rtpCapabilities: router.rtpCapabilities });
    };
    try {
      await until(() => pipeline.producer !== undefined, 15_000, 'first masked producer');
      const first = pipeline.producer!;
      await consumeMasked(first);
      await until(() => out.count() > 30, 10_000, 'masked packets');
      const [, masker] = pipeline.pids;
      process.kill(masker!, 'SIGKILL');
      await until(() => first.closed, 5000, 'first masked producer closed');
      await until(() => pipeline.producer !== undefined && pipeline.producer !== first, 15_000, 'second masked producer');
      const before = out.count();
      await consumeMasked(pipeline.producer!);
      await until(() => out.count() > before + 30, 10_000, 'masked packets after the restart');
      expect(statuses.map((s) => s.state)).to.include.members(['running', 'restarting']);
      expect(pipeline.status).to.deep.include({ state: 'running', restarts: 1 });
    } finally {
      pipeline.close();
      out.close();
    }
    expect(pipeline.producer).to.equal(undefined);
    expect(pipeline.pids).to.deep.equal([]);
  });

  it('stands by while its disguise is not ordered (the processes receive nothing and sleep), runs within seconds of an order, and stands by again when it is lifted', async () => {
    const pipeline = new MaskingPipeline({ router, source: producer, participantId: 'w', mode: 'face', voice: randomVoiceShift(), tools: cfg.media.masking, logger: createLogger('silent'), ordered: false });
    const out = await sink();
    try {
      await until(() => pipeline.producer !== undefined && pipeline.status.state === 'standby', 15_000, 'standing by with a masked producer');
      const t = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: true, comedia: false });
      await t.connect({ ip: '127.0.0.1', port: out.port });
      await t.consume({ producerId: pipeline.producer!.id, rtpCapabilities: router.rtpCapabilities });
      const pids = pipeline.pids;
      // The masker loads its models for a few seconds after it starts; then it only waits.
      for (let settled = false, end = Date.now() + 20_000; !settled; ) {
        const from = cpuTicks(pids);
        await sleep(1000);
        settled = cpuTicks(pids) - from <= 1;
        if (!settled && Date.now() > end) throw new Error('the processes kept working while standing by');
      }
      const idleFrom = cpuTicks(pids);
      await sleep(2000);
      const idle = cpuTicks(pids) - idleFrom;
      expect(out.count(), 'masked packets while standing by').to.equal(0);
      expect(pipeline.status).to.deep.include({ state: 'standby', framesPerSecond: null });

      const orderedAt = Date.now();
      pipeline.setOrdered(true);
      await until(() => out.count() > 30, 10_000, 'masked packets once ordered');
      const firstMedia = Date.now() - orderedAt;
      expect(pipeline.status.state).to.equal('running');
      const busyFrom = cpuTicks(pids);
      await sleep(2000);
      const busy = cpuTicks(pids) - busyFrom;
      // Face detection, decoding and encoding take a good share of a core; standing by, nothing.
      expect(idle, `CPU ticks in 2 s standing by (running: ${busy}; media ${firstMedia} ms after the order)`).to.be.at.most(Math.max(2, busy / 10));

      const running = out.keyFrames();
      expect(running.filter(Boolean).length, `key frames in ${running.length} frames while running`).to.be.within(1, Math.ceil(running.length / 5));
      pipeline.setOrdered(false);
      await until(() => pipeline.status.state === 'standby', 5000, 'standing by again');
      // The frames already inside the processes come out (slowly on a busy machine); then nothing.
      let stoppedAt = -1;
      for (const end = Date.now() + 10_000; stoppedAt !== out.count(); ) {
        if (Date.now() > end) throw new Error('masked packets kept coming after the order was lifted');
        stoppedAt = out.count();
        await sleep(1000);
      }
      const framesBefore = out.keyFrames().length;
      await sleep(3000);
      expect(out.count(), 'masked packets after the order was lifted').to.equal(stoppedAt);

      // Ordered again after 4 s standing by: media again within seconds (the processes are warm),
      // starting with a key frame, and then one a second, not a run of them for the time it slept.
      const reorderedAt = Date.now();
      pipeline.setOrdered(true);
      await until(() => out.keyFrames().length >= framesBefore + 10, 5000, 'masked frames once ordered again');
      expect(pipeline.status.state).to.equal('running');
      const after = out.keyFrames().slice(framesBefore, framesBefore + 10);
      expect(after[0], 'the first frame after the order is a key frame').to.equal(true);
      // One a second: the first, and one more when the first frames came slowly. No run of them.
      const pattern = after.map((k) => (k ? 'K' : '.')).join('');
      expect(pattern, 'key frames among the first 10 after the order').to.not.match(/KK/);
      expect(pipeline.pids, `the same processes throughout (media ${Date.now() - reorderedAt} ms after the second order)`).to.deep.equal(pids);
    } finally {
      pipeline.close();
      out.close();
    }
  });
});

describe('masking processes never outlive their pipeline or the service', function () {
  this.timeout(90_000);
  const cfg = loadConfig({ DATA_DIR: '/tmp/wb-media-test' });

  it('closing pipelines at every moment of their start-up leaves no process behind', async () => {
    const pool = await WorkerPool.create({ workerBin: cfg.media.workerBin, count: 1, webRtc: { ip: '127.0.0.1', announcedAddress: undefined, port: 0 }, rtcMinPort: cfg.media.rtcMinPort, rtcMaxPort: cfg.media.rtcMaxPort, logLevel: 'warn', logger: createLogger('silent') });
    try {
      const router = await pool.createRouter();
      const input = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: true });
      const source = await input.produce({ kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: SSRC + 1 }] } });
      for (const after of [0, 1, 5, 20, 50, 100, 200, 400, 800]) {
        const p = new MaskingPipeline({ router, source, participantId: 'w', mode: 'face', voice: randomVoiceShift(), tools: cfg.media.masking, logger: createLogger('silent'), ordered: true });
        await new Promise((r) => setTimeout(r, after));
        p.close();
      }
      await until(() => maskingChildren().length === 0, 5000, 'every masking process gone');
    } finally {
      pool.close();
    }
  });

  it('a service killed outright takes its masking processes with it', async () => {
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/test/media/fixtures/maskingChild.js')], { stdio: ['ignore', 'pipe', 'inherit'] });
    const pids = await new Promise<number[]>((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /running (\[.*\])/.exec(out);
        if (m) resolve(JSON.parse(m[1]!) as number[]);
      });
      child.once('exit', () => reject(new Error(`the child exited first: ${out}`)));
    });
    expect(pids).to.have.length(3);
    child.kill('SIGKILL');
    const alive = () => pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    await until(() => alive().length === 0, 5000, 'the masking processes of the killed service gone');
  });
});
