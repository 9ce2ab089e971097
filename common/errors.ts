/**
 * The small set of typed errors that services and the media layer throw. Each carries a stable
 * `code` and an HTTP `status`; they are mapped to responses in exactly one place for HTTP
 * (`server/http/errorHandler.ts`) and one for socket acknowledgements (`server/signaling/ack.ts`).
 * Like the vocabulary beside it, this module imports nothing.
 */

/** A failing field in a validation error: where it is and what is wrong, never its value. */
export interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

interface AppErrorOptions {
  /** Human sentence safe to show to the caller: never includes protected data. */
  readonly message: string;
  /** Stable machine-readable code, e.g. `session_conflict`. */
  readonly code?: string;
  readonly details?: readonly FieldIssue[];
  readonly cause?: unknown;
}

/** Base of every expected error. */
export abstract class AppError extends Error {
  abstract readonly status: number;
  readonly code: string;
  readonly details: readonly FieldIssue[] | undefined;

  constructor(defaultCode: string, opts: AppErrorOptions) {
    super(opts.message, { cause: opts.cause });
    this.name = new.target.name;
    this.code = opts.code ?? defaultCode;
    this.details = opts.details;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  constructor(opts: AppErrorOptions) {
    super('validation_failed', opts);
  }
}

export class UnauthorizedError extends AppError {
  readonly status = 401;
  constructor(opts: AppErrorOptions = { message: 'Authentication required.' }) {
    super('unauthorized', opts);
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  constructor(opts: AppErrorOptions = { message: 'You are not allowed to do this.' }) {
    super('forbidden', opts);
  }
}

export class NotFoundError extends AppError {
  readonly status = 404;
  constructor(opts: AppErrorOptions = { message: 'Not found.' }) {
    super('not_found', opts);
  }
}

/**
 * `work`'s value, or undefined when it failed with NotFoundError. Any other failure (the database
 * away, above all) still fails: a missing record is bad input, an outage is not.
 */
export async function unlessNotFound<T>(work: Promise<T>): Promise<T | undefined> {
  try {
    return await work;
  } catch (err) {
    if (err instanceof NotFoundError) return undefined;
    throw err;
  }
}

export class ConflictError extends AppError {
  readonly status = 409;
  constructor(opts: AppErrorOptions) {
    super('conflict', opts);
  }
}

export class InvalidStateError extends AppError {
  readonly status = 409;
  constructor(opts: AppErrorOptions) {
    super('invalid_state', opts);
  }
}

export class MethodNotAllowedError extends AppError {
  readonly status = 405;
  /** The methods the path does accept, for the `Allow` header. */
  readonly allow: readonly string[];
  constructor(opts: AppErrorOptions & { readonly allow: readonly string[] }) {
    super('method_not_allowed', opts);
    this.allow = opts.allow;
  }
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  constructor(opts: AppErrorOptions = { message: 'The request body is too large.' }) {
    super('payload_too_large', opts);
  }
}

export class TooManyRequestsError extends AppError {
  readonly status = 429;
  constructor(opts: AppErrorOptions) {
    super('too_many_requests', opts);
  }
}

/** Stable code of a 503 caused by the database being away, over HTTP and in socket acknowledgements. */
export const DATABASE_UNAVAILABLE = 'database_unavailable';

/**
 * The service cannot do this right now (its database is away); the caller should retry after
 * `retryAfterSeconds` (sent as `Retry-After`). Nothing was changed, or the outcome of a write is
 * not known yet: reading back tells.
 */
export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly retryAfterSeconds: number;
  constructor(opts: AppErrorOptions & { readonly retryAfterSeconds?: number } = { message: 'The service is temporarily unavailable; please retry shortly.', code: DATABASE_UNAVAILABLE }) {
    super('service_unavailable', opts);
    this.retryAfterSeconds = opts.retryAfterSeconds ?? 2;
  }
}

/** True for the 503 that says the database is away. */
export function isDatabaseUnavailable(err: unknown): boolean {
  return err instanceof ServiceUnavailableError && err.code === DATABASE_UNAVAILABLE;
}

/** The JSON body of every error response and error acknowledgement. */
export interface ErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: readonly FieldIssue[] };
}

/** Converts an expected error to its public body; anything else becomes a neutral 500. */
export function toErrorBody(err: unknown): { status: number; body: ErrorBody; expected: boolean } {
  if (err instanceof AppError) {
    const error = err.details ? { code: err.code, message: err.message, details: err.details } : { code: err.code, message: err.message };
    return { status: err.status, body: { error }, expected: true };
  }
  return { status: 500, body: { error: { code: 'internal', message: 'Something went wrong on our side.' } }, expected: false };
}

/** For exhaustive switches: a compile error when a case is missed. */
export function assertUnreachable(x: never): never {
  throw new Error(`Unreachable case: ${String(x)}`);
}
