/**
 * The whole service: database, media workers, HTTP, Socket.IO, started in dependency order and
 * shut down in the reverse order (HTTP → sockets → media workers → database).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server as SocketServer } from 'socket.io';
import type { Config } from '../config/index.js';
import { WorkerPool } from '../media/workerPool.js';
import type { Logger } from './logger.js';
import { createApp } from './app.js';
import { Database } from './db/database.js';
import { RunRegistry } from './db/runs.js';
import { buildApi, type Api } from './api.js';
import { atMost } from '../common/atMost.js';
import { startRecovery, type StartupRecovery } from './recovery.js';
import { attachSignaling, type Signaling, type SignalingServer } from './signaling/index.js';

/** How long shutdown waits for in-flight HTTP requests before cutting their connections. */
const SHUTDOWN_GRACE_MS = 5000;

/** A running service. */
export class Service {
  #closing: Promise<void> | undefined;

  private constructor(
    readonly config: Config,
    readonly logger: Logger,
    readonly database: Database,
    readonly media: WorkerPool,
    /** The domains' services (tests reach RoomAccess through it). */
    readonly api: Api,
    readonly httpServer: http.Server,
    readonly io: SignalingServer,
    readonly signaling: Signaling,
    /** This run of the service (stopped cleanly by `close()`). */
    readonly runs: RunRegistry,
    /** What start-up recovery found (an unclean stop before this start, and what it reconciled). */
    readonly recovery: StartupRecovery,
    private readonly stopRecovery: () => Promise<void>,
  ) {}

  /**
   * Starts everything and listens on `config.http`; writes left half-done by an earlier run that
   * did not stop cleanly are reconciled before (server/recovery.ts).
   */
  static async create(config: Config, logger: Logger): Promise<Service> {
    const database = await Database.create(config, logger);
    let media: WorkerPool | undefined;
    let runs: RunRegistry | undefined;
    let recovery: Awaited<ReturnType<typeof startRecovery>> | undefined;
    try {
      // On the embedded database no other instance can be running: an open run is a dead one.
      runs = await RunRegistry.start({ exclusive: Boolean(database.embedded), logger });
      media = await WorkerPool.create({
        workerBin: config.media.workerBin,
        count: config.media.workers,
        webRtc: { ip: config.media.listenIp, announcedAddress: config.media.announcedIp, port: config.media.webRtcPort },
        rtcMinPort: config.media.rtcMinPort,
        rtcMaxPort: config.media.rtcMaxPort,
        logLevel: config.media.logLevel,
        logger,
      });
      const pool = media;
      const api = await buildApi({ config, logger, database, runId: runs.id });
      recovery = await startRecovery({ api, runs, database, logger });
      const app = createApp({
        config,
        logger,
        api: api.router,
        database,
        readiness: {
          database: () => database.state,
          media: () => ({ ok: pool.allAlive, workers: pool.statuses() }),
        },
      });
      const httpServer = http.createServer(app);
      const io: SignalingServer = new SocketServer(httpServer, {
        serveClient: false,
        // Signalling messages are small; anything larger is refused before it is parsed.
        maxHttpBufferSize: 64 * 1024,
        cors: { origin: false },
      });
      const signaling = attachSignaling({ io, config, logger, media: pool, api, database });
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(config.http.port, config.http.host, () => resolve());
      });
      const service = new Service(config, logger, database, pool, api, httpServer, io, signaling, runs, recovery.startup, recovery.stop);
      logger.info({ port: service.port }, 'startService() listening');
      return service;
    } catch (err) {
      await recovery?.stop();
      await runs?.stop().catch(() => undefined);
      media?.close();
      await database.close();
      throw err;
    }
  }

  /** The port actually bound (useful with PORT=0). */
  get port(): number {
    return (this.httpServer.address() as AddressInfo).port;
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Ordered shutdown. Idempotent: later calls wait for the first. */
  close(): Promise<void> {
    if (!this.#closing) this.#closing = this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    const log = this.logger.child({ module: 'shutdown' });
    log.info('closeService() stopping HTTP');
    const httpClosed = new Promise<void>((resolve) => this.httpServer.close(() => resolve()));
    this.httpServer.closeIdleConnections();
    log.info('closeService() closing sockets');
    await this.signaling.close();
    await this.io.close();
    // Requests already running finish their writes before the database goes away; connections
    // still busy after the grace period are cut.
    await atMost(SHUTDOWN_GRACE_MS, httpClosed);
    this.httpServer.closeAllConnections();
    await httpClosed;
    // With the database away, queued writes cannot finish: they are reconciled at the next start.
    const up = this.database.available;
    await atMost(up ? 2 * SHUTDOWN_GRACE_MS : 500, this.api.drain(SHUTDOWN_GRACE_MS));
    log.info('closeService() closing media workers');
    this.media.close();
    await atMost(SHUTDOWN_GRACE_MS, this.stopRecovery());
    // A clean stop: the next start need not reconcile this run. Not recordable without the database.
    const record = this.database.available;
    await atMost(SHUTDOWN_GRACE_MS, this.runs.stop({ record }));
    if (!record) log.warn({ state: this.database.state }, 'closeService() stopping without the database: the next start will reconcile this run');
    log.info('closeService() closing database');
    await this.database.close();
    log.info('closeService() done');
  }
}
