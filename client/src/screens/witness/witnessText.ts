/** Sentences of the witness-facing pages that depend on a code or a date. */
import { sentenceKeyForCode } from '../../api/errorText.js';
import type { Locale, WitnessMessages } from '../../i18n/index.js';

/** The witness-language sentence for a refusal code; never the server's text. */
export function witnessSentence(m: WitnessMessages, code: string | undefined): string {
  if (code === 'timeout' || code === 'connect_failed') return m.errors.network;
  const key = code === undefined ? undefined : sentenceKeyForCode(code);
  const errors: Readonly<Record<string, string>> = m.errors;
  return (key !== undefined && Object.hasOwn(errors, key) ? errors[key] : undefined) ?? m.errors.unexpected;
}

/** "The session starts on …" in the page's language and the browser's own time zone. */
export function startSentence(locale: Locale, iso: string): string {
  const at = new Date(iso);
  const fmt = (o: Intl.DateTimeFormatOptions) => new Intl.DateTimeFormat(locale.meta.code, o).format(at);
  return locale.witness.join.startsAt(
    fmt({ day: 'numeric', month: 'long', year: 'numeric' }),
    fmt({ weekday: 'long' }),
    fmt({ hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
  );
}

/** A role in the page's language. */
export function roleName(m: WitnessMessages, role: string): string {
  const roles: Readonly<Record<string, string>> = m.roles;
  return Object.hasOwn(roles, role) ? (roles[role] ?? role) : role;
}
