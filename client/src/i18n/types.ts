/** The shape every language file of `locales/` has, derived from the English one. */
import type en from './locales/en.js';

/** Literal strings become `string`, message functions keep their parameters. */
type Widen<T> = T extends string ? string : T extends (...args: infer A) => string ? (...args: A) => string : { readonly [K in keyof T]: Widen<T[K]> };

/** Messages of the pages a witness (or anyone joining by link) sees. */
export type WitnessMessages = Widen<(typeof en)['witness']>;
/** Messages of the court-facing pages (English only today). */
export type CourtMessages = (typeof en)['court'];

/** One language: its code (ISO 639-1), its own name for itself, and its messages. */
export interface Locale {
  readonly meta: { readonly code: string; readonly name: string };
  readonly witness: WitnessMessages;
  /** Court-facing pages in this language; English is used where absent. */
  readonly court?: CourtMessages;
}
