/**
 * Crash recovery of the records, wired by the service:
 *
 * - at start-up, before the service reports ready: earlier runs that did not stop cleanly are
 *   found (server/db/runs.ts) and the writes they left half-done are reconciled (their audit
 *   intents settled, their report contributions added); then the report figures are built if
 *   there are none and the ledger's compactor starts;
 * - after every reconnection to the database, before it counts as up again: this run's own
 *   writes cut off by the outage are reconciled (those a sweep is settling at that moment are
 *   left to it);
 * - every few seconds: intents of this run left by failed requests, and runs of other instances
 *   that died meanwhile.
 */
import type { Logger } from './logger.js';
import type { Api } from './api.js';
import type { Database } from './db/database.js';
import type { RunRegistry } from './db/runs.js';

/** How often the running service looks for leftovers. */
export const SWEEP_MS = 5000;

/** What start-up recovery found and did, for the log and the tests. */
export interface StartupRecovery {
  /** Earlier runs that had not stopped cleanly. */
  readonly uncleanRuns: readonly string[];
  readonly completed: number;
  readonly dropped: number;
  readonly ms: number;
}

/** Runs the start-up part (see the module comment) and arms the other two; returns a stop function. */
export async function startRecovery(deps: { readonly api: Api; readonly runs: RunRegistry; readonly database: Database; readonly logger: Logger }): Promise<{ readonly startup: StartupRecovery; stop(): Promise<void> }> {
  const { api, runs, database } = deps;
  const log = deps.logger.child({ module: 'recovery' });
  const started = Date.now();
  const dead = await runs.deadRuns();
  const settled = await api.audit.reconcile(dead);
  await runs.markReconciled(dead);
  await api.reports.ledger.ensure();
  const startup = { uncleanRuns: dead, ...settled, ms: Date.now() - started };
  if (dead.length > 0) log.warn(startup, 'startRecovery() the previous run did not stop cleanly; reconciled before serving');
  api.reports.ledger.start();
  database.onReconnect(async () => {
    const r = await api.audit.reconcile([runs.id], new Set());
    api.reports.invalidate();
    log.info(r, 'startRecovery() reconciled writes cut off by the outage');
  });
  let sweeping: Promise<unknown> = Promise.resolve();
  const timer = setInterval(() => {
    if (!database.available) return;
    sweeping = sweeping.then(() => sweep()).catch((err: unknown) => log.warn({ err }, 'sweep() failed; retrying later'));
  }, SWEEP_MS);
  timer.unref();
  const sweep = async (): Promise<void> => {
    const others = await runs.deadRunsNow();
    await api.audit.reconcile([runs.id, ...others], new Set(others));
    await runs.markReconciled(others);
  };
  return {
    startup,
    stop: async () => {
      clearInterval(timer);
      await sweeping;
      await api.reports.ledger.stop();
    },
  };
}
