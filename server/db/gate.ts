/**
 * Honest failure while the database is away: API calls are answered 503 `database_unavailable`
 * with `Retry-After` at once instead of hanging on the driver's timeouts, and so are calls
 * already running when the database goes away (their handlers finish in the background; writes
 * cut off that way are reconciled when it is back, see server/audit/intents.ts).
 */
import type { ErrorRequestHandler, RequestHandler, Response } from 'express';
import mongoose from 'mongoose';
import { DATABASE_UNAVAILABLE, ServiceUnavailableError, toErrorBody } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import type { Database, DatabaseState } from './database.js';

/** Driver errors that mean "the server is not reachable", not "the request is wrong" (network errors include a cleared pool). */
const CONNECTIVITY_ERRORS = [
  mongoose.mongo.MongoNetworkError,
  mongoose.mongo.MongoServerSelectionError,
  mongoose.mongo.MongoNotConnectedError,
  mongoose.mongo.MongoTopologyClosedError,
  mongoose.mongo.MongoServerClosedError,
  mongoose.mongo.MongoClientClosedError,
  mongoose.mongo.MongoOperationTimeoutError,
];
/** The same, by name, for errors wrapped or re-created by mongoose. */
const CONNECTIVITY_NAMES = new Set(['MongooseServerSelectionError', 'MongoPoolClearedError', 'PoolClearedError', 'PoolClearedOnNetworkError', ...CONNECTIVITY_ERRORS.map((c) => c.name)]);

/** The 503 for a database in `state`; a database that cannot come back asks for a longer pause. */
export function databaseUnavailable(state: DatabaseState = 'down'): ServiceUnavailableError {
  return new ServiceUnavailableError({
    message: 'The service is temporarily unavailable; please retry shortly.',
    code: DATABASE_UNAVAILABLE,
    retryAfterSeconds: state === 'gaveUp' ? 30 : state === 'recovering' ? 1 : 2,
  });
}

/**
 * Socket errors the driver lets through unwrapped: a command written to a connection the server
 * had just closed fails with Node's EPIPE ("This socket has been ended by the other party"), seen
 * when the embedded database was killed under load.
 */
const SOCKET_CODES = new Set(['EPIPE', 'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'ENOTCONN', 'ETIMEDOUT']);

/** True for an error raised because the database could not be reached (or mongoose gave up buffering). */
export function isConnectivityError(err: unknown): boolean {
  if (typeof err !== 'object' || err === null) return false;
  if (CONNECTIVITY_ERRORS.some((c) => err instanceof c)) return true;
  const { name, message, code } = err as { name?: unknown; message?: unknown; code?: unknown };
  if (typeof name === 'string' && CONNECTIVITY_NAMES.has(name)) return true;
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  return name === 'MongooseError' && typeof message === 'string' && /buffering timed out/.test(message);
}

/**
 * Converts a connectivity error into the 503 `database_unavailable` error; returns anything else
 * unchanged. For the signalling layer's acknowledgements as for HTTP.
 */
export function asDatabaseUnavailable(err: unknown): unknown {
  return isConnectivityError(err) ? databaseUnavailable() : err;
}

/**
 * The object `target` with its methods `calls` refusing at once with 503 `database_unavailable`
 * while the database is not up, answering the same at once for calls still running when it goes
 * away (the call itself goes on and may still land, like an HTTP write answered 503), and turning
 * a connectivity error into the same error; its other members are passed through. For the room signalling
 * port: the socket acknowledgements then answer `{ error: { code: 'database_unavailable' } }`
 * instead of waiting on the driver, while calls that need no database (media) go on.
 */
export function failFastWithoutDatabase<T extends object>(target: T, calls: readonly (keyof T & string)[], db: Pick<Database, 'available' | 'state' | 'on'>): T {
  const guarded = new Set<string | symbol>(calls);
  // Calls in flight, each with how to refuse it: all refused on the first state that is not up.
  const running = new Set<(err: Error) => void>();
  db.on('state', (state) => {
    if (state === 'up') return;
    const err = databaseUnavailable(state);
    for (const refuseCall of running) refuseCall(err);
    running.clear();
  });
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== 'function') return value;
      const fn = (value as (...args: unknown[]) => unknown).bind(t);
      if (!guarded.has(prop)) return fn;
      return async (...args: unknown[]): Promise<unknown> => {
        if (!db.available) throw databaseUnavailable(db.state);
        let refuseCall: (err: Error) => void = () => undefined;
        const refused = new Promise<never>((_resolve, reject) => (refuseCall = reject));
        running.add(refuseCall);
        try {
          return await Promise.race([fn(...args), refused]);
        } catch (err) {
          throw asDatabaseUnavailable(err);
        } finally {
          running.delete(refuseCall);
        }
      };
    },
  });
}

/** Most deferred calls one process keeps while the database is away; later ones are counted and logged. */
export const DEFERRED_LIMIT = 10_000;

/** How `deferWhileAway()` rewrites a call's arguments. */
export interface DeferHooks {
  /** Once, when the call is made: e.g. a key that lets a write made again land once. */
  readonly stamp?: (call: string, args: unknown[]) => unknown[];
  /** When the call is deferred, with the time it was made: e.g. an audit event says when it happened. */
  readonly mark?: (call: string, args: unknown[], at: Date) => unknown[];
}

/**
 * The object `target` with its methods `calls` never failing for a database that is away: a call
 * made while it is away resolves at once and waits in memory, in order, to be made again when the
 * database is back; one running when it goes away is let go and, if it then fails with a
 * connectivity error, waits behind those (with the time it was made). For writes nobody waits on
 * and that must not be lost to a moment's outage: the rooms' audit events, attendance and
 * telemetry. At most `DEFERRED_LIMIT` wait; beyond that they are counted and logged. They live in
 * this process: a service killed during the outage loses them (the room it ran is gone too).
 */
export function deferWhileAway<T extends object>(
  target: T,
  calls: readonly (keyof T & string)[],
  db: { readonly available: boolean; on(event: 'state', listener: (state: DatabaseState) => void): unknown },
  log: Logger,
  { stamp = (_call, args) => args, mark = (_call, args) => args }: DeferHooks = {},
): T {
  const deferred = new Set<string | symbol>(calls);
  const waiting: { call: string; args: unknown[] }[] = [];
  let lost = 0;
  let replaying = false;
  let again = false;
  let retry: NodeJS.Timeout | undefined;
  /** Keeps a call made at `at` for later. */
  const defer = (call: string, args: unknown[], at: Date): void => {
    if (waiting.length >= DEFERRED_LIMIT) {
      if (lost++ === 0) log.error({ call, limit: DEFERRED_LIMIT }, 'deferWhileAway() is full: further calls are lost until the database is back');
      return;
    }
    waiting.push({ call, args: mark(call, args, at) });
  };
  /** Tries again in a second: a connectivity error that the monitor did not see as an outage. */
  const retryLater = (): void => {
    retry ??= setTimeout(() => {
      retry = undefined;
      void replay();
    }, 1000).unref();
  };
  const invoke = (call: string, args: unknown[]): Promise<unknown> => (Reflect.get(target, call, target) as (...a: unknown[]) => Promise<unknown>).apply(target, args);
  const replay = async (): Promise<void> => {
    if (replaying) {
      again = true; // asked for while one runs (the database came back again): run once more after it
      return;
    }
    replaying = true;
    try {
      if (waiting.length > 0 || lost > 0) log.warn({ waiting: waiting.length, lost }, 'deferWhileAway() writing the calls deferred while the database was away');
      lost = 0;
      while (waiting.length > 0 && db.available) {
        const next = waiting[0]!;
        try {
          await invoke(next.call, next.args);
        } catch (err) {
          if (isConnectivityError(err)) return retryLater(); // away again: the rest waits
          log.error({ err, call: next.call }, 'deferWhileAway() a deferred call failed');
        }
        waiting.shift();
      }
    } finally {
      replaying = false;
      if (again) {
        again = false;
        void replay();
      }
    }
  };
  // Callers of calls in flight, let go when the database goes away (the call itself goes on).
  const running = new Set<() => void>();
  db.on('state', (state) => {
    if (state === 'up') return void replay();
    for (const release of running) release();
    running.clear();
  });
  return new Proxy(target, {
    get(t, prop) {
      const value = Reflect.get(t, prop, t) as unknown;
      if (typeof value !== 'function' || !deferred.has(prop)) return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
      const call = String(prop);
      return async (...given: unknown[]): Promise<void> => {
        const at = new Date();
        const args = stamp(call, given);
        // Behind calls still waiting, so that they keep their order.
        if (!db.available || waiting.length > 0) {
          defer(call, args, at);
          if (db.available) void replay();
          return;
        }
        // A call cut off by the outage is made again when the database is back, with the same
        // stamped arguments (so that a write which had in fact landed can land once); it then
        // waits behind the calls deferred meanwhile.
        let released = false;
        const made = invoke(call, args).catch((err: unknown) => {
          if (isConnectivityError(err)) {
            defer(call, args, at);
            return retryLater();
          }
          if (!released) throw err;
          log.error({ err, call }, 'deferWhileAway() a call let go during an outage failed');
        });
        let resolveLetGo: () => void = () => undefined;
        const letGo = new Promise<void>((resolve) => (resolveLetGo = resolve));
        const release = (): void => {
          released = true;
          resolveLetGo();
        };
        running.add(release);
        try {
          await Promise.race([made, letGo]);
        } finally {
          running.delete(release);
        }
      };
    },
  });
}

function refuse(res: Response, err: ServiceUnavailableError): void {
  if (res.headersSent) return;
  res.setHeader('Retry-After', String(err.retryAfterSeconds));
  res.status(err.status).json(toErrorBody(err).body);
}

/**
 * Refuses API calls while the database is not `up`, and answers the ones still running when it
 * goes away. Mount before the API routes.
 */
export function databaseGate(db: Pick<Database, 'available' | 'state' | 'on'>): RequestHandler {
  const running = new Set<Response>();
  db.on('state', (state) => {
    if (state === 'up') return;
    const err = databaseUnavailable(state);
    for (const res of running) refuse(res, err);
    running.clear();
  });
  return (_req, res, next) => {
    if (!db.available) {
      refuse(res, databaseUnavailable(db.state));
      return;
    }
    running.add(res);
    const done = (): void => void running.delete(res);
    res.once('finish', done);
    res.once('close', done);
    next();
  };
}

/**
 * Error middleware before the error handler: driver connectivity errors become 503
 * `database_unavailable` with `Retry-After`; a handler failing after the gate already answered
 * has nobody left to tell (logged at debug).
 */
export function databaseErrors(logger: Logger): ErrorRequestHandler {
  return (rawErr: unknown, req, res, next) => {
    if (res.headersSent) {
      logger.debug({ err: rawErr, method: req.method, route: (req.route as { path?: string } | undefined)?.path }, 'databaseErrors() failure after the response was sent');
      return;
    }
    const err = asDatabaseUnavailable(rawErr);
    if (err instanceof ServiceUnavailableError) res.setHeader('Retry-After', String(err.retryAfterSeconds));
    next(err);
  };
}
