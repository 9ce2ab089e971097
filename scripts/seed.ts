/**
 * `npm run seed`: fills an empty database (MONGODB_URI, or the embedded one in DATA_DIR, started
 * and stopped as `npm start` does) with the fictional demo data set of `seedData.ts`.
 */
import { loadConfig } from '../config/index.js';
import { buildApi } from '../server/api.js';
import { Database } from '../server/db/database.js';
import { createLogger } from '../server/logger.js';
import { demoPassword, seedDemoData } from './seedData.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await Database.create(config, logger);
  try {
    // Builds indexes and the configured first administrator exactly as the service does.
    await buildApi({ config, logger, database });
    const summary = await seedDemoData(config);
    console.log(`seed: wrote ${JSON.stringify(summary)}`);
    console.log(`seed: demo accounts demo.<role> with password ${demoPassword('<role>')} (fictional data, demo only)`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(`seed failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
