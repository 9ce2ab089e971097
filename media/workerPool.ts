/**
 * A pool of mediasoup workers, each with one WebRtcServer: every WebRTC transport of a worker
 * shares that server's one UDP and one TCP port, so transports cost no ports of their own (no
 * port exhaustion by many transports). Rooms get a router on the least-loaded live worker; a
 * worker that dies is replaced (same port) and the pool emits `workerDied` so the rooms on it can
 * be rebuilt elsewhere.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { loadMediasoup, type types } from './mediasoup.js';
import { ROUTER_MEDIA_CODECS } from './codecs.js';

/** Where the workers' WebRTC servers listen. */
export interface WebRtcListen {
  /** Listening IP (e.g. `127.0.0.1`, or `0.0.0.0` behind a public address). */
  readonly ip: string;
  /** Address put in ICE candidates when `ip` is not reachable as such (NAT, 0.0.0.0). */
  readonly announcedAddress: string | undefined;
  /** UDP and TCP port of worker 0's server; worker i uses `port + i`. 0: any free port of the range. */
  readonly port: number;
}

/** Settings of `WorkerPool.create()`. */
export interface WorkerPoolOptions {
  readonly workerBin: string;
  /** Number of workers (one process each). */
  readonly count: number;
  readonly webRtc: WebRtcListen;
  /** Ports for everything else a worker opens (loopback PlainTransports; WebRTC servers when `webRtc.port` is 0). */
  readonly rtcMinPort: number;
  readonly rtcMaxPort: number;
  readonly logLevel: 'debug' | 'warn' | 'error' | 'none';
  readonly logger: Logger;
}

/** Public view of one worker, for `/readyz` and telemetry. */
export interface WorkerStatus {
  readonly index: number;
  readonly pid: number;
  readonly alive: boolean;
  readonly routers: number;
}

/** What a router of this pool carries in its appData. */
export interface RouterAppData extends types.AppData {
  readonly workerIndex: number;
}

interface Slot {
  readonly index: number;
  readonly worker: types.Worker;
  readonly webRtcServer: types.WebRtcServer;
  readonly routers: Set<types.Router<RouterAppData>>;
}

/** Events of the pool. */
export interface WorkerPoolEvents {
  /** A worker process died; `routers` were closed with it. A replacement is being started. */
  workerDied: [{ index: number; pid: number; routerIds: string[] }];
  /** A replacement worker is up. */
  workerReplaced: [{ index: number; pid: number }];
}

export class WorkerPool extends EventEmitter<WorkerPoolEvents> {
  #closed = false;
  readonly #slots: Slot[] = [];
  readonly #log: Logger;

  private constructor(private readonly opts: WorkerPoolOptions) {
    super();
    this.#log = opts.logger.child({ module: 'worker-pool' });
  }

  /** Starts `opts.count` workers, each with its WebRtcServer. */
  static async create(opts: WorkerPoolOptions): Promise<WorkerPool> {
    const pool = new WorkerPool(opts);
    try {
      for (let i = 0; i < opts.count; i++) pool.#slots.push(await pool.#spawn(i));
    } catch (err) {
      pool.close();
      throw err;
    }
    pool.#log.info({ workers: opts.count }, 'createWorkerPool() ready');
    return pool;
  }

  async #spawn(index: number): Promise<Slot> {
    const ms = await loadMediasoup(this.opts.workerBin);
    const { rtcMinPort, rtcMaxPort, webRtc } = this.opts;
    const worker = await ms.createWorker({ logLevel: this.opts.logLevel, rtcMinPort, rtcMaxPort, appData: { index } });
    let webRtcServer: types.WebRtcServer;
    try {
      const where = webRtc.port === 0 ? { portRange: { min: rtcMinPort, max: rtcMaxPort } } : { port: webRtc.port + index };
      const listen = { ip: webRtc.ip, announcedAddress: webRtc.announcedAddress, ...where };
      webRtcServer = await worker.createWebRtcServer({ listenInfos: [{ protocol: 'udp', ...listen }, { protocol: 'tcp', ...listen }] });
    } catch (err) {
      worker.close();
      throw err;
    }
    const slot: Slot = { index, worker, webRtcServer, routers: new Set() };
    worker.on('died', (err: Error) => this.#onDied(slot, err));
    this.#log.info({ index, pid: worker.pid }, 'spawnWorker() started');
    return slot;
  }

  #onDied(slot: Slot, err: Error): void {
    if (this.#closed) return;
    const routerIds = [...slot.routers].map((r) => r.id);
    slot.routers.clear();
    this.#log.error({ index: slot.index, pid: slot.worker.pid, err: err.message, routers: routerIds.length }, 'worker died');
    this.emit('workerDied', { index: slot.index, pid: slot.worker.pid, routerIds });
    this.#spawn(slot.index).then(
      (fresh) => {
        if (this.#closed) {
          fresh.worker.close();
          return;
        }
        this.#slots[slot.index] = fresh;
        this.emit('workerReplaced', { index: fresh.index, pid: fresh.worker.pid });
      },
      (spawnErr: unknown) => this.#log.error({ err: spawnErr }, 'respawnWorker() failed'),
    );
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Status of every worker. */
  statuses(): WorkerStatus[] {
    return this.#slots.map((s) => ({ index: s.index, pid: s.worker.pid, alive: !s.worker.closed, routers: s.routers.size }));
  }

  /** True when every worker is running. */
  get allAlive(): boolean {
    return this.#slots.length > 0 && this.#slots.every((s) => !s.worker.closed);
  }

  /** Creates a router on the live worker with the fewest routers. */
  async createRouter(): Promise<types.Router<RouterAppData>> {
    if (this.#closed) throw new Error('createRouter(): pool closed');
    const live = this.#slots.filter((s) => !s.worker.closed);
    const slot = live.sort((a, b) => a.routers.size - b.routers.size)[0];
    if (!slot) throw new Error('createRouter(): no live media worker');
    const router = await slot.worker.createRouter<RouterAppData>({ mediaCodecs: ROUTER_MEDIA_CODECS, appData: { workerIndex: slot.index } });
    slot.routers.add(router);
    // A dying worker closes its routers before it reports 'died'; keep them listed until then so
    // the pool can say which rooms to rebuild.
    router.observer.once('close', () => {
      if (!slot.worker.closed) slot.routers.delete(router);
    });
    return router;
  }

  /** The WebRtcServer of the worker that hosts `router`: its WebRTC transports listen there. */
  webRtcServerOf(router: types.Router<RouterAppData>): types.WebRtcServer {
    const slot = this.#slots.find((s) => s.routers.has(router));
    if (!slot || slot.webRtcServer.closed) throw new Error('webRtcServerOf(): the router has no live worker');
    return slot.webRtcServer;
  }

  /** Process id of the worker that hosts `router` (tests kill it to prove recovery). */
  workerPidOf(router: types.Router<RouterAppData>): number | undefined {
    return this.#slots.find((s) => s.routers.has(router))?.worker.pid;
  }

  /** Closes every worker. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const s of this.#slots) s.worker.close();
    this.#log.info('closeWorkerPool() closed');
  }
}
