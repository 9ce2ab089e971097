/**
 * The embedded database: a FerretDB child process (MongoDB wire protocol over SQLite) listening
 * on loopback only, its data in a folder that outlives restarts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import type { Logger } from '../logger.js';

/** Options for `EmbeddedDatabase.create()`. */
export interface EmbeddedDatabaseOptions {
  /** Path of the FerretDB binary built by the set-up script. */
  readonly bin: string;
  /** Folder for the SQLite files; created if missing. */
  readonly dataDir: string;
  /** Loopback port; 0 picks a free one. */
  readonly port: number;
  readonly logger: Logger;
  /** How long to wait for the database to answer (default 15 s). */
  readonly startTimeoutMs?: number;
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

/** A running FerretDB process. */
export class EmbeddedDatabase {
  #closed = false;
  #exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    /** `mongodb://127.0.0.1:PORT/witness_bridge` */
    readonly uri: string,
    readonly port: number,
    private readonly logger: Logger,
  ) {
    this.#exited = new Promise((resolve) => child.once('exit', () => resolve()));
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
    const child = spawn(
      opts.bin,
      [
        '--handler=sqlite',
        `--sqlite-url=file:${dataDir}/`,
        `--listen-addr=127.0.0.1:${port}`,
        `--state-dir=${dataDir}`,
        '--debug-addr=-',
        '--telemetry=disable',
        '--log-level=warn',
        // A crashed service must not leave an orphan database holding the data folder.
        '--exit-with-parent',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    child.stderr?.setEncoding('utf8').on('data', (d: string) => logger.debug({ out: d.trim() }, 'ferretdb'));
    const db = new EmbeddedDatabase(child, `mongodb://127.0.0.1:${port}/witness_bridge`, port, logger);
    let exitCode: number | null | undefined;
    child.once('exit', (code) => {
      exitCode = code;
      if (!db.#closed) logger.error({ code }, 'ferretdb exited unexpectedly');
    });
    const deadline = Date.now() + (opts.startTimeoutMs ?? 15_000);
    while (Date.now() < deadline) {
      if (exitCode !== undefined) throw new Error(`createEmbeddedDatabase(): FerretDB exited with code ${exitCode}`);
      if (await canConnect(port)) {
        logger.info({ port, dataDir }, 'createEmbeddedDatabase() ready');
        return db;
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    await db.close();
    throw new Error('createEmbeddedDatabase(): FerretDB did not answer in time');
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Whether the process is still running. */
  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** Stops the process (SIGTERM, then SIGKILL after 5 s). Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return this.#exited;
    this.#closed = true;
    if (!this.alive) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await this.#exited;
    clearTimeout(timer);
    this.logger.info('closeEmbeddedDatabase() stopped');
  }
}
