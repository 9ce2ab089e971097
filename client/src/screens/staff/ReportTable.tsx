/** The figures behind a chart, as an accessible table (suppressed counts marked). */
import { t } from '../../strings.js';
import type { ChartRow, ChartValue } from './reportData.js';

function Cell({ v }: { v: ChartValue }) {
  return v.suppressed ? (
    <td className="suppressed" title={t.reports.suppressed}>
      {v.label}
      {v.label !== t.reports.suppressed && <span className="sr-only"> ({t.reports.suppressed})</span>}
    </td>
  ) : (
    <td>{v.label}</td>
  );
}

export function ReportTable({ title, groupLabel, rows, testId }: { title: string; groupLabel: string; rows: readonly ChartRow[]; testId: string }) {
  if (rows.length === 0) return null;
  return (
    <details>
      <summary>{t.reports.table(title)}</summary>
      <div className="table-wrap">
        <table data-testid={testId}>
          <thead>
            <tr>
              <th scope="col">{groupLabel}</th>
              <th scope="col">{t.reports.sessions}</th>
              <th scope="col">{t.reports.witnesses}</th>
              <th scope="col">{t.reports.sentenced}</th>
              <th scope="col">{t.reports.months}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.group} data-group={r.group}>
                <th scope="row">{r.group}</th>
                <Cell v={r.labels.sessions} />
                <Cell v={r.labels.witnesses} />
                <Cell v={r.labels.sentenced} />
                <Cell v={r.labels.months} />
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </details>
  );
}
