/**
 * `npm run seed`: fills an empty database (MONGODB_URI, or the embedded one in DATA_DIR, started
 * and stopped as `npm start` does) with the fictional demo data set of `seedData.ts`, demo
 * administrator included. Refuses NODE_ENV=production: demo accounts with published passwords
 * must never reach a real deployment.
 */
import { loadConfig } from '../config/index.js';
import { buildApi } from '../server/api.js';
import { UserModel } from '../server/auth/index.js';
import { demoPassword, seedDemoData, seedUsers } from './seedData.js';
import { runWithDatabase } from './withDatabase.js';

// Checked before any database is opened or started.
try {
  if (loadConfig(process.env).env === 'production') {
    console.error('seed refuses to run with NODE_ENV=production: the demo accounts have published passwords.');
    process.exit(1);
  }
} catch (err) {
  console.error(`seed failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
}

runWithDatabase('seed', async ({ config, logger, database }) => {
  // The demo accounts (demo.admin among them) come first, so the service's first-run check finds
  // an administrator and creates no one-time one; then indexes as the service builds them.
  await UserModel.createIndexes();
  await seedUsers();
  await buildApi({ config, logger, database });
  const summary = await seedDemoData(config);
  console.log(`seed: wrote ${JSON.stringify(summary)}`);
  console.log(`seed: demo accounts demo.<role> (demo.admin included) with password ${demoPassword('<role>')} (fictional data, demo only)`);
});
