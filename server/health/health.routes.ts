/** Liveness and readiness probes. */
import { Router } from 'express';
import type { DatabaseState } from '../db/database.js';

/** What the probes look at. */
export interface ReadinessProbe {
  /** The database monitor's state (see server/db/database.ts). */
  database(): DatabaseState;
  /** Every media worker process is alive; `workers` lists them. */
  media(): { ok: boolean; workers: readonly { index: number; alive: boolean }[] };
}

const DATABASE_CHECK: Record<DatabaseState, string> = { up: 'ok', recovering: 'recovering', down: 'unreachable', gaveUp: 'gaveUp', closed: 'closed' };

/**
 * `GET /healthz`: 200 while the process can still recover by itself; 503 only when recovery has
 * given up (the embedded database could not be restarted), so an orchestrator restarts it.
 * `GET /readyz`: 200 when the database is up (and reconciled) and every media worker is alive.
 */
export function healthRoutes(probe: ReadinessProbe): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    const database = probe.database();
    if (database === 'gaveUp') res.status(503).json({ status: 'failing', checks: { database: DATABASE_CHECK[database] } });
    else res.json({ status: 'ok' });
  });
  router.get('/readyz', (_req, res) => {
    const database = probe.database();
    const media = probe.media();
    const ready = database === 'up' && media.ok;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      checks: {
        database: DATABASE_CHECK[database],
        media: media.ok ? 'ok' : 'degraded',
        workers: media.workers.map((w) => ({ index: w.index, alive: w.alive })),
      },
    });
  });
  return router;
}
