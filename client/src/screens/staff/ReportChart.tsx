/** A bar chart of report rows; suppressed counts are drawn as hatched empty bars labelled as such. */
import { Bar, BarChart, CartesianGrid, Cell, LabelList, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { t } from '../../strings.js';
import type { ChartRow } from './reportData.js';

export interface Series {
  readonly key: 'witnesses' | 'sentenced' | 'sessions';
  readonly name: string;
  readonly colour: string;
}

export function ReportChart({ rows, series, title }: { rows: readonly ChartRow[]; series: readonly Series[]; title: string }) {
  // Suppressed counts get a small stub bar so that "there is something here" stays visible.
  const stub = Math.max(0.4, Math.max(1, ...rows.flatMap((r) => series.map((s) => r[s.key]))) * 0.04);
  const data = rows.map((r) => {
    const out: Record<string, number | string> = { group: r.group };
    for (const s of series) {
      out[s.key] = r.labels[s.key].suppressed ? stub : r[s.key];
      out[`${s.key}Label`] = r.labels[s.key].label;
    }
    return out;
  });
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={data} margin={{ top: 20, right: 16, bottom: 8, left: 0 }}>
          <defs>
            <pattern id="hatch" patternUnits="userSpaceOnUse" width="6" height="6" patternTransform="rotate(45)">
              <line x1="0" y1="0" x2="0" y2="6" stroke="#6b7280" strokeWidth="2" />
            </pattern>
          </defs>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="group" />
          <YAxis allowDecimals={false} />
          <Tooltip
            formatter={(_v, name, item) => {
              const s = series.find((x) => x.name === name);
              const row = rows.find((r) => r.group === (item.payload as { group: string }).group);
              const l = s && row ? row.labels[s.key] : undefined;
              return [l ? (l.suppressed ? `${l.label} (${t.reports.suppressed})` : l.label) : '', name];
            }}
          />
          <Legend />
          {series.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.name} fill={s.colour} maxBarSize={72} isAnimationActive={false}>
              {rows.map((r) => (
                <Cell key={r.group} fill={r.labels[s.key].suppressed ? 'url(#hatch)' : s.colour} />
              ))}
              <LabelList dataKey={`${s.key}Label`} position="top" fill="#1f2937" fontSize={12} />
            </Bar>
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}
