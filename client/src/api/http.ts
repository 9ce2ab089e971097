/**
 * The one place the client talks HTTP to `/api`: adds the sign-in token, parses JSON and turns
 * every failure into an `ApiError` whose `message` is the client's own sentence for the error's
 * code (from `strings.ts`, via `errorText.ts`).
 */
import { t } from '../strings.js';
import { errorText } from './errorText.js';

interface ErrorBody {
  readonly error?: { readonly code?: unknown; readonly message?: unknown; readonly details?: unknown };
}

/** A failed API call; `message` is always fit to show to the user. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Problems with single fields, already phrased for people. */
  readonly fieldProblems: readonly string[];

  constructor(opts: { status: number; code: string; message: string; fieldProblems?: readonly string[] }) {
    super(opts.message);
    this.name = 'ApiError';
    this.status = opts.status;
    this.code = opts.code;
    this.fieldProblems = opts.fieldProblems ?? [];
  }
}

/** Called when any request answers 401, so the app can sign the user out. */
let onUnauthorized: (() => void) | undefined;
export function setUnauthorizedHandler(handler: (() => void) | undefined): void {
  onUnauthorized = handler;
}

let authToken: string | undefined;
/** Sets the bearer token sent with every request. */
export function setAuthToken(token: string | undefined): void {
  authToken = token;
}

/** Builds an `ApiError` from a failed response. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let body: ErrorBody | undefined;
  try {
    if ((res.headers.get('content-type') ?? '').includes('json')) body = (await res.json()) as ErrorBody;
  } catch {
    body = undefined;
  }
  const serverCode = typeof body?.error?.code === 'string' ? body.error.code : undefined;
  // The server's own `message` is English and untranslated: only its code and field paths are used.
  const { message, fieldProblems } = errorText({ status: res.status, code: serverCode, details: body?.error?.details });
  return new ApiError({ status: res.status, code: serverCode ?? `http_${res.status}`, message, fieldProblems });
}

/** Options of one request. */
export interface RequestOptions {
  readonly body?: unknown;
  readonly accept?: string;
  readonly signal?: AbortSignal;
  /** Do not treat 401 as "signed out" (the sign-in form itself). */
  readonly anonymous?: boolean;
}

async function send(method: string, path: string, opts: RequestOptions): Promise<Response> {
  const headers: Record<string, string> = { Accept: opts.accept ?? 'application/json' };
  if (opts.body !== undefined) headers['Content-Type'] = 'application/json';
  if (authToken && !opts.anonymous) headers.Authorization = `Bearer ${authToken}`;
  let res: Response;
  try {
    res = await fetch(`/api${path}`, {
      method,
      headers,
      body: opts.body === undefined ? null : JSON.stringify(opts.body),
      signal: opts.signal ?? null,
      credentials: 'same-origin',
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({ status: 0, code: 'network', message: t.errors.network });
  }
  if (!res.ok) {
    const error = await errorFromResponse(res);
    // bad_credentials answers a password typed (e.g. the current one when changing it), not the sign-in.
    if (res.status === 401 && !opts.anonymous && error.code !== 'bad_credentials') onUnauthorized?.();
    throw error;
  }
  return res;
}

/** A JSON request; resolves to the parsed body. */
export async function requestJson<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const res = await send(method, path, opts);
  if (res.status === 204) return undefined as T;
  try {
    return (await res.json()) as T;
  } catch {
    throw new ApiError({ status: res.status, code: 'bad_body', message: t.errors.unexpected });
  }
}

/** A request whose answer is downloaded as a file (e.g. CSV). */
export async function requestBlob(path: string, accept: string): Promise<Blob> {
  const res = await send('GET', path, { accept });
  return res.blob();
}

/** Any thrown value as a sentence for the user. */
export function messageOf(err: unknown): string {
  if (err instanceof ApiError) return err.message;
  return t.errors.unexpected;
}
