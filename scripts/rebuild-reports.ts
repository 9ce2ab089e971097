/**
 * `npm run reports:rebuild`: recomputes the pre-aggregated report figures from the sessions and
 * sentences (MONGODB_URI, or the embedded database in DATA_DIR, started and stopped as
 * `npm start` does). Counters are updated right after each record is written, without a
 * transaction (FerretDB has none), so a crash between the two can leave them off by one
 * record; this puts them right. Run it while the service is stopped.
 */
import { loadConfig } from '../config/index.js';
import { Database } from '../server/db/database.js';
import { createLogger } from '../server/logger.js';
import { rebuildReportCounters } from '../server/reports/index.js';
import { ReportCounterModel } from '../server/reports/report.model.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await Database.create(config, logger);
  try {
    const started = Date.now();
    await rebuildReportCounters();
    const groups = await ReportCounterModel.countDocuments({});
    console.log(`reports:rebuild: ${groups} (year, country pair) groups recomputed in ${Date.now() - started} ms`);
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  console.error(`reports:rebuild failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
