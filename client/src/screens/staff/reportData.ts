/** Turns report rows (where small counts may be suppressed as `"<3"`) into chart data. */
import type { Count, ReportRow } from '../../api/types.js';
import { t } from '../../strings.js';

/** A count as a number for drawing; a suppressed count draws as 0 and keeps its label. */
export interface ChartValue {
  readonly value: number;
  readonly label: string;
  readonly suppressed: boolean;
}

export function chartValue(c: Count | null | undefined): ChartValue {
  if (c === null) return { value: 0, label: t.reports.suppressed, suppressed: true };
  if (typeof c === 'number') return { value: c, label: String(c), suppressed: false };
  if (typeof c === 'string' && /^\d+$/.test(c)) return { value: Number(c), label: c, suppressed: false };
  return { value: 0, label: c ?? '—', suppressed: true };
}

export interface ChartRow {
  readonly group: string;
  readonly witnesses: number;
  readonly sentenced: number;
  readonly sessions: number;
  readonly labels: { readonly witnesses: ChartValue; readonly sentenced: ChartValue; readonly sessions: ChartValue; readonly months: ChartValue };
}

export function toChartRows(rows: readonly ReportRow[]): ChartRow[] {
  return rows.map((r) => {
    const witnesses = chartValue(r.witnessesTestified);
    const sentenced = chartValue(r.defendantsSentenced);
    const sessions = chartValue(r.sessionsHeld);
    const months = chartValue(r.sentenceMonths);
    return { group: r.group, witnesses: witnesses.value, sentenced: sentenced.value, sessions: sessions.value, labels: { witnesses, sentenced, sessions, months } };
  });
}

/** The suppression marker the server uses (e.g. `"<3"`), if any row has one. */
export function suppressionMarker(rows: readonly ReportRow[]): string | undefined {
  for (const r of rows)
    for (const c of [r.sessionsHeld, r.witnessesTestified, r.defendantsSentenced, r.sentenceMonths])
      if (typeof c === 'string' && !/^\d+$/.test(c)) return c;
  return undefined;
}
