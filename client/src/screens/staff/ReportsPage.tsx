/** Programme staff: charts per year and per country pair, a year-range filter, CSV download of the range typed. */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/endpoints.js';
import type { ReportSummary } from '../../api/types.js';
import { usePageTitle } from '../../app/title.js';
import { ErrorNotice, Loading, UserFacingError } from '../../components/common.js';
import { useLoad } from '../../components/useLoad.js';
import { t } from '../../strings.js';
import { ReportChart } from './ReportChart.js';
import { ReportTable } from './ReportTable.js';
import { reportCsv } from './reportCsv.js';
import { suppressionMarker, toChartRows } from './reportData.js';

const THIS_YEAR = new Date().getFullYear();
type GroupBy = 'year' | 'countryPair';
interface Range {
  readonly from: number;
  readonly to: number;
}

/** The range typed, or undefined when it is not a range of years the API accepts. */
function parseRange(draft: { from: string; to: string }): Range | undefined {
  const from = Number(draft.from);
  const to = Number(draft.to);
  const year = (y: number) => Number.isInteger(y) && y >= 1900 && y <= 2200;
  return year(from) && year(to) && from <= to ? { from, to } : undefined;
}

function saveFile(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function ReportsPage() {
  usePageTitle(t.titles.reports);
  // `range` is what the charts show; undefined while the typed range is not valid (no stale charts).
  const [range, setRange] = useState<Range | undefined>({ from: THIS_YEAR - 4, to: THIS_YEAR });
  const [draft, setDraft] = useState({ from: String(THIS_YEAR - 4), to: String(THIS_YEAR) });
  const [formError, setFormError] = useState<unknown>();
  const [csvError, setCsvError] = useState<unknown>();
  const [downloading, setDownloading] = useState(false);
  const { data, error, loading } = useLoad(
    () => (range ? Promise.all([api.report(range.from, range.to, 'year'), api.report(range.from, range.to, 'countryPair')]) : Promise.resolve(undefined)),
    [range?.from, range?.to],
  );

  /** Applies the typed range; says why and clears the charts when it is not valid. */
  const applyDraft = (): Range | undefined => {
    const typed = parseRange(draft);
    setFormError(typed ? undefined : new UserFacingError(t.reports.badRange));
    setRange(typed);
    return typed;
  };

  const download = async (groupBy: GroupBy) => {
    const typed = applyDraft();
    if (!typed) return;
    setDownloading(true);
    setCsvError(undefined);
    try {
      const summary = await api.report(typed.from, typed.to, groupBy);
      saveFile(reportCsv(summary, groupBy === 'year' ? t.reports.year : t.reports.pair), `witness-bridge-${groupBy}-${typed.from}-${typed.to}.csv`);
    } catch (err) {
      setCsvError(err);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section aria-labelledby="reports-title">
      <h1 id="reports-title">{t.reports.title}</h1>
      <form className="card row filter" onSubmit={(e: FormEvent) => (e.preventDefault(), applyDraft())}>
        <label>
          {t.reports.from}
          <input name="from" type="number" min={1900} max={2200} value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </label>
        <label>
          {t.reports.to}
          <input name="to" type="number" min={1900} max={2200} value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
        </label>
        <button type="submit">{t.reports.apply}</button>
        <button type="button" className="secondary" disabled={downloading} onClick={() => void download('year')}>
          {downloading ? t.reports.downloading : `${t.reports.download} (${t.reports.year})`}
        </button>
        <button type="button" className="secondary" disabled={downloading} onClick={() => void download('countryPair')}>
          {downloading ? t.reports.downloading : `${t.reports.download} (${t.reports.pair})`}
        </button>
      </form>
      <ErrorNotice error={formError} />
      <ErrorNotice error={csvError} />
      {!range ? null : loading ? <Loading /> : error || !data ? <ErrorNotice error={error} /> : <Charts byYear={data[0]} byPair={data[1]} />}
    </section>
  );
}

function Charts({ byYear, byPair }: { byYear: ReportSummary; byPair: ReportSummary }) {
  const marker = suppressionMarker([...byYear.rows, ...byPair.rows]);
  const years = toChartRows(byYear.rows);
  const pairs = toChartRows(byPair.rows);
  // One sentence for "nothing in these years", not one per chart.
  if (years.length === 0 && pairs.length === 0)
    return (
      <p className="card muted" role="status">
        {t.reports.empty}
      </p>
    );
  return (
    <>
      {marker && <p className="notice">{t.reports.suppressedNote(byYear.threshold, marker)}</p>}
      <div className="card" data-testid="chart-year">
        <ReportChart
          title={t.reports.perYear}
          rows={years}
          series={[
            { key: 'witnesses', name: t.reports.witnesses, colour: '#2563eb' },
            { key: 'sentenced', name: t.reports.sentenced, colour: '#b45309' },
          ]}
        />
        <ReportTable title={t.reports.perYear} groupLabel={t.reports.year} rows={years} testId="table-year" />
      </div>
      <div className="card" data-testid="chart-pair">
        {pairs.length > 0 && <ReportChart title={t.reports.perPair} rows={pairs} series={[{ key: 'sessions', name: t.reports.sessions, colour: '#047857' }]} />}
        <ReportTable title={t.reports.perPair} groupLabel={t.reports.pair} rows={pairs} testId="table-pair" />
      </div>
    </>
  );
}
