/**
 * The message catalogue: one file per language in `locales/`, found at build time, so adding a
 * language is adding one file. Witness-facing pages read `useWitnessText()` (the language chosen
 * from the invitation, switchable by the witness); court-facing pages stay English (`t` in
 * `strings.ts`, which is English's `court` part).
 */
import { createContext, createElement, useContext, useEffect, type ReactNode } from 'react';
import en from './locales/en.js';
import type { Locale, WitnessMessages } from './types.js';

export type { Locale, WitnessMessages };

const found = import.meta.glob<Locale>('./locales/*.ts', { eager: true, import: 'default' });

/** Every language, English first, then by code. */
export const LOCALES: readonly Locale[] = Object.values(found).sort((a, b) =>
  a.meta.code === 'en' ? -1 : b.meta.code === 'en' ? 1 : a.meta.code.localeCompare(b.meta.code),
);

/** The language for `code`, or undefined when there is no file for it. */
export function findLocale(code: string | null | undefined): Locale | undefined {
  return code ? LOCALES.find((l) => l.meta.code === code) : undefined;
}

const KEY = 'wb.lang';

/**
 * The witness's language: the one they switched to in this tab, else the invitation's, else the
 * browser's if we have it, else English.
 */
export function initialLanguage(fromInvitation: string | undefined): Locale {
  let kept: string | null = null;
  try {
    kept = sessionStorage.getItem(KEY);
  } catch {
    kept = null;
  }
  return findLocale(kept) ?? findLocale(fromInvitation) ?? findLocale(navigator.language.slice(0, 2)) ?? en;
}

/** Remembers the witness's choice for reloads of this tab. */
export function keepLanguage(code: string): void {
  try {
    sessionStorage.setItem(KEY, code);
  } catch {
    // Storage blocked: the choice holds until the page is reloaded.
  }
}

const LocaleContext = createContext<Locale>(en);

/** Gives the pages below `locale`, and tells the browser (and screen readers) which language it is. */
export function LanguageProvider({ locale, children }: { locale: Locale; children: ReactNode }) {
  useEffect(() => {
    document.documentElement.lang = locale.meta.code;
    return () => {
      document.documentElement.lang = 'en';
    };
  }, [locale]);
  return createElement(LocaleContext.Provider, { value: locale }, children);
}

/** The active language (English outside a `LanguageProvider`, e.g. for court participants). */
export function useLocale(): Locale {
  return useContext(LocaleContext);
}

/** Messages of the witness-facing pages in the active language. */
export function useWitnessText(): WitnessMessages {
  return useContext(LocaleContext).witness;
}
