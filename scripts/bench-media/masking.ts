/**
 * The masked path's figures for `bench:media` (issue 9), on a real worker with the real masking
 * processes and no browser: ffmpeg publishes the test clip (a real face, 640×360, 15 fps) with a
 * white flash every two seconds, and the speech file, as the witness's raw producers.
 * - Added latency: raw and masked consumers of the same stream are decoded side by side; each
 *   flash's arrival on the masked path minus its arrival on the raw path (same frames, same
 *   decoding on both sides), p50/p95.
 * - CPU per masked witness: the masking processes' CPU time (decoder, masker, encoder; the voice
 *   ffmpeg), face mode and whole-frame mode.
 * - Capacity: how many masked witnesses (video + voice) run side by side at full frame rate (each
 *   masker ≥ 14 of 15 frames a second) on this machine.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Config } from '../../config/index.js';
import { MaskingPipeline } from '../../media/masking/pipeline.js';
import { randomVoiceShift } from '../../media/masking/processes.js';
import type { types } from '../../media/mediasoup.js';
import { WorkerPool } from '../../media/workerPool.js';
import { createLogger } from '../../server/logger.js';
import { cpuSeconds } from './cpu.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..');
const MEDIA = path.join(ROOT, 'test/e2e/media/fixtures/out');
const VIDEO_SSRC = 31313131;
const AUDIO_SSRC = 41414141;

/** What the masked-path part prints. */
export interface MaskingFigures {
  readonly latencyMs: { readonly p50: number; readonly p95: number; readonly flashes: number };
  /** Percent of one core per masked witness. */
  readonly cpu: { readonly faceVideo: number; readonly voice: number; readonly frameVideo: number };
  /** Masked witnesses (video + voice) held at full frame rate side by side. */
  readonly sustained: number;
}

const pct = (xs: number[], p: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.ceil((p / 100) * xs.length) - 1)] ?? NaN;

/** Percent of one core that `pids()` used over `ms`. */
async function cpuOver(pids: () => readonly number[], ms: number): Promise<number> {
  const before = pids().map((p) => [p, cpuSeconds(p)] as const);
  await delay(ms);
  return (before.reduce((a, [p, c]) => a + (cpuSeconds(p) - c), 0) / (ms / 1000)) * 100;
}

/** The witness: ffmpeg publishing the clip (flashing) and the speech, looped, to PlainTransports. */
async function publishWitness(router: types.Router, ffmpeg: string): Promise<{ video: types.Producer; audio: types.Producer; procs: ChildProcess[] }> {
  const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
  const vin = await router.createPlainTransport({ listenInfo, rtcpMux: false, comedia: true });
  const ain = await router.createPlainTransport({ listenInfo, rtcpMux: false, comedia: true });
  const video = await vin.produce({ kind: 'video', rtpParameters: { codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 }], encodings: [{ ssrc: VIDEO_SSRC }] } });
  const audio = await ain.produce({ kind: 'audio', rtpParameters: { codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }], encodings: [{ ssrc: AUDIO_SSRC }] } });
  const out = (t: types.PlainTransport) => `rtp://127.0.0.1:${t.tuple.localPort}?rtcpport=${t.rtcpTuple!.localPort}&pkt_size=1200`;
  const common = ['-nostdin', '-loglevel', 'error', '-re', '-stream_loop', '-1'];
  const procs = [
    spawn(ffmpeg, [...common, '-i', path.join(MEDIA, 'witness.y4m'), '-vf', "drawbox=enable='lt(mod(t,2),0.14)':color=white:t=fill", '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-b:v', '800k', '-g', '15', '-an', '-ssrc', String(VIDEO_SSRC), '-payload_type', '101', '-f', 'rtp', out(vin)], { stdio: 'ignore' }),
    spawn(ffmpeg, [...common, '-i', path.join(MEDIA, 'speech.wav'), '-c:a', 'libopus', '-b:a', '32k', '-ac', '1', '-vn', '-ssrc', String(AUDIO_SSRC), '-payload_type', '100', '-f', 'rtp', out(ain)], { stdio: 'ignore' }),
  ];
  return { video, audio, procs };
}

/**
 * Decodes a consumer of `producer` (through a PlainTransport) to small grey frames and calls
 * `onFlash(ms)` when a white flash arrives.
 */
async function flashWatcher(router: types.Router, producer: types.Producer, ffmpeg: string, onFlash: (at: number) => void): Promise<() => void> {
  const t = await router.createPlainTransport({ listenInfo: { protocol: 'udp', ip: '127.0.0.1' }, rtcpMux: false, comedia: false });
  const port = 20000 + Math.floor(Math.random() * 20000) * 2;
  const codec = router.rtpCapabilities.codecs!.find((c) => c.mimeType === 'video/VP8')!;
  const consumer = await t.consume({ producerId: producer.id, rtpCapabilities: { codecs: [{ ...codec, rtcpFeedback: [] }], headerExtensions: [] }, paused: true });
  const pt = consumer.rtpParameters.codecs[0]!.payloadType;
  const sdp = `v=0\no=- 0 0 IN IP4 127.0.0.1\ns=flash\nc=IN IP4 127.0.0.1\nt=0 0\nm=video ${port} RTP/AVP ${pt}\na=rtpmap:${pt} VP8/90000\na=rtcp:${port + 1}\na=recvonly\n`;
  const sdpFile = path.join(fs.mkdtempSync('/tmp/wb-flash-'), 'in.sdp');
  fs.writeFileSync(sdpFile, sdp);
  const dec = spawn(ffmpeg, ['-nostdin', '-loglevel', 'error', '-protocol_whitelist', 'file,udp,rtp', '-threads', '1', '-analyzeduration', '1', '-probesize', '32', '-fflags', 'nobuffer', '-flags', 'low_delay', '-i', sdpFile, '-vf', 'scale=32:18,format=gray', '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await delay(300);
  await t.connect({ ip: '127.0.0.1', port, rtcpPort: port + 1 });
  await consumer.resume();
  let buf = Buffer.alloc(0);
  let bright = false;
  dec.stdout!.on('data', (chunk: Buffer) => {
    buf = Buffer.concat([buf, chunk]);
    while (buf.length >= 32 * 18) {
      const frame = buf.subarray(0, 32 * 18);
      buf = buf.subarray(32 * 18);
      const mean = frame.reduce((a, v) => a + v, 0) / frame.length;
      if (mean > 200 && !bright) onFlash(performance.now());
      bright = mean > 200;
    }
  });
  return () => {
    dec.kill('SIGKILL');
    t.close();
    fs.rmSync(path.dirname(sdpFile), { recursive: true, force: true });
  };
}

/** Pairs each raw flash with the first masked flash after it (within 1.5 s). */
function latencies(raw: number[], masked: number[]): number[] {
  return raw.flatMap((r) => {
    const m = masked.find((x) => x >= r && x - r < 1500);
    return m === undefined ? [] : [m - r];
  });
}

async function running(p: MaskingPipeline): Promise<void> {
  for (let i = 0; i < 300 && !(p.producer && p.status.facePercent !== null); i++) await delay(100);
  if (!p.producer) throw new Error('maskingBenchmark(): the masking pipeline did not start');
}

/** Runs the masked-path part; `smoke` keeps it to a few seconds. */
export async function maskingBenchmark(config: Config, opts: { smoke: boolean; log: (line: string) => void }): Promise<MaskingFigures> {
  const { log } = opts;
  const tools = config.media.masking;
  const logger = createLogger('silent');
  const pool = await WorkerPool.create({ workerBin: config.media.workerBin, count: 1, webRtc: { ip: '127.0.0.1', announcedAddress: undefined, port: 0 }, rtcMinPort: config.media.rtcMinPort, rtcMaxPort: config.media.rtcMaxPort, logLevel: 'none', logger });
  const router = await pool.createRouter();
  const witness = await publishWitness(router, tools.ffmpeg);
  const pipelines: MaskingPipeline[] = [];
  const start = (source: types.Producer, mode: 'face' | 'frame') => {
    const p = new MaskingPipeline({ router, source, participantId: 'witness', mode, voice: randomVoiceShift(), tools, logger, ordered: true });
    pipelines.push(p);
    return p;
  };
  const window = opts.smoke ? 4000 : 20_000;
  try {
    const video = start(witness.video, 'face');
    const voice = start(witness.audio, 'face');
    await running(video);
    // Added latency: flashes on the raw and the masked path.
    const raw: number[] = [];
    const masked: number[] = [];
    const stops = [await flashWatcher(router, witness.video, tools.ffmpeg, (t) => raw.push(t)), await flashWatcher(router, video.producer!, tools.ffmpeg, (t) => masked.push(t))];
    const faceVideo = await cpuOver(() => video.pids, window);
    const voiceCpu = await cpuOver(() => voice.pids, opts.smoke ? 1000 : 5000);
    stops.forEach((s) => s());
    const lat = latencies(raw, masked);
    log(`  added latency of the masked path: p50 ${pct(lat, 50).toFixed(0)} ms, p95 ${pct(lat, 95).toFixed(0)} ms (${lat.length} flashes, same frames)`);
    log(`  CPU per masked witness, face mode: video ${faceVideo.toFixed(0)} % + voice ${voiceCpu.toFixed(0)} % of one core (faces found in ${video.status.facePercent ?? '?'} % of the last second's frames)`);
    video.setMode('frame');
    await delay(1500);
    await running(video);
    const frameVideo = await cpuOver(() => video.pids, opts.smoke ? 2000 : 10_000);
    log(`  CPU per masked witness, whole-frame mode: video ${frameVideo.toFixed(0)} % of one core`);
    // Capacity counts masked witnesses from none: the chains measured above go first.
    for (const p of pipelines.splice(0)) p.close();
    const sustained = opts.smoke ? 1 : await capacity(start, witness, log);
    return { latencyMs: { p50: pct(lat, 50), p95: pct(lat, 95), flashes: lat.length }, cpu: { faceVideo, voice: voiceCpu, frameVideo }, sustained };
  } finally {
    pipelines.forEach((p) => p.close());
    witness.procs.forEach((p) => p.kill('SIGKILL'));
    pool.close();
  }
}

/** Adds masked witnesses (face video + voice) one by one while every masker keeps ≥ 14 fps. */
async function capacity(start: (source: types.Producer, mode: 'face' | 'frame') => MaskingPipeline, witness: { video: types.Producer; audio: types.Producer }, log: (line: string) => void): Promise<number> {
  const videos: MaskingPipeline[] = [];
  const rates = new Map<MaskingPipeline, number[]>();
  let held = 0;
  for (let n = 1; n <= 8; n++) {
    const v = start(witness.video, 'face');
    start(witness.audio, 'face');
    videos.push(v);
    v.on('status', (s) => {
      if (s.state === 'running' && s.framesPerSecond !== null) rates.get(v)?.push(s.framesPerSecond);
    });
    await running(v);
    for (const p of videos) rates.set(p, []);
    await delay(10_000);
    const fps = videos.map((p) => median(rates.get(p) ?? []));
    const ok = fps.every((f) => f >= 14);
    log(`  ${n} masked witness(es): masker frames per second ${fps.map((f) => f.toFixed(1)).join(', ')}${ok ? '' : ' (below full rate)'}`);
    if (!ok) break;
    held = n;
  }
  return held;
}

function median(xs: number[]): number {
  return xs.length ? [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]! : 0;
}
