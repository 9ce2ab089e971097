/**
 * Browser-side test harness: bundled with esbuild and injected into a page served by the
 * service. Exposes `window.wb`, a thin driver over the real RoomClient.
 */
import { RoomClient, RoomRequestError } from '../../../client/src/rooms/index.js';
import type { RemoteMedia } from '../../../client/src/rooms/index.js';
import { recordAudio, recordMix, recordVideo, type RecordedFrame } from './recorders.js';

/** One recorded client event with the time it happened (ms since page load). */
interface Logged {
  readonly at: number;
  readonly event: string;
  readonly detail: unknown;
}

/** What tests read about a received stream. */
interface InboundFigures {
  readonly consumerId: string;
  readonly producerId: string;
  readonly role: string;
  readonly kind: string;
  readonly paused: boolean;
  readonly framesDecoded: number;
  readonly bytesReceived: number;
}

let client: RoomClient | undefined;
const stages: { connected?: number; joined?: number; consumer?: number; dtls?: number; firstBytes?: number } = {};
const log: Logged[] = [];
const record = (event: string, detail: unknown) => log.push({ at: performance.now(), event, detail });

function current(): RoomClient {
  if (!client) throw new Error('wb.connect() first');
  return client;
}

const brief = (r: RemoteMedia) => ({ consumerId: r.consumerId, producerId: r.producerId, role: r.role, kind: r.kind, paused: r.paused, variant: r.variant, preview: r.preview, ducked: r.ducked });
const videoRecorders = new Map<string, () => RecordedFrame[]>();

const wb = {
  /** Connects; resolves `{ ok: false, code, message }` when the handshake is refused. */
  async connect(token: string, sessionId?: string) {
    try {
      client = await RoomClient.connect({ token, sessionId });
    } catch (err) {
      const e = err as RoomRequestError;
      return { ok: false as const, code: e.code, message: e.message };
    }
    for (const ev of ['admission', 'session', 'remoteAdded', 'remoteRemoved', 'remotePaused', 'localPaused', 'mediaReset', 'transportState', 'iceRestarted', 'closed', 'error', 'maskingStatus'] as const) {
      client.on(ev, (d?: unknown) => record(ev, d && typeof d === 'object' && 'track' in d ? brief(d as RemoteMedia) : d instanceof Error ? d.message : d));
    }
    client.on('telemetry', (t) => record('telemetry', t));
    return { ok: true as const, participantId: client.participantId, role: client.role, admission: client.admission };
  },
  waitAdmitted: () => current().waitUntilAdmitted(),
  join: () => current().join(),
  async publish(size: { width: number; height: number } = { width: 320, height: 240 }) {
    // No echo cancellation, noise suppression or gain control: the tests measure what was sent.
    const audio = { echoCancellation: false, noiseSuppression: false, autoGainControl: false };
    const stream = await navigator.mediaDevices.getUserMedia({ audio, video: { ...size, frameRate: 15 } });
    await current().publish(stream);
    return current().producerIds;
  },
  producerIds: () => current().producerIds,
  /** Starts recording every decoded frame of `role` video (up to `max`); `frames(role)` takes them. */
  recordVideo(role: string, max: number) {
    videoRecorders.set(role, recordVideo(current(), role, max));
  },
  frames: (role: string) => videoRecorders.get(role)?.() ?? [],
  /** Resolves `seconds` of the received `role` audio, mono 16 kHz, once it arrives. */
  recordAudio: (role: string, seconds: number) => recordAudio(current(), role, seconds),
  /** Resolves `seconds` of what the participant hears: all received audio at its played level. */
  recordMix: (seconds: number) => recordMix(current(), seconds),
  remotes: () => current().remotes.map(brief),
  /** Any request of the contract; never throws: returns the acknowledgement's shape. */
  async request(name: string, payload: unknown) {
    try {
      return { ok: true, data: await current().request(name as 'hello', payload as Record<string, never>) };
    } catch (err) {
      const e = err as RoomRequestError;
      return { ok: false, error: { code: e.code, message: e.message } };
    }
  },
  /** framesDecoded / bytesReceived of every received stream, from RTCPeerConnection stats. */
  async inbound(): Promise<InboundFigures[]> {
    const c = current();
    const out: InboundFigures[] = [];
    for (const r of c.remotes) {
      let framesDecoded = 0;
      let bytesReceived = 0;
      (await c.consumerStats(r.consumerId))?.forEach((s: { type: string; framesDecoded?: number; bytesReceived?: number }) => {
        if (s.type !== 'inbound-rtp') return;
        framesDecoded += s.framesDecoded ?? 0;
        bytesReceived += s.bytesReceived ?? 0;
      });
      out.push({ ...brief(r), framesDecoded, bytesReceived });
    }
    return out;
  },
  /** Connects, joins and waits for the first decoded frame of a `role` video; returns ms taken. */
  async timeToFirstFrame(token: string, sessionId: string | undefined, role: string, timeoutMs: number): Promise<number> {
    client?.close();
    for (const k of Object.keys(stages)) delete stages[k as keyof typeof stages];
    const t0 = performance.now();
    const res = await wb.connect(token, sessionId);
    if (!res.ok) throw new Error(res.message);
    stages.connected = performance.now() - t0;
    const added = new Promise<void>((resolve) => current().on('remoteAdded', (r) => r.kind === 'video' && resolve()));
    await current().join();
    stages.joined = performance.now() - t0;
    await added;
    stages.consumer = performance.now() - t0;
    while (performance.now() - t0 < timeoutMs) {
      const figures = await wb.inbound();
      const v = figures.find((f) => f.role === role && f.kind === 'video');
      if (v && v.bytesReceived > 0 && stages.firstBytes === undefined) stages.firstBytes = performance.now() - t0;
      if (v && stages.dtls === undefined) {
        (await current().consumerStats(v.consumerId))?.forEach((x: { type: string; dtlsState?: string }) => {
          if (x.type === 'transport' && x.dtlsState === 'connected' && stages.dtls === undefined) stages.dtls = performance.now() - t0;
        });
      }
      if (v && v.framesDecoded > 0) return performance.now() - t0;
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error('no frame in time');
  },
  /** Milestones (ms from the start) of the last `timeToFirstFrame()`. */
  stages: () => ({ ...stages }),
  log: () => log,
  now: () => performance.now(),
  close: () => client?.close(),
};

declare global {
  interface Window {
    wb: typeof wb;
  }
}
window.wb = wb;
