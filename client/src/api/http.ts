/**
 * The one place the client talks HTTP to `/api`: adds the sign-in token, parses JSON and turns
 * every failure into an `ApiError` whose `message` is a human sentence.
 */
import { t } from '../strings.js';

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

function sentenceForStatus(status: number): string {
  if (status === 400 || status === 422) return t.errors.badRequest;
  if (status === 401) return t.errors.unauthorized;
  if (status === 403) return t.errors.forbidden;
  if (status === 404) return t.errors.notFound;
  if (status === 409) return t.errors.conflict;
  if (status === 413) return t.errors.tooLarge;
  if (status === 429) return t.errors.tooMany;
  if (status >= 500) return t.errors.server;
  return t.errors.unexpected;
}

/** A server message is shown only if it reads like a sentence (never JSON, a stack or markup). */
function isHumanSentence(s: unknown): s is string {
  return typeof s === 'string' && s.length > 0 && s.length < 300 && !/[{}<>\n]|\bat \S+:\d+/.test(s);
}

function fieldProblemsOf(details: unknown): string[] {
  if (!Array.isArray(details)) return [];
  const out: string[] = [];
  for (const d of details as unknown[]) {
    if (typeof d !== 'object' || d === null) continue;
    const { path, message } = d as { path?: unknown; message?: unknown };
    if (typeof path === 'string' && isHumanSentence(message)) out.push(t.errors.fieldProblem(humanField(path), message));
  }
  return out.slice(0, 8);
}

/** `participants.0.userId` → `participants 1 user id`. */
function humanField(path: string): string {
  return path
    .replace(/^(body|query|params)\./, '')
    .split('.')
    .map((p) => (/^\d+$/.test(p) ? String(Number(p) + 1) : p.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase()))
    .join(' ');
}

/** Builds an `ApiError` from a failed response. */
export async function errorFromResponse(res: Response): Promise<ApiError> {
  let body: ErrorBody | undefined;
  try {
    if ((res.headers.get('content-type') ?? '').includes('json')) body = (await res.json()) as ErrorBody;
  } catch {
    body = undefined;
  }
  const code = typeof body?.error?.code === 'string' ? body.error.code : `http_${res.status}`;
  // Server 5xx messages are neutral by design, but our own sentence is just as good and never leaks.
  const serverMessage = res.status < 500 ? body?.error?.message : undefined;
  const message = isHumanSentence(serverMessage) ? serverMessage : sentenceForStatus(res.status);
  return new ApiError({ status: res.status, code, message, fieldProblems: fieldProblemsOf(body?.error?.details) });
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
    if (res.status === 401 && !opts.anonymous) onUnauthorized?.();
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
