/**
 * `npm run seed`: fills an empty database (MONGODB_URI, or the embedded one in DATA_DIR, started
 * and stopped as `npm start` does) with the fictional demo data set of `seedData.ts`.
 */
import { buildApi } from '../server/api.js';
import { demoPassword, seedDemoData } from './seedData.js';
import { runWithDatabase } from './withDatabase.js';

runWithDatabase('seed', async ({ config, logger, database }) => {
  // Builds indexes and the configured first administrator exactly as the service does.
  await buildApi({ config, logger, database });
  const summary = await seedDemoData(config);
  console.log(`seed: wrote ${JSON.stringify(summary)}`);
  console.log(`seed: demo accounts demo.<role> with password ${demoPassword('<role>')} (fictional data, demo only)`);
});
