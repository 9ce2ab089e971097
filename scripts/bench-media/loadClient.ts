/**
 * The Go WebRTC load client (tools/loadclient) as a typed object: one process simulating many
 * publishers and subscribers, driven by JSON lines on its stdin. Each system's signalling
 * (mediasoup calls, Witness Bridge's `/rooms`, Janus's HTTP API) stays on this side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import readline from 'node:readline';
import type { types } from '../../media/mediasoup.js';
import type { MediaFiles } from './mediaFiles.js';

/** Where the set-up builds the client. */
export const LOAD_CLIENT_BIN = path.resolve(import.meta.dirname, '..', '..', '..', 'tools/loadclient/bin/loadclient');

/** mediasoup's side of a WebRTC transport, as `createWebRtcTransport()` returns it. */
export interface RemoteTransport {
  readonly iceParameters: unknown;
  readonly iceCandidates: readonly unknown[];
  readonly dtlsParameters: unknown;
}

/** What the client counted on one received track. */
export interface TrackReport {
  readonly kind: 'audio' | 'video';
  readonly ssrc: number;
  /** Unique RTP packets (retransmissions that repaired a gap count once). */
  readonly received: number;
  /** Sequence numbers from the first to the highest seen. */
  readonly expected: number;
  readonly bytes: number;
  /** Video: frames complete and decodable in order; audio: packets. */
  readonly frames: number;
  readonly keyframes: number;
  readonly plis: number;
  /** Unix ms of the first packet, 0 when none yet. */
  readonly firstPacketAt: number;
  /** Unix ms, 0 when none yet. */
  readonly firstFrameAt: number;
  /** Unix ms of every decoded frame, for peers opened with `trace`. */
  readonly frameTimes?: number[];
}

export interface PeerReport {
  readonly id: string;
  readonly connectedAt: number;
  readonly tracks: TrackReport[] | null;
  readonly keysSent: number;
  /** Samples published so far, per kind (video frames; 20 ms audio packets). */
  readonly sent?: Partial<Record<'audio' | 'video', number>>;
}

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

export class LoadClient {
  readonly #proc: ChildProcess;
  readonly #pending = new Map<number, Pending>();
  #next = 0;
  #exited = false;

  private constructor(proc: ChildProcess) {
    this.#proc = proc;
    readline.createInterface({ input: proc.stdout! }).on('line', (line) => this.#onLine(line));
    proc.on('exit', (code, signal) => {
      this.#exited = true;
      for (const p of this.#pending.values()) p.reject(new Error(`loadclient exited (${code ?? signal})`));
      this.#pending.clear();
    });
  }

  /**
   * Starts a client gathering candidates on `ip`. `prefix` runs it through another command
   * (`taskset -c 0`). An `impaired` client passes all its packets through `impair()`'s delay
   * and loss. `dtlsRetransmitMs` (default 100) is when a lost DTLS flight is sent again; a
   * browser uses twice the round trip, at least 50 ms.
   */
  static async start(media: MediaFiles, ip: string, prefix: readonly string[] = [], opts: { impaired?: boolean; dtlsRetransmitMs?: number } = {}): Promise<LoadClient> {
    const [cmd, ...args] = [...prefix, LOAD_CLIENT_BIN];
    const proc = spawn(cmd!, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    // Pion's interceptors complain once per peer when a peer closes under them; nothing else
    // the client prints is expected, so the rest is passed on.
    readline.createInterface({ input: proc.stderr! }).on('line', (line) => {
      if (!line.includes('read/write on closed pipe')) process.stderr.write(`loadclient: ${line}\n`);
    });
    const client = new LoadClient(proc);
    await client.call('init', { video: media.video, keys: media.keys, audio: media.audio, ip, impaired: opts.impaired ?? false, dtlsRetransmitMs: opts.dtlsRetransmitMs ?? 100 });
    return client;
  }

  /** Delay (each way) and random loss (each way) of an impaired client, from now on. */
  impair(delayMs: number, lossPct: number): Promise<unknown> {
    return this.call('impair', { delayMs, lossPct });
  }

  get pid(): number {
    return this.#proc.pid ?? 0;
  }

  #onLine(line: string): void {
    let msg: { id: number; ok: boolean; data?: unknown; error?: string };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      return;
    }
    const p = this.#pending.get(msg.id);
    if (!p) {
      if (msg.error) process.stderr.write(`loadclient: ${msg.error}\n`);
      return;
    }
    this.#pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.data ?? {});
    else p.reject(new Error(`loadclient: ${msg.error ?? 'failed'}`));
  }

  call<T = Record<string, unknown>>(op: string, args: Record<string, unknown> = {}): Promise<T> {
    if (this.#exited) return Promise.reject(new Error('loadclient has exited'));
    const id = ++this.#next;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.#proc.stdin!.write(JSON.stringify({ ...args, id, op }) + '\n');
    });
  }

  /** Client side of a mediasoup WebRtcTransport; returns the DTLS parameters for `connect()`. */
  async ortcTransport(peer: string, remote: RemoteTransport, trace = false): Promise<types.DtlsParameters> {
    const { iceParameters, iceCandidates, dtlsParameters } = remote;
    const r = await this.call<{ dtlsParameters: types.DtlsParameters }>('ortcTransport', { peer, trace, iceParameters, iceCandidates, dtlsParameters });
    return r.dtlsParameters;
  }
  /** Starts DTLS (call after the server side's `connect()`). */
  ortcStart(peer: string): Promise<unknown> {
    return this.call('ortcStart', { peer });
  }
  /** Receives a consumer's stream (resolves once the transport is up; resume the consumer then). */
  ortcReceive(peer: string, kind: 'audio' | 'video', ssrc: number, payloadType: number): Promise<unknown> {
    return this.call('ortcReceive', { peer, kind, ssrc, payloadType });
  }
  /** Sends the source's `kind` with `ssrc`; resolves with the payload type to declare. */
  async ortcSend(peer: string, kind: 'audio' | 'video', ssrc: number): Promise<number> {
    return (await this.call<{ payloadType: number }>('ortcSend', { peer, kind, ssrc })).payloadType;
  }
  /** Answers a subscription offer (SDP). */
  async sdpSubscribe(peer: string, offer: string, trace = false): Promise<string> {
    return (await this.call<{ answer: string }>('sdpSubscribe', { peer, offer, trace })).answer;
  }
  /** Offers audio and video from the source (SDP). */
  async sdpPublish(peer: string): Promise<string> {
    return (await this.call<{ offer: string }>('sdpPublish', { peer })).offer;
  }
  sdpAnswer(peer: string, answer: string): Promise<unknown> {
    return this.call('sdpAnswer', { peer, answer });
  }
  /** Figures of every peer, or of those listed. */
  async stats(peers: readonly string[] = []): Promise<{ at: number; peers: PeerReport[] }> {
    return this.call<{ at: number; peers: PeerReport[] }>('stats', { peers });
  }
  /** Closes the listed peers (every peer when none are listed). */
  closePeers(peers: readonly string[] = []): Promise<unknown> {
    return this.call('close', { peers });
  }

  /** Closes every peer and ends the process (closing stdin is its signal to stop). */
  async close(): Promise<void> {
    if (this.#exited) return;
    const exited = new Promise<void>((resolve) => this.#proc.once('exit', () => resolve()));
    this.#proc.stdin!.end();
    const timer = setTimeout(() => this.#proc.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}
