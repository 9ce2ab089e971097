/**
 * The frame of the maintenance commands (`seed`, `reports:rebuild`, `identity:rotate`): the
 * configuration from the environment, the database of MONGODB_URI or the embedded one in
 * DATA_DIR (started and stopped as `npm start` does), and a one-line failure with exit code 1.
 */
import { loadConfig, type Config } from '../config/index.js';
import { Database } from '../server/db/database.js';
import { createLogger, type Logger } from '../server/logger.js';

export function runWithDatabase(name: string, work: (ctx: { config: Config; logger: Logger; database: Database }) => Promise<void>): void {
  const main = async (): Promise<void> => {
    const config = loadConfig(process.env);
    const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
    const database = await Database.create(config, logger);
    try {
      await work({ config, logger, database });
    } finally {
      await database.close();
    }
  };
  main().catch((err: unknown) => {
    // Messages name key ids or fields, never a key or an identity.
    console.error(`${name} failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  });
}
