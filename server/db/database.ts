/**
 * The database connection (mongoose) and, when no MONGODB_URI is configured, the embedded
 * FerretDB it talks to.
 */
import mongoose from 'mongoose';
import type { Config } from '../../config/index.js';
import type { Logger } from '../logger.js';
import { EmbeddedDatabase } from './embedded.js';

/** The connected database. */
export class Database {
  #closed = false;

  private constructor(
    readonly connection: mongoose.Connection,
    private readonly embedded: EmbeddedDatabase | undefined,
    private readonly logger: Logger,
  ) {}

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

  get closed(): boolean {
    return this.#closed;
  }

  /** Pings the server; false when it does not answer within `timeoutMs`. */
  async ping(timeoutMs = 1000): Promise<boolean> {
    const db = this.connection.db;
    if (!db || this.connection.readyState !== mongoose.ConnectionStates.connected) return false;
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

  /** Disconnects, then stops the embedded database. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await mongoose.disconnect();
    await this.embedded?.close();
    this.logger.info('closeDatabase() closed');
  }
}
