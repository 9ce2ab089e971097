/** A required choice of country (ISO code), labelled, for the trial, witness and schedule forms. */
import { countryOptions } from '../app/timezones.js';
import { t } from '../strings.js';

export function CountrySelect(p: { name: string; label: string; value: string; onChange(v: string): void }) {
  return (
    <label>
      {p.label}
      <select name={p.name} value={p.value} onChange={(e) => p.onChange(e.target.value)} required>
        <option value="">{t.schedule.chooseOne}</option>
        {countryOptions().map((c) => (
          <option key={c.code} value={c.code}>
            {c.name} ({c.code})
          </option>
        ))}
      </select>
    </label>
  );
}
