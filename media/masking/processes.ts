/**
 * The processes of a masking pipeline, from RTP in to RTP out on loopback:
 * - video: ffmpeg decodes the witness's raw stream to RGB frames → the masker (Python, face
 *   tracking) disguises each frame → ffmpeg encodes VP8 and sends it as RTP;
 * - audio: one ffmpeg decodes Opus, shifts pitch and formants independently, encodes Opus.
 * Nothing but the disguising step connects input to output, so a failed or stalled step leaves the
 * output frozen or silent, never raw.
 */
import type { ChildProcess } from 'node:child_process';
import { spawnTied } from '../../common/supervisor.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import type { MaskingMode } from '../../common/vocabulary.js';

/** Where the tools live (from config). */
export interface MaskingTools {
  /** ffmpeg 5.1 or newer with libvpx, libopus and rubberband. */
  readonly ffmpeg: string;
  /** The Python of the masker's virtual environment (mediapipe, OpenCV, numpy). */
  readonly python: string;
  /** tools/masker/masker.py */
  readonly maskerScript: string;
}

/** Frame size and rate the video is disguised and re-encoded at. */
export const MASKED_VIDEO = { width: 640, height: 360, fps: 15, bitrate: '600k' } as const;

/**
 * The voice disguise's two factors: `formant` scales formants and pitch together (asetrate with
 * atempo keeping the tempo), then rubberband moves the pitch alone (formants preserved) so that
 * the fundamental ends at `pitch` times the original. Two independent shifts: shifting the pitch
 * back does not restore the voice, and since the factors are drawn per room and never published,
 * undoing both means guessing two unknown factors.
 */
export interface VoiceShift {
  /** Formant scale, 1.12–1.24. */
  readonly formant: number;
  /** Fundamental frequency scale, 0.66–0.74 (5.2 to 7.2 semitones lower). */
  readonly pitch: number;
}

/** A random voice shift within the ranges above. */
export function randomVoiceShift(random: () => number = Math.random): VoiceShift {
  return { formant: 1.12 + 0.12 * random(), pitch: 0.66 + 0.08 * random() };
}

/** The ffmpeg filter of a voice shift. */
export function voiceFilter(v: VoiceShift): string {
  const rate = Math.round(48000 * v.formant);
  return `asetrate=${rate},aresample=48000,atempo=${(1 / v.formant).toFixed(6)},rubberband=pitch=${(v.pitch / v.formant).toFixed(6)}:formant=preserved`;
}

/** A codec of the tapped stream, as ffmpeg's SDP names it. */
export interface TapCodec {
  readonly kind: 'audio' | 'video';
  readonly payloadType: number;
  /** e.g. `VP8/90000`, `H264/90000`, `opus/48000/2` */
  readonly rtpmap: string;
  readonly fmtp?: string;
}

/** Where the pipeline reads from and writes to. */
export interface PipelinePorts {
  /** ffmpeg listens here (RTP, and RTCP on rtpPort + 1) for the worker's tap consumer. */
  readonly tapRtpPort: number;
  /** The worker's re-injection PlainTransport (RTP and RTCP ports). */
  readonly injectRtpPort: number;
  readonly injectRtcpPort: number;
  readonly ssrc: number;
  readonly payloadType: number;
}

/** A running process chain. */
export interface ProcessChain {
  /** Resolves when any process of the chain exits (the chain is then useless). */
  readonly exited: Promise<{ who: string; code: number | null; signal: NodeJS.Signals | null }>;
  /** Process ids, first to last (tests kill one to prove recovery). */
  readonly pids: readonly number[];
  /** Kills every process of the chain. Idempotent. */
  kill(): void;
}

/** One status line of the masker (see masker.py), once a second. */
export interface MaskerReport {
  readonly frames: number;
  readonly faceFrames: number;
  readonly wholeFrames: number;
  readonly detectMs: number;
}

function sdp(codec: TapCodec, port: number): string {
  return [
    'v=0',
    'o=- 0 0 IN IP4 127.0.0.1',
    's=witness-bridge-masking',
    'c=IN IP4 127.0.0.1',
    't=0 0',
    `m=${codec.kind} ${port} RTP/AVP ${codec.payloadType}`,
    `a=rtpmap:${codec.payloadType} ${codec.rtpmap}`,
    ...(codec.fmtp ? [`a=fmtp:${codec.payloadType} ${codec.fmtp}`] : []),
    `a=rtcp:${port + 1}`,
    'a=recvonly',
    '',
  ].join('\n');
}

/** Receiving-side options measured here: without them ffmpeg waits seconds before decoding. */
function tapInput(sdpFile: string): string[] {
  return ['-protocol_whitelist', 'file,udp,rtp', '-threads', '1', '-analyzeduration', '1', '-probesize', '32', '-fflags', 'nobuffer', '-flags', 'low_delay', '-i', sdpFile];
}

function rtpOutput(ports: PipelinePorts): string[] {
  return ['-ssrc', String(ports.ssrc), '-payload_type', String(ports.payloadType), '-f', 'rtp', `rtp://127.0.0.1:${ports.injectRtpPort}?rtcpport=${ports.injectRtcpPort}&pkt_size=1200`];
}

function writeSdp(codec: TapCodec, port: number): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-mask-'));
  const file = path.join(dir, 'tap.sdp');
  fs.writeFileSync(file, sdp(codec, port), { mode: 0o600 });
  return file;
}

/** The arguments of each process of a video chain (exported for the tests and the benchmark). */
export function videoChainArgs(tools: MaskingTools, sdpFile: string, ports: PipelinePorts, mode: MaskingMode) {
  const { width: w, height: h, fps, bitrate } = MASKED_VIDEO;
  const scale = `scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:-1:-1:color=gray,format=rgb24`;
  return {
    decoder: ['-nostdin', '-loglevel', 'error', ...tapInput(sdpFile), '-an', '-vf', scale, '-fps_mode', 'passthrough', '-f', 'rawvideo', 'pipe:1'],
    masker: [tools.maskerScript, '--width', String(w), '--height', String(h), '--mode', mode, '--max-fps', String(fps)],
    encoder: [
      '-nostdin', '-loglevel', 'error',
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${w}x${h}`, '-use_wallclock_as_timestamps', '1', '-i', 'pipe:0',
      // ffmpeg ignores PLI: a key frame every second lets a new viewer (or one swapped from the
      // raw stream) start within a second. Counted from the last one, not from the start: the
      // timestamps are wall-clock, and after a pause (standby, hold) `gte(t,n_forced)` would make
      // every frame a key frame until the count caught up.
      '-c:v', 'libvpx', '-deadline', 'realtime', '-cpu-used', '8', '-threads', '1', '-b:v', bitrate, '-maxrate', bitrate,
      '-bufsize', bitrate, '-lag-in-frames', '0', '-error-resilient', '1', '-force_key_frames', 'expr:if(isnan(prev_forced_t),1,gte(t,prev_forced_t+1))',
      '-fps_mode', 'passthrough', '-an', ...rtpOutput(ports),
    ],
  };
}

/** The arguments of the audio chain's one ffmpeg. */
export function audioChainArgs(sdpFile: string, ports: PipelinePorts, voice: VoiceShift): string[] {
  return [
    '-nostdin', '-loglevel', 'error', ...tapInput(sdpFile), '-vn', '-af', voiceFilter(voice),
    '-c:a', 'libopus', '-application', 'voip', '-b:a', '32k', '-frame_duration', '20', '-ac', '1', ...rtpOutput(ports),
  ];
}

/**
 * Starts the chain for `codec` (audio or video). `onReport` receives the masker's status lines.
 * The chain's temporary SDP file is removed when it exits.
 */
export function startChain(
  tools: MaskingTools,
  codec: TapCodec,
  ports: PipelinePorts,
  mode: MaskingMode,
  voice: VoiceShift,
  onReport: (r: MaskerReport) => void,
): ProcessChain {
  const sdpFile = writeSdp(codec, ports.tapRtpPort);
  const procs: { who: string; child: ChildProcess }[] = [];
  const start = (who: string, bin: string, args: string[], stdin: 'ignore' | 'pipe' = 'ignore') => {
    // Tied to this process: killed by the kernel if the service dies, even by SIGKILL.
    const child = spawnTied(bin, args, { stdio: [stdin, 'pipe', 'pipe'] });
    procs.push({ who, child });
    return child;
  };
  if (codec.kind === 'audio') {
    const ff = start('audio', tools.ffmpeg, audioChainArgs(sdpFile, ports, voice));
    ff.stdout?.resume();
  } else {
    const args = videoChainArgs(tools, sdpFile, ports, mode);
    const decoder = start('decoder', tools.ffmpeg, args.decoder);
    const masker = start('masker', tools.python, args.masker, 'pipe');
    const encoder = start('encoder', tools.ffmpeg, args.encoder, 'pipe');
    decoder.stdout!.pipe(masker.stdin!);
    masker.stdout!.pipe(encoder.stdin!);
    encoder.stdout?.resume();
    // A broken pipe is how a chain learns that a neighbour died; the exit below handles it.
    for (const s of [masker.stdin, encoder.stdin, decoder.stdout, masker.stdout]) s?.on('error', () => undefined);
    readline.createInterface({ input: masker.stderr! }).on('line', (line) => {
      const report = parseReport(line);
      if (report) onReport(report);
    });
  }
  let killed = false;
  const kill = () => {
    if (killed) return;
    killed = true;
    for (const { child } of procs) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    fs.rmSync(path.dirname(sdpFile), { recursive: true, force: true });
  };
  const exited = new Promise<{ who: string; code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    for (const { who, child } of procs) {
      child.once('exit', (code, signal) => resolve({ who, code, signal }));
      child.once('error', () => resolve({ who, code: null, signal: null }));
      // Keep stderr drained (ffmpeg at -loglevel error is quiet, but must never block on it).
      if (who !== 'masker') child.stderr?.resume();
    }
  });
  void exited.then(kill);
  return { exited, pids: procs.map((p) => p.child.pid ?? -1), kill };
}

function parseReport(line: string): MaskerReport | undefined {
  try {
    const v = JSON.parse(line) as Partial<MaskerReport>;
    if (typeof v.frames !== 'number' || typeof v.faceFrames !== 'number' || typeof v.wholeFrames !== 'number') return undefined;
    return { frames: v.frames, faceFrames: v.faceFrames, wholeFrames: v.wholeFrames, detectMs: typeof v.detectMs === 'number' ? v.detectMs : 0 };
  } catch {
    return undefined;
  }
}
