/**
 * The Express application: security headers, JSON body limits, probes, the API, the built client
 * and the one error handler. It knows nothing of mediasoup or Socket.IO.
 */
import fs from 'node:fs';
import path from 'node:path';
import express, { type Express, type Router } from 'express';
import helmet from 'helmet';
import type { Config } from '../config/index.js';
import type { Logger } from './logger.js';
import { errorHandler, notFoundHandler } from './http/errorHandler.js';
import { healthRoutes, type ReadinessProbe } from './health/health.routes.js';
import type { Database } from './db/database.js';
import { databaseErrors, databaseGate } from './db/gate.js';

/** What `createApp()` needs. */
export interface AppDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly readiness: ReadinessProbe;
  /** API calls are refused with 503 while it is not up (see server/db/gate.ts). */
  readonly database?: Pick<Database, 'available' | 'state' | 'on'>;
  /** Routers mounted under `/api` (the domains' routes). */
  readonly api?: Router;
}

/** Builds the Express app. */
export function createApp(deps: AppDeps): Express {
  const { config, logger } = deps;
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', config.http.trustProxy ? 1 : false);
  app.set('query parser', 'simple');
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          // WebRTC media and Socket.IO both need to reach this origin only.
          'connect-src': ["'self'"],
          'media-src': ["'self'", 'blob:'],
          'img-src': ["'self'", 'data:', 'blob:'],
        },
      },
      // Invitation tokens travel in the URL fragment; never send the page URL elsewhere.
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  app.use(healthRoutes(deps.readiness));
  if (deps.database) app.use('/api', databaseGate(deps.database));
  app.use('/api', express.json({ limit: config.http.bodyLimit, strict: true }));
  if (deps.api) app.use('/api', deps.api);
  app.use('/api', notFoundHandler);
  mountClient(app, config.http.clientDir);
  app.use(notFoundHandler);
  const httpLog = logger.child({ module: 'http' });
  app.use(databaseErrors(httpLog));
  app.use(errorHandler(httpLog));
  return app;
}

/** Serves the built single-page client, falling back to index.html for client-side routes. */
function mountClient(app: Express, clientDir: string): void {
  const index = path.join(clientDir, 'index.html');
  if (!fs.existsSync(index)) return;
  app.use(express.static(clientDir, { index: false, maxAge: '1h' }));
  app.get(/^\/(?!api\/|socket\.io\/).*/, (req, res, next) => {
    if (!req.accepts('html')) return next();
    res.setHeader('Cache-Control', 'no-store');
    res.sendFile(index);
  });
}
