/**
 * The database connection (mongoose) and, when no MONGODB_URI is configured, the embedded
 * FerretDB it talks to; and whether the database can be used right now.
 *
 * A monitor pings the server every 200 ms (with `buildInfo`, which needs the server's process
 * and connection but not its storage). The database is `down` as soon as a ping fails,
 * the embedded process exits, or a ping has gone unanswered for 600 ms (a stopped or hung
 * server) — or for four times what pings took lately, up to 3 s, on a machine so loaded that
 * answers are slow anyway, so that load alone does not take the service down; `recovering` once
 * a ping is answered again, while the work registered with
 * `onReconnect()` (reconciliation) runs; `up` after it. `gaveUp` is final: the embedded process
 * could not be restarted. The API answers 503 at once while the database is not `up`
 * (`databaseGate()`), instead of waiting on the driver's timeouts.
 */
import { EventEmitter } from 'node:events';
import mongoose from 'mongoose';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import { EmbeddedDatabase } from './embedded.js';

/** Whether the database can be used: see the module comment. */
export type DatabaseState = 'up' | 'recovering' | 'down' | 'gaveUp' | 'closed';

/** Events of `Database`. */
export interface DatabaseEvents {
  /** Every change of `state`. */
  state: [DatabaseState];
}

/** Monitor period; a ping unanswered for `PING_DEADLINE_MS` (or longer, see above) makes the database `down`. */
const PING_EVERY_MS = 200;
const PING_DEADLINE_MS = 600;
const PING_DEADLINE_MAX_MS = 3000;
/** Answered pings remembered for the deadline. */
const RECENT_PINGS = 25;
/** A ping still unanswered after this long is given up on and a fresh one sent (a dead link). */
const PING_ABANDON_MS = 3000;

/** The connected database. */
export class Database extends EventEmitter<DatabaseEvents> {
  #state: DatabaseState = 'up';
  #pingSince: number | undefined;
  #lastTick = Date.now();
  readonly #recent: number[] = [];
  #timer: NodeJS.Timeout | undefined;
  readonly #reconnectWork: (() => Promise<void>)[] = [];

  private constructor(
    readonly connection: mongoose.Connection,
    /** The embedded FerretDB, when this service started one. */
    readonly embedded: EmbeddedDatabase | undefined,
    private readonly logger: Logger,
  ) {
    super();
    embedded?.on('exited', (e) => {
      if (!e.expected) this.#setState('down', { reason: 'the embedded database exited' });
    });
    embedded?.on('gaveUp', () => this.#setState('gaveUp', { reason: 'the embedded database could not be restarted' }));
    this.#timer = setInterval(() => this.#tick(), PING_EVERY_MS);
    this.#timer.unref();
  }

  /** Starts the embedded database if needed and connects mongoose's default connection. */
  static async create(config: Config, logger: Logger): Promise<Database> {
    const log = logger.child({ module: 'database' });
    let embedded: EmbeddedDatabase | undefined;
    let uri = config.database.uri;
    if (!uri) {
      embedded = await EmbeddedDatabase.create({
        bin: config.database.ferretdbBin,
        dataDir: `${config.dataDir}/db`,
        port: config.database.embeddedPort,
        logger,
      });
      uri = embedded.uri;
    }
    try {
      await mongoose.connect(uri, {
        serverSelectionTimeoutMS: 5000,
        // FerretDB cannot build indexes in the background of writes the way MongoDB does; we
        // create them explicitly at start-up instead (see syncIndexes in each domain).
        autoIndex: false,
      });
    } catch (err) {
      await embedded?.close();
      throw err;
    }
    log.info({ embedded: Boolean(embedded) }, 'connectDatabase() connected');
    return new Database(mongoose.connection, embedded, log);
  }

  get state(): DatabaseState {
    return this.#state;
  }

  /** True while API calls may use the database (`state === 'up'`). */
  get available(): boolean {
    return this.#state === 'up';
  }

  get closed(): boolean {
    return this.#state === 'closed';
  }

  /**
   * Work to finish after every reconnection before the database counts as `up` again (the
   * reconciliation of writes cut off by the outage). Runs in registration order; when one
   * fails the database stays down and it is tried again at the next answered ping.
   */
  onReconnect(work: () => Promise<void>): void {
    this.#reconnectWork.push(work);
  }

  /** Pings the server; false when it does not answer within `timeoutMs`. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    const db = this.connection.db;
    if (!db) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
    const ping = db
      .admin()
      .ping()
      .then(() => true)
      .catch(() => false);
    const ok = await Promise.race([ping, timeout]);
    clearTimeout(timer);
    return ok;
  }

  /** How long a ping may go unanswered: 600 ms, or four times the recent 90th percentile (at most 3 s). */
  #deadline(): number {
    const sorted = [...this.#recent].sort((a, b) => a - b);
    const p90 = sorted[Math.floor(0.9 * (sorted.length - 1))] ?? 0;
    return Math.min(PING_DEADLINE_MAX_MS, Math.max(PING_DEADLINE_MS, 4 * p90));
  }

  #tick(): void {
    if (this.#state === 'closed' || this.#state === 'gaveUp') return;
    const now = Date.now();
    // This process itself was stalled: a late answer says nothing about the database.
    const stalled = now - this.#lastTick > PING_EVERY_MS + 300;
    this.#lastTick = now;
    if (this.#pingSince !== undefined) {
      const since = this.#pingSince;
      const age = now - since;
      // Judged after this turn's I/O: an answer that arrived while this process was busy is
      // handled after the timers of the same turn, and must not be taken for no answer.
      if (age > this.#deadline() && !stalled)
        setImmediate(() => {
          if (this.#pingSince === since && this.#state !== 'closed' && this.#state !== 'gaveUp') this.#setState('down', { reason: 'no answer to a ping', waitedMs: age, deadlineMs: this.#deadline() });
        });
      if (age < PING_ABANDON_MS) return;
    }
    const db = this.connection.db;
    if (!db) return;
    const since = (this.#pingSince = Date.now());
    // buildInfo, not ping: FerretDB answers it from memory, while its ping reads the storage's
    // status and so waits behind a slow disk write (which took it for away under load); a dead,
    // hung or unreachable server answers neither.
    db.admin()
      .command({ buildInfo: 1 })
      .then(
        () => this.#answered(true, since),
        () => this.#answered(false, since),
      );
  }

  #answered(ok: boolean, since: number): void {
    if (this.#pingSince !== since) return;
    this.#pingSince = undefined;
    const took = Date.now() - since;
    // Answers that came after the deadline were outages, not load: they do not move it.
    if (ok && took <= this.#deadline()) {
      this.#recent.push(took);
      if (this.#recent.length > RECENT_PINGS) this.#recent.shift();
    }
    if (this.#state === 'closed' || this.#state === 'gaveUp') return;
    if (!ok) this.#setState('down', { reason: 'a ping failed' });
    else if (this.#state === 'down') void this.#recover();
  }

  async #recover(): Promise<void> {
    this.#setState('recovering', {});
    const started = Date.now();
    try {
      for (const work of this.#reconnectWork) await work();
    } catch (err) {
      this.logger.warn({ err }, 'recover() reconciliation failed; retrying at the next answered ping');
      if (this.#state === 'recovering') this.#setState('down', { reason: 'reconciliation failed' });
      return;
    }
    if (this.#state === 'recovering') {
      this.#setState('up', {});
      this.logger.info({ reconcileMs: Date.now() - started }, 'recover() database is up again');
    }
  }

  #setState(state: DatabaseState, info: { reason?: string; waitedMs?: number; deadlineMs?: number }): void {
    if (this.#state === state || this.#state === 'closed') return;
    if (this.#state === 'gaveUp' && state !== 'closed') return;
    const log = state === 'down' || state === 'gaveUp' ? this.logger.error.bind(this.logger) : this.logger.info.bind(this.logger);
    log({ from: this.#state, to: state, ...info }, 'setState() database state changed');
    this.#state = state;
    this.emit('state', state);
  }

  /** Disconnects, then stops the embedded database. Idempotent. */
  async close(): Promise<void> {
    if (this.#state === 'closed') return;
    this.#setState('closed', {});
    clearInterval(this.#timer);
    await mongoose.disconnect();
    await this.embedded?.close();
    this.logger.info('closeDatabase() closed');
  }
}
