/** Small shared building blocks: alerts, loading state, buttons. */
import { Component, type ReactNode } from 'react';
import { ApiError } from '../api/http.js';
import { sentenceForCode } from '../api/errorText.js';
import { t } from '../strings.js';

/**
 * An error as a human sentence, announced to screen readers. API errors already carry the
 * client's sentence for their code and, for invalid input, one sentence per failing field.
 */
export function ErrorNotice({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  const message = humanMessage(error);
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

/**
 * Only our own errors carry sentences meant for people. Another error with a known API or room
 * `code` (e.g. a refused room request) gets that code's sentence; anything else a neutral one,
 * so no server text, stack or JSON ever reaches the screen.
 */
function humanMessage(e: unknown): string {
  if (e instanceof ApiError || (e instanceof Error && e.name === 'UserFacingError')) return e.message;
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return (typeof code === 'string' ? sentenceForCode(code) : undefined) ?? t.errors.unexpected;
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
  // dateStyle/timeStyle cannot be combined with timeZoneName, so the parts are spelled out.
  return new Intl.DateTimeFormat(undefined, {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    // Courts keep a 24-hour clock, as the schedule form does.
    hourCycle: 'h23',
    ...(timeZone ? { timeZone, timeZoneName: 'short' } : {}),
  }).format(d);
}

/** Catches a screen that fails to render and shows a sentence instead of a blank page. */
export class ErrorBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError(): { failed: boolean } {
    return { failed: true };
  }
  override render(): ReactNode {
    if (!this.state.failed) return this.props.children;
    return (
      <div className="notice notice-error" role="alert">
        {t.errors.unexpected} <a href="/">{t.app.goHome}</a>
      </div>
    );
  }
}
