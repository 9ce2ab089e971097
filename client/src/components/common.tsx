/** Small shared building blocks: alerts, loading state, buttons. */
import type { ReactNode } from 'react';
import { ApiError } from '../api/http.js';
import { t } from '../strings.js';

/** An error as a human sentence, announced to screen readers. */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = error instanceof ApiError || error instanceof Error ? humanMessage(error) : String(error);
  const problems = error instanceof ApiError ? error.fieldProblems : [];
  return (
    <div className="notice notice-error" role="alert">
      {title && <strong>{title}. </strong>}
      {message}
      {problems.length > 0 && (
        <ul>
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** Only our own errors carry sentences meant for people. */
function humanMessage(e: Error): string {
  return e instanceof ApiError || e.name === 'UserFacingError' ? e.message : t.errors.unexpected;
}

/** An error whose message was written for the user (from strings.ts). */
export class UserFacingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserFacingError';
  }
}

export function SuccessNotice({ children }: { children: ReactNode }) {
  return (
    <div className="notice notice-ok" role="status">
      {children}
    </div>
  );
}

export function Loading() {
  return (
    <p className="muted" role="status">
      {t.app.loading}
    </p>
  );
}

/** Formats an ISO instant in a time zone, e.g. `28 Nov 2026, 10:00`. */
export function formatInZone(iso: string | Date, timeZone?: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '—';
  return new Intl.DateTimeFormat(undefined, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(timeZone ? { timeZone, timeZoneName: 'short' } : {}),
  }).format(d);
}
