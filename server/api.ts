/**
 * Composes the domains' HTTP routes under `/api` and exposes the services that signalling needs.
 * Domains are imported through their `index.ts` only.
 */
import type { Router } from 'express';
import mongoose from 'mongoose';
import type { Config } from '../config/index.js';
import { AuditLog, auditRoutes } from './audit/index.js';
import { AuthService, authRoutes } from './auth/index.js';
import type { Database } from './db/database.js';
import { RouteKit } from './http/routeKit.js';
import type { Logger } from './logger.js';
import { openApiRoutes } from './openapi/index.js';
import { ensureReportCounters, reportRoutes, ReportService } from './reports/index.js';
import { SentenceService, sentenceRoutes } from './sentences/index.js';
import { InvitationService, SessionService, createRoomAccess, sessionRoutes } from './sessions/index.js';
import type { RoomAccess } from './signaling/ports.js';
import { TrialService, trialRoutes } from './trials/index.js';
import { IdentityCipher, WitnessService, witnessRoutes } from './witnesses/index.js';

/** What the domains are built from. */
export interface ApiDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
}

/** The built API: its router plus the services other layers call. */
export interface Api {
  readonly router: Router;
  /** What live rooms need from the records domains. */
  readonly roomAccess: RoomAccess;
  /**
   * Waits (at most `ms`) for handlers still running — also those whose client has hung up —
   * and then for queued writes (the audit chain) to reach the database; called at shutdown.
   */
  drain(ms: number): Promise<void>;
}

/** Creates every model's indexes (autoIndex is off: FerretDB builds them explicitly at start). */
async function createIndexes(): Promise<void> {
  for (const model of Object.values(mongoose.models)) await model.createIndexes();
}

/** True when the server is FerretDB (it says so in buildInfo). */
async function isFerretDb(): Promise<boolean> {
  const info = await mongoose.connection.db?.admin().command({ buildInfo: 1 });
  return Boolean(info && ('ferretdbVersion' in info || 'ferretdb' in info));
}

/** Builds every domain's services and routes, creates indexes and the first administrator. */
export async function buildApi(deps: ApiDeps): Promise<Api> {
  const { config, logger } = deps;
  await createIndexes();
  const audit = new AuditLog(logger.child({ module: 'audit' }));
  const auth = new AuthService(config, logger.child({ module: 'auth' }), audit);
  await auth.ensureAdmin();
  const witnesses = new WitnessService(new IdentityCipher(config.identity), audit);
  const trials = new TrialService(auth, audit);
  await ensureReportCounters();
  const reports = new ReportService(config.reports);
  const sessions = new SessionService({ auth, trials, witnesses, audit, naturalIdOrder: await isFerretDb(), onEnded: (s) => reports.recordSessionEnded(s) });
  const invitations = new InvitationService({ sessions, witnesses, audit });
  const sentences = new SentenceService({ trials, sessions, audit, onRecorded: (s) => reports.recordSentence(s) });

  const kit = new RouteKit((header) => auth.authenticateHeader(header));
  authRoutes(kit, auth);
  witnessRoutes(kit, witnesses, audit);
  trialRoutes(kit, trials);
  sessionRoutes(kit, sessions, invitations);
  sentenceRoutes(kit, sentences);
  reportRoutes(kit, reports);
  auditRoutes(kit, audit);
  openApiRoutes(kit);
  return {
    router: kit.router,
    roomAccess: createRoomAccess({ auth, sessions, invitations, audit }),
    drain: async (ms) => {
      await kit.settled(ms);
      await audit.drain();
    },
  };
}
