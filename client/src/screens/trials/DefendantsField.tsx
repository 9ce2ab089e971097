/** Names of defendants to add: one field each, with add and remove. */
import { t } from '../../strings.js';

const f = t.trialForm;

export function DefendantsField({ legend, value, onChange }: { legend: string; value: readonly string[]; onChange(v: string[]): void }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {value.map((name, i) => (
        <div className="row" key={i}>
          <label>
            {f.defendant(i + 1)}
            <input name={`defendant-${i}`} value={name} maxLength={120} onChange={(e) => onChange(value.map((v, j) => (j === i ? e.target.value : v)))} />
          </label>
          <button type="button" className="secondary" onClick={() => onChange(value.filter((_, j) => j !== i))}>
            {f.removeDefendant(i + 1)}
          </button>
        </div>
      ))}
      <button type="button" className="secondary" onClick={() => onChange([...value, ''])}>
        {f.addDefendant}
      </button>
    </fieldset>
  );
}
