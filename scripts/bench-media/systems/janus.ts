/**
 * System (c): Janus 1.1.2 VideoRoom (Debian's `janus`), started by the benchmark with its own
 * configuration in a temporary folder (HTTP API on loopback only, VideoRoom and HTTP transport
 * only, one event loop so that every handle is served by one thread, as a one-core deployment
 * would configure it) and stopped at the end. Signalling: one Janus API session over HTTP
 * long-polling; each publisher and subscriber is its own plugin handle and PeerConnection.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { LoadClient } from '../loadClient.js';
import type { MediaSystem } from '../system.js';

const JANUS_BIN = '/usr/bin/janus';
const LIB = '/usr/lib/x86_64-linux-gnu/janus';

interface JanusEvent {
  janus: string;
  sender?: number;
  transaction?: string;
  plugindata?: { data: Record<string, unknown> };
  jsep?: { type: string; sdp: string };
  data?: { id: number };
  error?: { code: number; reason: string };
}

/** Writes Janus's configuration into `dir`: API and media on `ip` only. */
function writeConfig(dir: string, ip: string, httpPort: number, rtpPorts: string): void {
  const w = (name: string, body: string) => fs.writeFileSync(path.join(dir, name), body);
  w(
    'janus.jcfg',
    `general: {
  configs_folder = "${dir}"
  plugins_folder = "${LIB}/plugins"
  transports_folder = "${LIB}/transports"
  events_folder = "${LIB}/events"
  loggers_folder = "${LIB}/loggers"
  debug_level = 2
  log_to_stdout = true
  session_timeout = 0
  event_loops = 1
  protected_folders = ["/bin", "/boot", "/dev", "/etc", "/lib", "/proc", "/sbin", "/sys", "/usr", "/var"]
}
media: {
  rtp_port_range = "${rtpPorts}"
}
nat: {
  nice_debug = false
  ice_enforce_list = "${ip}"
}
plugins: {
  disable = "libjanus_audiobridge.so,libjanus_duktape.so,libjanus_echotest.so,libjanus_lua.so,libjanus_nosip.so,libjanus_recordplay.so,libjanus_sip.so,libjanus_streaming.so,libjanus_textroom.so,libjanus_videocall.so,libjanus_voicemail.so"
}
transports: {
  disable = "libjanus_mqtt.so,libjanus_nanomsg.so,libjanus_pfunix.so,libjanus_rabbitmq.so,libjanus_websockets.so"
}
events: {
  broadcast = false
}
loggers: {
  disable = "libjanus_jsonlog.so"
}
`,
  );
  w('janus.transport.http.jcfg', `general: {\n  json = "compact"\n  base_path = "/janus"\n  http = true\n  port = ${httpPort}\n  ip = "${ip}"\n  https = false\n}\nadmin: {\n  admin_http = false\n}\n`);
  w('janus.plugin.videoroom.jcfg', 'general: {\n}\n');
}

/** Waits until the load client's `peer` has its transport up. */
export async function waitConnected(lc: LoadClient, peer: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while ((await lc.stats([peer])).peers[0]?.connectedAt === 0) {
    if (Date.now() > deadline) throw new Error(`${peer}: not connected within ${ms} ms`);
    await delay(50);
  }
}

export class JanusVideoRoom implements MediaSystem {
  readonly name = 'Janus 1.1.2 VideoRoom';
  readonly #proc: ChildProcess;
  readonly #dir: string;
  readonly #base: string;
  #session = 0;
  #tx = 0;
  #polling = true;
  readonly #waiters = new Map<string, (e: JanusEvent) => void>();
  readonly #handles = new Map<string, number>();
  readonly #publisherFeeds = new Map<string, number>();
  #nextRoom = 1000;
  #closed = false;

  private constructor(proc: ChildProcess, dir: string, base: string) {
    this.#proc = proc;
    this.#dir = dir;
    this.#base = base;
  }

  /**
   * Starts Janus under `prefix` (the namespace's `ip netns exec …`, `taskset -c N`) with its
   * HTTP API and its media on `ip` (Janus never offers loopback candidates, so the benchmark
   * gives it a namespace and an address of its own).
   */
  static async create(opts: { ip: string; httpPort: number; prefix: readonly string[] }): Promise<JanusVideoRoom> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-bench-janus-'));
    writeConfig(dir, opts.ip, opts.httpPort, '30000-39999');
    const [cmd, ...args] = [...opts.prefix, JANUS_BIN, '--configs-folder', dir, '--config', path.join(dir, 'janus.jcfg')];
    const proc = spawn(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const log: string[] = [];
    const keep = (b: Buffer) => {
      log.push(b.toString());
      if (log.length > 200) log.shift();
    };
    proc.stdout!.on('data', keep);
    proc.stderr!.on('data', keep);
    const j = new JanusVideoRoom(proc, dir, `http://${opts.ip}:${opts.httpPort}/janus`);
    try {
      await j.#waitUp(() => log.join(''));
      j.#session = (await j.#post('', { janus: 'create' })).data!.id;
      void j.#poll();
    } catch (err) {
      await j.close();
      throw err;
    }
    return j;
  }

  get pid(): number {
    return this.#proc.pid ?? 0;
  }
  mediaPids(): number[] {
    return [this.pid];
  }

  async #waitUp(log: () => string): Promise<void> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      if (this.#proc.exitCode !== null) throw new Error(`janus exited: ${log().slice(-2000)}`);
      const ok = await fetch(`${this.#base}/info`).then((r) => r.ok, () => false);
      if (ok) return;
      if (Date.now() > deadline) throw new Error(`janus did not answer: ${log().slice(-2000)}`);
      await delay(200);
    }
  }

  async #post(pathPart: string, body: Record<string, unknown>): Promise<JanusEvent> {
    const transaction = `t${++this.#tx}`;
    const res = await fetch(`${this.#base}${pathPart}`, { method: 'POST', body: JSON.stringify({ ...body, transaction }) });
    const e = (await res.json()) as JanusEvent;
    if (e.janus === 'error') throw new Error(`janus: ${e.error?.reason ?? 'error'}`);
    return e;
  }

  /** Long-polls the session's events and hands each to whoever waits for its transaction. */
  async #poll(): Promise<void> {
    while (this.#polling) {
      try {
        const res = await fetch(`${this.#base}/${this.#session}?maxev=50&rid=${Date.now()}`);
        const events = (await res.json()) as JanusEvent | JanusEvent[];
        for (const e of Array.isArray(events) ? events : [events]) {
          const w = e.transaction ? this.#waiters.get(e.transaction) : undefined;
          if (w && e.janus !== 'ack') {
            this.#waiters.delete(e.transaction!);
            w(e);
          }
        }
      } catch {
        if (this.#polling) await delay(100);
      }
    }
  }

  async #attach(): Promise<number> {
    return (await this.#post(`/${this.#session}`, { janus: 'attach', plugin: 'janus.plugin.videoroom' })).data!.id;
  }

  /** A plugin message whose answer comes asynchronously (with a JSEP). */
  async #message(handle: number, body: Record<string, unknown>, jsep?: Record<string, unknown>): Promise<JanusEvent> {
    const transaction = `m${++this.#tx}`;
    let timer: NodeJS.Timeout | undefined;
    const answer = new Promise<JanusEvent>((resolve, reject) => {
      timer = setTimeout(() => {
        this.#waiters.delete(transaction);
        reject(new Error(`janus: no answer to ${String(body.request)}`));
      }, 20_000);
      this.#waiters.set(transaction, (e) => {
        clearTimeout(timer);
        resolve(e);
      });
    });
    const res = await fetch(`${this.#base}/${this.#session}/${handle}`, { method: 'POST', body: JSON.stringify({ janus: 'message', body, transaction, ...(jsep ? { jsep } : {}) }) });
    const first = (await res.json()) as JanusEvent;
    if (first.janus === 'success' || first.janus === 'error') {
      clearTimeout(timer);
      this.#waiters.delete(transaction);
      if (first.janus === 'error') throw new Error(`janus: ${first.error?.reason ?? 'error'}`);
      return first;
    }
    const e = await answer;
    const err = e.plugindata?.data.error;
    if (err) throw new Error(`janus videoroom: ${String(err)}`);
    return e;
  }

  async openRoom(lc: LoadClient): Promise<string> {
    const room = this.#nextRoom++;
    const admin = await this.#attach();
    await this.#message(admin, { request: 'create', room, publishers: 1, bitrate: 0, fir_freq: 0, audiocodec: 'opus', videocodec: 'vp8', notify_joining: false });
    const handle = await this.#attach();
    const peer = `janus-pub-${room}`;
    const joined = await this.#message(handle, { request: 'join', ptype: 'publisher', room, display: 'publisher' });
    const feed = joined.plugindata!.data.id as number;
    const offer = await lc.sdpPublish(peer);
    const configured = await this.#message(handle, { request: 'publish', audio: true, video: true }, { type: 'offer', sdp: offer, trickle: false });
    if (!configured.jsep) throw new Error('janus: publish without an answer');
    await lc.sdpAnswer(peer, configured.jsep.sdp);
    // Janus offers a feed to subscribers only once its PeerConnection is up.
    await waitConnected(lc, peer);
    this.#publisherFeeds.set(String(room), feed);
    return String(room);
  }

  async subscribe(lc: LoadClient, room: string, peer: string, opts: { trace?: boolean } = {}): Promise<void> {
    const feed = this.#publisherFeeds.get(room);
    if (feed === undefined) throw new Error(`subscribe(): no room ${room}`);
    const handle = await this.#attach();
    this.#handles.set(peer, handle);
    const attached = await this.#message(handle, { request: 'join', ptype: 'subscriber', room: Number(room), streams: [{ feed }] });
    if (!attached.jsep) throw new Error('janus: subscription without an offer');
    const answer = await lc.sdpSubscribe(peer, attached.jsep.sdp, opts.trace);
    await this.#message(handle, { request: 'start' }, { type: 'answer', sdp: answer, trickle: false });
  }

  async unsubscribe(peer: string): Promise<void> {
    const handle = this.#handles.get(peer);
    if (handle === undefined) return;
    this.#handles.delete(peer);
    await this.#post(`/${this.#session}/${handle}`, { janus: 'detach' }).catch(() => undefined);
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#polling = false;
    if (this.#proc.exitCode === null) {
      const exited = new Promise<void>((resolve) => this.#proc.once('exit', () => resolve()));
      this.#proc.kill('SIGTERM');
      const timer = setTimeout(() => this.#proc.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(this.#dir, { recursive: true, force: true });
  }
}
