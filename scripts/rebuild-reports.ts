/**
 * `npm run reports:rebuild`: recomputes the report figures from the sessions and sentences
 * (MONGODB_URI, or the embedded database in DATA_DIR, started and stopped as `npm start` does).
 * The service keeps them right by itself, also across crashes (server/reports/ledger.ts); this
 * is for a database changed by hand or loaded past the services. Run it while the service is
 * stopped.
 */
import { rebuildReportCounters } from '../server/reports/index.js';
import { runWithDatabase } from './withDatabase.js';

runWithDatabase('reports:rebuild', async () => {
  const started = Date.now();
  const groups = await rebuildReportCounters();
  console.log(`reports:rebuild: ${groups} (year, country pair) groups recomputed in ${Date.now() - started} ms`);
});
