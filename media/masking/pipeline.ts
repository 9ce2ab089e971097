/**
 * A server-side masking endpoint for one of the witness's raw producers: the raw stream is tapped
 * into a PlainTransport towards the masking processes, and what they send back enters the router
 * through a second PlainTransport as a *masked* producer of the same participant. The pipeline
 * supervises its processes: when any of them exits, the whole attempt is torn down (the masked
 * producer closes with it, so masked viewers get nothing rather than something stale) and started
 * again after common/supervisor's `Backoff` (the database's policy), for as long as the pipeline is open.
 *
 * While its disguise is not ordered the pipeline stands by: processes and masked producer ready,
 * the tap paused, so that nothing is decoded, masked or encoded (the processes sleep) and an order
 * takes effect with the next key frame.
 */
import { EventEmitter } from 'node:events';
import dgram from 'node:dgram';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { Backoff } from '../../common/supervisor.js';
import type { MaskingMode, MediaKind } from '../../common/vocabulary.js';
import type { types } from '../mediasoup.js';
import { startChain, type MaskerReport, type MaskingTools, type ProcessChain, type TapCodec, type VoiceShift } from './processes.js';

/** Where a pipeline is in its life. */
export type MaskingState = 'starting' | 'standby' | 'running' | 'restarting' | 'closed';

/** What the operator sees of a pipeline. */
export interface MaskingStatus {
  readonly participantId: string;
  readonly sourceProducerId: string;
  readonly kind: MediaKind;
  readonly mode: MaskingMode;
  readonly state: MaskingState;
  /** Share of the last second's frames where a face was found and masked (video, face mode). */
  readonly facePercent: number | null;
  /** Share of the last second's frames masked whole (no face found, or whole-frame mode). */
  readonly wholeFramePercent: number | null;
  /** Frames the masker wrote in its last one-second report (video). */
  readonly framesPerSecond: number | null;
  /** Times the processes were restarted since the pipeline started. */
  readonly restarts: number;
}

/** What a masked producer carries in its appData. */
export interface MaskedAppData extends types.AppData {
  readonly peerId: string;
  readonly variant: 'masked';
  readonly sourceProducerId: string;
}

export interface MaskingPipelineEvents {
  /** The masked producer appeared (running or standing by) or went away (`undefined`: restarting or closed). */
  producer: [types.Producer<MaskedAppData> | undefined];
  status: [MaskingStatus];
}

/** Settings of a pipeline. */
export interface MaskingPipelineOptions {
  readonly router: types.Router;
  readonly source: types.Producer;
  readonly participantId: string;
  readonly mode: MaskingMode;
  /** The voice disguise's factors (chosen once per room, never published). */
  readonly voice: VoiceShift;
  readonly tools: MaskingTools;
  readonly logger: Logger;
  /** Whether the disguise is ordered now; false: stand by (see `setOrdered`). */
  readonly ordered: boolean;
}

/** Restarts: from 250 ms, doubling up to 5 s, for as long as the pipeline is open; afresh after 30 s of running. */
const BACKOFF = { backoffMs: 250, maxBackoffMs: 5000, stableMs: 30_000, maxRestarts: Infinity } as const;
/** Key frame requests while the decoder waits for its first one (once a second). */
const KEY_FRAME_REQUESTS = 30;
/** How long the decoder may take to listen before the attempt counts as failed. */
const LISTEN_TIMEOUT_MS = 5000;
/** Output RTP of the masking processes. */
const OUT = {
  video: { mimeType: 'video/VP8', payloadType: 101, clockRate: 90000 },
  audio: { mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 },
} as const;

interface Attempt {
  readonly tap: types.PlainTransport;
  readonly inject: types.PlainTransport;
  consumer?: types.Consumer;
  producer?: types.Producer<MaskedAppData>;
  chain?: ProcessChain;
  /** The processes listen: the tap follows `ordered` from now on. */
  ready?: boolean;
}

export class MaskingPipeline extends EventEmitter<MaskingPipelineEvents> {
  #closed = false;
  #mode: MaskingMode;
  #ordered: boolean;
  #state: MaskingState = 'starting';
  #restarts = 0;
  #report: MaskerReport | undefined;
  #attempt: Attempt | undefined;
  #wake: (() => void) | undefined;
  readonly #log: Logger;

  constructor(private readonly opts: MaskingPipelineOptions) {
    super();
    this.#mode = opts.mode;
    this.#ordered = opts.ordered;
    this.#log = opts.logger.child({ module: 'masking', sourceProducerId: opts.source.id, kind: opts.source.kind });
    void this.#supervise();
  }

  get kind(): MediaKind {
    return this.opts.source.kind;
  }
  get sourceProducerId(): string {
    return this.opts.source.id;
  }
  /** The masked producer while the processes are up (running or standing by). */
  get producer(): types.Producer<MaskedAppData> | undefined {
    const p = this.#attempt?.producer;
    return p && !p.closed ? p : undefined;
  }
  /** Process ids of the running chain (tests kill one). */
  get pids(): readonly number[] {
    return this.#attempt?.chain?.pids ?? [];
  }
  get status(): MaskingStatus {
    // Figures only while masking runs: a standby's last report would be stale.
    const r = this.#state === 'running' ? this.#report : undefined;
    const pct = (n: number) => (r && r.frames > 0 ? Math.round((n / r.frames) * 100) : null);
    return {
      participantId: this.opts.participantId,
      sourceProducerId: this.opts.source.id,
      kind: this.kind,
      mode: this.#mode,
      state: this.#state,
      facePercent: this.kind === 'video' && r ? pct(r.faceFrames) : null,
      wholeFramePercent: this.kind === 'video' && r ? pct(r.wholeFrames) : null,
      framesPerSecond: this.kind === 'video' && r ? r.frames : null,
      restarts: this.#restarts,
    };
  }

  /** Switches the video disguise; the processes restart with the new mode (the output freezes meanwhile). */
  setMode(mode: MaskingMode): void {
    if (mode === this.#mode || this.kind !== 'video') return;
    this.#mode = mode;
    this.#log.info({ mode }, 'setMaskingMode() restarting the masker');
    this.#attempt?.chain?.kill();
  }

  /** The disguise was ordered or lifted: the tap resumes (from the next key frame) or pauses. */
  setOrdered(ordered: boolean): void {
    if (ordered === this.#ordered) return;
    this.#ordered = ordered;
    this.#log.info({ ordered }, 'setOrdered() masking %s', ordered ? 'ordered' : 'standing by');
    const a = this.#attempt;
    if (!a?.ready) return; // #run applies the order once the processes listen
    void this.#applyOrder(a).catch((err: unknown) => {
      // A new attempt applies the order from the start.
      this.#log.warn({ err }, 'setOrdered() failed; restarting the processes');
      a.chain?.kill();
    });
  }

  /** Stops the processes and closes both transports. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#teardown();
    this.#setState('closed');
    this.#wake?.();
  }

  async #supervise(): Promise<void> {
    const backoff = new Backoff(BACKOFF);
    while (!this.#closed && !this.opts.source.closed) {
      const startedAt = Date.now();
      try {
        const exit = await this.#run();
        if (!this.#closed) this.#log.warn({ ...exit }, 'maskingPipeline() process exited; restarting');
      } catch (err) {
        if (!this.#closed) this.#log.error({ err }, 'maskingPipeline() start failed; retrying');
      }
      // Whatever the attempt started goes, also when the pipeline was closed meanwhile.
      this.#teardown();
      if (this.#closed) return;
      this.#restarts++;
      this.#setState('restarting');
      // A chain that ran a while before failing starts again quickly; repeated failures back off.
      const wait = backoff.next(Date.now() - startedAt)!;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
        setTimeout(resolve, wait).unref();
      });
    }
  }

  /** One attempt: transports, tap consumer, masked producer, processes; resolves when a process exits. */
  async #run(): Promise<{ who: string; code: number | null; signal: NodeJS.Signals | null }> {
    const { router, source } = this.opts;
    const listenInfo = { protocol: 'udp' as const, ip: '127.0.0.1' };
    const tap = await router.createPlainTransport({ listenInfo, rtcpMux: false, comedia: false });
    const inject = await router.createPlainTransport({ listenInfo, rtcpMux: false, comedia: true }).catch((err: unknown) => {
      tap.close();
      throw err;
    });
    const attempt: Attempt = { tap, inject };
    this.#attempt = attempt;
    const stillOpen = () => {
      if (this.#closed || source.closed) throw new Error('maskingPipeline(): closed while starting');
    };
    const tapPort = await freePortPair();
    await tap.connect({ ip: '127.0.0.1', port: tapPort, rtcpPort: tapPort + 1 });
    const codec = router.rtpCapabilities.codecs?.find((c) => c.kind === source.kind && c.mimeType.toLowerCase() === source.rtpParameters.codecs[0]?.mimeType.toLowerCase());
    if (!codec) throw new Error(`no router codec for ${source.rtpParameters.codecs[0]?.mimeType}`);
    // Started paused: the decoder is not listening yet, and a key frame sent now would be lost.
    attempt.consumer = await tap.consume({ producerId: source.id, rtpCapabilities: { codecs: [{ ...codec, rtcpFeedback: [] }], headerExtensions: [] }, paused: true });
    const out = OUT[source.kind];
    const ssrc = 100_000_000 + Math.floor(Math.random() * 900_000_000);
    attempt.producer = await inject.produce<MaskedAppData>({
      kind: source.kind,
      rtpParameters: { codecs: [{ ...out, rtcpFeedback: [] }], encodings: [{ ssrc }], rtcp: { cname: `masked-${source.id.slice(0, 8)}` } },
      appData: { peerId: this.opts.participantId, variant: 'masked', sourceProducerId: source.id },
    });
    if (source.paused) await attempt.producer.pause();
    stillOpen();
    attempt.chain = startChain(
      this.opts.tools,
      tapCodec(attempt.consumer),
      { tapRtpPort: tapPort, injectRtpPort: inject.tuple.localPort, injectRtcpPort: inject.rtcpTuple!.localPort, ssrc, payloadType: out.payloadType },
      this.#mode,
      this.opts.voice,
      (r) => {
        this.#report = r;
        this.emit('status', this.status);
      },
    );
    await waitUntilBound(tapPort, attempt.chain.exited);
    stillOpen();
    attempt.ready = true;
    await this.#applyOrder(attempt);
    stillOpen();
    this.emit('producer', attempt.producer);
    this.#log.info({ maskedProducerId: attempt.producer.id, pids: attempt.chain.pids, ordered: this.#ordered }, 'maskingPipeline() ready');
    return attempt.chain.exited;
  }

  /** Resumes the tap while the disguise is ordered (running), pauses it otherwise (standby). */
  async #applyOrder(attempt: Attempt): Promise<void> {
    const ordered = this.#ordered;
    const consumer = attempt.consumer!;
    if (ordered) await consumer.resume();
    else await consumer.pause();
    // Another order may have come meanwhile (it applies itself), or the attempt ended.
    if (this.#attempt !== attempt || ordered !== this.#ordered) return;
    this.#report = undefined;
    this.#setState(ordered ? 'running' : 'standby');
    if (ordered && this.kind === 'video') void this.#askForKeyFrames(attempt);
  }

  /**
   * The decoder can start only from a key frame, and the first one requested may arrive while it
   * is still setting up: ask again each second until the masker reports frames.
   */
  async #askForKeyFrames(attempt: Attempt): Promise<void> {
    for (let i = 0; i < KEY_FRAME_REQUESTS && this.#attempt === attempt && this.#ordered && !this.#report?.frames; i++) {
      await attempt.consumer?.requestKeyFrame().catch(() => undefined);
      await delay(1000);
    }
  }

  #teardown(): void {
    const a = this.#attempt;
    if (!a) return;
    this.#attempt = undefined;
    const hadProducer = a.producer && !a.producer.closed;
    a.chain?.kill();
    a.tap.close();
    a.inject.close();
    if (hadProducer) this.emit('producer', undefined);
  }

  #setState(state: MaskingState): void {
    this.#state = state;
    this.emit('status', this.status);
  }
}

/** The tapped stream as ffmpeg's SDP must describe it. */
function tapCodec(consumer: types.Consumer): TapCodec {
  const c = consumer.rtpParameters.codecs[0]!;
  const name = c.mimeType.split('/')[1]!;
  const params = Object.entries(c.parameters ?? {}).map(([k, v]) => `${k}=${String(v)}`);
  return {
    kind: consumer.kind,
    payloadType: c.payloadType,
    rtpmap: `${name}/${c.clockRate}${c.channels ? `/${c.channels}` : ''}`,
    ...(params.length ? { fmtp: params.join(';') } : {}),
  };
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/**
 * Where decoders listen: below Linux's ephemeral range (32768-60999) and the workers' port range,
 * so that nobody else takes the port between our check and the decoder binding it.
 */
const DECODER_PORTS = { min: 30000, max: 32766 } as const;

/** An even loopback UDP port P with P + 1 free too (RTP and RTCP of the decoder). */
async function freePortPair(): Promise<number> {
  for (let i = 0; i < 100; i++) {
    const even = DECODER_PORTS.min + 2 * Math.floor(Math.random() * ((DECODER_PORTS.max - DECODER_PORTS.min) / 2));
    if ((await canBind(even)) && (await canBind(even + 1))) return even;
  }
  throw new Error('freePortPair(): no free pair of loopback UDP ports');
}

/** Resolves once something (the decoder) holds `port`; rejects if the chain exits or it takes too long. */
async function waitUntilBound(port: number, exited: Promise<unknown>): Promise<void> {
  let gone = false;
  void exited.then(() => (gone = true));
  const deadline = Date.now() + LISTEN_TIMEOUT_MS;
  while (await canBind(port)) {
    if (gone) throw new Error('the masking processes exited before listening');
    if (Date.now() > deadline) throw new Error('the decoder did not listen in time');
    await delay(20);
  }
}
