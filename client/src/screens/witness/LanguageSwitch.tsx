/** Lets the person joining choose the language of their pages; each language named in itself. */
import { useId } from 'react';
import { LOCALES, useLocale, type Locale } from '../../i18n/index.js';

export function LanguageSwitch({ onChange }: { onChange(locale: Locale): void }) {
  const id = useId();
  const current = useLocale();
  return (
    <div className="lang-switch">
      <label htmlFor={id}>{current.witness.language}</label>
      <select
        id={id}
        name="language"
        value={current.meta.code}
        onChange={(e) => {
          const next = LOCALES.find((l) => l.meta.code === e.target.value);
          if (next) onChange(next);
        }}
      >
        {LOCALES.map((l) => (
          <option key={l.meta.code} value={l.meta.code} lang={l.meta.code}>
            {l.meta.name}
          </option>
        ))}
      </select>
    </div>
  );
}
