/**
 * `npm run reports:rebuild`: recomputes the pre-aggregated report figures from the sessions and
 * sentences (MONGODB_URI, or the embedded database in DATA_DIR, started and stopped as
 * `npm start` does). Counters are updated right after each record is written, without a
 * transaction (FerretDB has none), so a crash between the two can leave them off by one
 * record; this puts them right. Run it while the service is stopped.
 */
import { rebuildReportCounters } from '../server/reports/index.js';
import { ReportCounterModel } from '../server/reports/report.model.js';
import { runWithDatabase } from './withDatabase.js';

runWithDatabase('reports:rebuild', async () => {
  const started = Date.now();
  await rebuildReportCounters();
  const groups = await ReportCounterModel.countDocuments({});
  console.log(`reports:rebuild: ${groups} (year, country pair) groups recomputed in ${Date.now() - started} ms`);
});
