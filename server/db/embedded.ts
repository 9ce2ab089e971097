/**
 * The embedded database: a FerretDB child process (MongoDB wire protocol over SQLite) listening
 * on loopback only, its data in a folder that outlives restarts. It runs under a `Supervisor`:
 * when it exits on its own it is started again on the same data folder and port (so the
 * driver's connection string stays valid and it reconnects by itself), a bounded number of times.
 */
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Supervisor, type SupervisorEvents, type SupervisorState } from '../../common/supervisor.js';
import type { Logger } from '../logger.js';

/** Options for `EmbeddedDatabase.create()`. */
export interface EmbeddedDatabaseOptions {
  /** Path of the FerretDB binary built by the set-up script. */
  readonly bin: string;
  /** Folder for the SQLite files; created if missing. */
  readonly dataDir: string;
  /** Loopback port; 0 picks a free one (kept for every restart). */
  readonly port: number;
  readonly logger: Logger;
  /** How long each start may take to answer (default 15 s). */
  readonly startTimeoutMs?: number;
  /** Restarts in a row before giving up (default 5; backoff 200 ms doubling up to 5 s). */
  readonly maxRestarts?: number;
}

/** Finds a free loopback TCP port. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host: '127.0.0.1', port });
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
  });
}

/**
 * Waits (at most 5 s) until nothing listens on `port`: after a crash the previous FerretDB may
 * still be exiting when the service is started again on the same port.
 */
async function waitUntilFree(port: number, logger: Logger): Promise<void> {
  const deadline = Date.now() + 5000;
  if (!(await canConnect(port))) return;
  logger.warn({ port }, 'waitUntilFree() the database port is still in use; waiting for it to be released');
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    if (!(await canConnect(port))) return;
  }
  throw new Error(`createEmbeddedDatabase(): port ${port} is in use by another process`);
}

/** A supervised FerretDB process; its events are the supervisor's. */
export class EmbeddedDatabase extends EventEmitter<SupervisorEvents> {
  #closed = false;

  private constructor(
    private readonly supervisor: Supervisor,
    /** `mongodb://127.0.0.1:PORT/witness_bridge` */
    readonly uri: string,
    readonly port: number,
    private readonly logger: Logger,
  ) {
    super();
    supervisor.on('started', (e) => this.emit('started', e));
    supervisor.on('exited', (e) => this.emit('exited', e));
    supervisor.on('gaveUp', (e) => this.emit('gaveUp', e));
  }

  /** Starts FerretDB and resolves once it accepts connections. */
  static async create(opts: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
    const logger = opts.logger.child({ module: 'embedded-db' });
    if (!fs.existsSync(opts.bin)) {
      throw new Error(`createEmbeddedDatabase(): FerretDB binary not found at ${opts.bin}; run "npm run setup"`);
    }
    const dataDir = path.resolve(opts.dataDir);
    fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
    const port = opts.port || (await freePort());
    await waitUntilFree(port, logger);
    const supervisor = new Supervisor({
      name: 'ferretdb',
      command: opts.bin,
      args: [
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${dataDir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
        // Also asked from inside: FerretDB stops by itself when the service dies.
        '--exit-with-parent',
      ],
      logger,
      ready: () => canConnect(port),
      readyTimeoutMs: opts.startTimeoutMs ?? 15_000,
      maxRestarts: opts.maxRestarts ?? 5,
      onOutput: (line) => logger.debug({ line }, 'ferretdb'),
    });
    await supervisor.start();
    logger.info({ port, dataDir }, 'createEmbeddedDatabase() ready');
    return new EmbeddedDatabase(supervisor, `mongodb://127.0.0.1:${port}/witness_bridge`, port, logger);
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether the process is running now (false while it is being restarted). */
  get alive(): boolean {
    return this.supervisor.state === 'running';
  }

  /** The supervisor's state: `gaveUp` means no further restart will be tried. */
  get state(): SupervisorState {
    return this.supervisor.state;
  }

  /** Pid of the FerretDB process, while it runs (tests signal it). */
  get pid(): number | undefined {
    return this.supervisor.pid;
  }

  /** Stops the process (SIGTERM, then SIGKILL after 5 s) and any planned restart. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return this.supervisor.stop();
    this.#closed = true;
    await this.supervisor.stop();
    this.logger.info('closeEmbeddedDatabase() stopped');
  }
}
