/**
 * Input validation at the HTTP edge: one helper turns zod failures into `ValidationError` with
 * field paths (never values), and one guard refuses MongoDB query-operator injection anywhere in
 * a request before any schema or query sees it.
 */
import { z } from 'zod';
import { ValidationError, type FieldIssue } from '../../common/errors.js';

/** Where a value came from, used as the first segment of each failing field's path. */
export type InputPart = 'body' | 'query' | 'params';

function issuePath(where: string, path: readonly PropertyKey[]): string {
  return [where, ...path.map((p) => String(p))].join('.');
}

/**
 * Parses `value` with `schema`; throws `ValidationError` listing each failing field and why.
 * Messages come from zod's issue templates, which name expectations and never echo the input.
 */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: InputPart | string): z.output<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const details: FieldIssue[] = result.error.issues.map((issue) => ({
    path: issuePath(where, issue.path),
    message: issue.message,
  }));
  throw new ValidationError({ message: 'The request is not valid.', details });
}

/** True for a key MongoDB would read as an operator or a dotted path. */
function isOperatorKey(key: string): boolean {
  return key.startsWith('$') || key.includes('.') || key.includes('[$');
}

/** Finds the first operator-looking key in a JSON value (depth-limited against hostile nesting). */
function findOperatorKey(value: unknown, path: string, depth = 0): string | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (depth > 32) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findOperatorKey(value[i], `${path}.${i}`, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  for (const [key, inner] of Object.entries(value)) {
    if (isOperatorKey(key)) return path;
    const found = findOperatorKey(inner, `${path}.${key}`, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/**
 * Throws `ValidationError` when body, query or params carry a key that starts with `$`,
 * contains `.`, or looks like a bracketed operator (`a[$ne]`). Applied to every API request.
 */
export function refuseOperatorKeys(parts: Record<InputPart, unknown>): void {
  for (const where of ['body', 'query', 'params'] as const) {
    const found = findOperatorKey(parts[where], where);
    if (found) {
      throw new ValidationError({
        message: 'Keys starting with "$" or containing "." are not accepted.',
        code: 'operator_injection',
        details: [{ path: found, message: 'operator or dotted key refused' }],
      });
    }
  }
}

/** 24-hex-digit object id, as a path parameter or a reference in a body. */
export const objectId = z.string().regex(/^[a-f0-9]{24}$/, 'must be a 24-character hexadecimal id');

/** `{ id }` path parameters. */
export const idParams = z.object({ id: objectId }).strict();

/** ISO 3166-1 alpha-2 country code. */
export const countryCode = z.string().regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as MD');

/**
 * Page size for lists: 1..200, default 20 (query strings arrive as text). FerretDB decodes every
 * document it returns, so the page size dominates a list's cost there.
 */
export const limitQuery = z.coerce.number().int().min(1).max(200).default(20);
