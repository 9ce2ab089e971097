/**
 * Composes the domains' HTTP routes under `/api` and exposes the services that signalling needs.
 * Domains are imported through their `index.ts` only.
 */
import type { Router } from 'express';
import mongoose from 'mongoose';
import type { Config } from '../config/index.js';
import { AuditLog, auditRoutes } from './audit/index.js';
import { AuthService, authRoutes, type FirstRunAdmin } from './auth/index.js';
import type { Database } from './db/database.js';
import { deferWhileAway, failFastWithoutDatabase, type DeferHooks } from './db/gate.js';
import { RouteKit } from './http/routeKit.js';
import type { Logger } from './logger.js';
import { openApiRoutes } from './openapi/index.js';
import { ReportLedger, reportRoutes, ReportService, sentenceRecorded, sessionHeld } from './reports/index.js';
import { SentenceService, sentenceRoutes } from './sentences/index.js';
import { AttendanceModel, InvitationService, SessionService, createRoomAccess, removeRepeatedAttendance, sessionRoutes } from './sessions/index.js';
import type { RoomAccess, RoomAuditEvent } from './signaling/ports.js';
import { TrialService, trialRoutes } from './trials/index.js';
import { HearingService, InterpretationService, MinutesService, hearingRoutes } from './hearing/index.js';
import { IdentityCipher, WitnessService, witnessRoutes } from './witnesses/index.js';

/** What the domains are built from. */
export interface ApiDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
  /** This service run (server/db/runs.ts), stamped on audit intents. */
  readonly runId?: string;
}

/** The built API: its router plus the services other layers call. */
export interface Api {
  readonly router: Router;
  /** What live rooms need from the records domains. */
  readonly roomAccess: RoomAccess;
  /** The audit log (reconciliation at start-up and after reconnection). */
  readonly audit: AuditLog;
  /** The reports (their ledger is built and compacted by the service). */
  readonly reports: ReportService;
  /**
   * Waits (at most `ms`) for handlers still running — also those whose client has hung up —
   * and then for queued writes (the audit chain) to reach the database; called at shutdown.
   */
  drain(ms: number): Promise<void>;
  /** The one-time administrator this start created (no administrator existed), for the console. */
  readonly firstRun: FirstRunAdmin | undefined;
}

/** The room port's calls that read or write records (its subscriptions need no database). */
const ROOM_CALLS = ['authenticate', 'getSession', 'setStatus', 'setMeasure', 'revokeParticipant'] as const;
const HEARING_CALLS = ['state', 'recordIdentityCheck', 'overrideIdentityCheck', 'recordOath', 'suspend', 'resume'] as const;
/** Room writes nobody waits on: kept while the database is away and written when it is back. */
const ROOM_DEFERRED = ['recordAttendance', 'audit'] as const;
const HEARING_DEFERRED = ['recordTelemetrySummary'] as const;

/** Room audit events: each gets its id when made (appended once, however often it is written); one written late says when it happened. */
const ROOM_AUDIT_HOOKS: DeferHooks = {
  stamp(call, args) {
    if (call !== 'audit') return args;
    const event = args[0] as RoomAuditEvent;
    return [{ ...event, id: event.id ?? new mongoose.Types.ObjectId().toHexString() }, ...args.slice(1)];
  },
  mark(call, args, at) {
    if (call !== 'audit') return args;
    const event = args[0] as RoomAuditEvent;
    return [{ ...event, details: { ...event.details, deferred: true, occurredAt: at.toISOString() } }, ...args.slice(1)];
  },
};

/** Creates every model's indexes (autoIndex is off: FerretDB builds them explicitly at start). */
export async function createIndexes(logger: Logger): Promise<void> {
  for (const model of Object.values(mongoose.models)) {
    try {
      await model.createIndexes();
    } catch (err) {
      // Attendance marks written twice before their index was unique: keep one of each, then
      // build it (FerretDB does not refuse the index with MongoDB's duplicate key code).
      if (model !== AttendanceModel) throw err;
      logger.warn({ err, removed: await removeRepeatedAttendance() }, 'createIndexes() removed repeated attendance marks');
      await model.createIndexes();
    }
  }
}

/** True when the server is FerretDB (it says so in buildInfo). */
async function isFerretDb(): Promise<boolean> {
  const info = await mongoose.connection.db?.admin().command({ buildInfo: 1 });
  return Boolean(info && ('ferretdbVersion' in info || 'ferretdb' in info));
}

/** Builds every domain's services and routes, creates indexes and the first administrator. */
export async function buildApi(deps: ApiDeps): Promise<Api> {
  const { config, logger } = deps;
  await createIndexes(logger);
  const reports = new ReportService(config.reports, new ReportLedger(logger.child({ module: 'reports' })));
  const audit = new AuditLog({
    logger: logger.child({ module: 'audit' }),
    key: config.audit.key,
    anchorFile: config.audit.anchorFile,
    runId: deps.runId,
    contribute: (c, intent) => reports.contribute(c, intent),
  });
  const auth = new AuthService(config, logger.child({ module: 'auth' }), audit);
  const firstRun = await auth.ensureAdmin();
  // Trials need the sessions' participants to know who reads them (called at request time, once `sessions` exists).
  const trials: TrialService = new TrialService({ auth, audit, trialsTakingPart: (userId): Promise<string[]> => sessions.trialIdsTakingPart(userId), onAssignmentChanged: () => sessions.invalidatePages() });
  const witnesses = new WitnessService({ cipher: new IdentityCipher(config.identity), audit, auth, trials });
  const naturalIdOrder = await isFerretDb();
  const sessions: SessionService = new SessionService({ auth, trials, witnesses, audit, naturalIdOrder, reportContribution: sessionHeld });
  const invitations = new InvitationService({ sessions, witnesses, audit });
  const sentences = new SentenceService({ trials, sessions, audit, reportContribution: sentenceRecorded });
  const interpretation = new InterpretationService({ sessions, invitations, audit });
  const hearing = new HearingService({ sessions, invitations, interpretation, audit, logger: logger.child({ module: 'hearing' }) });
  const minutes = new MinutesService({ sessions, invitations, trials, witnesses, auth, hearing, interpretation, audit, logger: logger.child({ module: 'minutes' }) });

  const kit = new RouteKit((header) => auth.authenticateHeader(header));
  authRoutes(kit, auth);
  witnessRoutes(kit, witnesses, audit);
  trialRoutes(kit, trials);
  sessionRoutes(kit, sessions, invitations);
  sentenceRoutes(kit, sentences);
  reportRoutes(kit, reports);
  hearingRoutes(kit, interpretation, minutes);
  auditRoutes(kit, audit);
  openApiRoutes(kit);
  const deferLog = logger.child({ module: 'rooms' });
  return {
    router: kit.router,
    // Room calls that need the database refuse at once while it is away (as the HTTP API does).
    roomAccess: failFastWithoutDatabase(
      deferWhileAway(
        createRoomAccess({ auth, sessions, invitations, audit, hearing: failFastWithoutDatabase(deferWhileAway(hearing, HEARING_DEFERRED, deps.database, deferLog), HEARING_CALLS, deps.database) }),
        ROOM_DEFERRED,
        deps.database,
        deferLog,
        ROOM_AUDIT_HOOKS,
      ),
      ROOM_CALLS,
      deps.database,
    ),
    audit,
    reports,
    drain: async (ms) => {
      await kit.settled(ms);
      await auth.drain();
      await audit.close();
    },
    firstRun,
  };
}
