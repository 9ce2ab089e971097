/** Liveness and readiness probes. */
import { Router } from 'express';

/** What readiness depends on. */
export interface ReadinessProbe {
  /** Database answers a ping. */
  database(): Promise<boolean>;
  /** Every media worker process is alive; `workers` lists them. */
  media(): { ok: boolean; workers: readonly { index: number; alive: boolean }[] };
}

/** `GET /healthz` (process alive) and `GET /readyz` (database and media workers usable). */
export function healthRoutes(probe: ReadinessProbe): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  router.get('/readyz', async (_req, res) => {
    const database = await probe.database();
    const media = probe.media();
    const ready = database && media.ok;
    res.status(ready ? 200 : 503).json({
      status: ready ? 'ready' : 'unavailable',
      checks: {
        database: database ? 'ok' : 'unreachable',
        media: media.ok ? 'ok' : 'degraded',
        workers: media.workers.map((w) => ({ index: w.index, alive: w.alive })),
      },
    });
  });
  return router;
}
