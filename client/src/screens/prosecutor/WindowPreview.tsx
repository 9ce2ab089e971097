/** Shows a scheduled window in the witness's and in the court's local time, side by side. */
import { countryName, timeInZone, zoneOf } from '../../app/timezones.js';
import { t } from '../../strings.js';

export function WindowPreview({ start, end, fromCountry, courtCountry }: { start?: string; end?: string; fromCountry: string; courtCountry: string }) {
  const wz = zoneOf(fromCountry);
  const cz = zoneOf(courtCountry);
  if (!start || !end || !wz || !cz) return null;
  return (
    <div className="window-preview" aria-live="polite" data-testid="window-preview">
      <h3>{t.schedule.windowPreview}</h3>
      <dl className="facts">
        <dt>{t.schedule.witnessSide(`${countryName(fromCountry)}, ${wz}`)}</dt>
        <dd data-testid="window-witness">
          {timeInZone(start, wz)} – {timeInZone(end, wz)}
        </dd>
        <dt>{t.schedule.courtSide(`${countryName(courtCountry)}, ${cz}`)}</dt>
        <dd data-testid="window-court">
          {timeInZone(start, cz)} – {timeInZone(end, cz)}
        </dd>
      </dl>
    </div>
  );
}
