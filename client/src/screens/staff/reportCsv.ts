/**
 * The CSV a person downloads from the reports screen: built from the same rows and cell texts as
 * the table beside the chart, so both say the same (same suppression marker, human column names).
 * RFC 4180 quoting; a cell that a spreadsheet would run as a formula is prefixed with `'`.
 */
import type { ReportSummary } from '../../api/types.js';
import { t } from '../../strings.js';
import { toChartRows } from './reportData.js';

function cell(text: string): string {
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The column names, in the table's order. */
export function csvHeader(groupLabel: string): string[] {
  return [groupLabel, t.reports.sessions, t.reports.witnesses, t.reports.sentenced, t.reports.months];
}

export function reportCsv(summary: ReportSummary, groupLabel: string): string {
  const lines = toChartRows(summary.rows).map((r) => [r.group, r.labels.sessions.label, r.labels.witnesses.label, r.labels.sentenced.label, r.labels.months.label]);
  return [csvHeader(groupLabel), ...lines].map((l) => l.map(cell).join(',')).join('\r\n') + '\r\n';
}
