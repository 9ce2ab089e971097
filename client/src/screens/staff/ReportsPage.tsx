/** Programme staff: charts per year and per country pair, a year-range filter, CSV download. */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/endpoints.js';
import type { ReportSummary } from '../../api/types.js';
import { ErrorNotice, Loading, UserFacingError } from '../../components/common.js';
import { useLoad } from '../../components/useLoad.js';
import { t } from '../../strings.js';
import { ReportChart } from './ReportChart.js';
import { ReportTable } from './ReportTable.js';
import { suppressionMarker, toChartRows } from './reportData.js';

const THIS_YEAR = new Date().getFullYear();

export function ReportsPage() {
  const [range, setRange] = useState({ from: THIS_YEAR - 4, to: THIS_YEAR });
  const [draft, setDraft] = useState({ from: String(range.from), to: String(range.to) });
  const [formError, setFormError] = useState<unknown>();
  const [csvError, setCsvError] = useState<unknown>();
  const [downloading, setDownloading] = useState(false);
  const { data, error, loading } = useLoad(
    () => Promise.all([api.report(range.from, range.to, 'year'), api.report(range.from, range.to, 'countryPair')]),
    [range.from, range.to],
  );

  const apply = (e: FormEvent) => {
    e.preventDefault();
    const from = Number(draft.from);
    const to = Number(draft.to);
    if (!Number.isInteger(from) || !Number.isInteger(to) || from > to) {
      setFormError(new UserFacingError(t.reports.badRange));
      return;
    }
    setFormError(undefined);
    setRange({ from, to });
  };

  const download = async (groupBy: 'year' | 'countryPair') => {
    setDownloading(true);
    setCsvError(undefined);
    try {
      const blob = await api.reportCsv(range.from, range.to, groupBy);
      const url = URL.createObjectURL(blob);
      const a = document.createElement('a');
      a.href = url;
      a.download = `witness-bridge-${groupBy}-${range.from}-${range.to}.csv`;
      a.click();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (err) {
      setCsvError(err);
    } finally {
      setDownloading(false);
    }
  };

  return (
    <section aria-labelledby="reports-title">
      <h1 id="reports-title">{t.reports.title}</h1>
      <form className="card row filter" onSubmit={apply}>
        <label>
          {t.reports.from}
          <input name="from" type="number" min={1990} max={2100} value={draft.from} onChange={(e) => setDraft({ ...draft, from: e.target.value })} />
        </label>
        <label>
          {t.reports.to}
          <input name="to" type="number" min={1990} max={2100} value={draft.to} onChange={(e) => setDraft({ ...draft, to: e.target.value })} />
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
      {loading ? <Loading /> : error || !data ? <ErrorNotice error={error} /> : <Charts byYear={data[0]} byPair={data[1]} />}
    </section>
  );
}

function Charts({ byYear, byPair }: { byYear: ReportSummary; byPair: ReportSummary }) {
  const marker = suppressionMarker([...byYear.rows, ...byPair.rows]);
  const years = toChartRows(byYear.rows);
  const pairs = toChartRows(byPair.rows);
  return (
    <>
      {marker && <p className="notice">{t.reports.suppressedNote(byYear.threshold, marker)}</p>}
      <div className="card" data-testid="chart-year">
        {years.length === 0 ? (
          <p className="muted">{t.reports.empty}</p>
        ) : (
          <ReportChart
            title={t.reports.perYear}
            rows={years}
            series={[
              { key: 'witnesses', name: t.reports.witnesses, colour: '#2563eb' },
              { key: 'sentenced', name: t.reports.sentenced, colour: '#b45309' },
            ]}
          />
        )}
        <ReportTable title={t.reports.perYear} groupLabel={t.reports.year} rows={years} testId="table-year" />
      </div>
      <div className="card" data-testid="chart-pair">
        {pairs.length === 0 ? (
          <p className="muted">{t.reports.empty}</p>
        ) : (
          <ReportChart title={t.reports.perPair} rows={pairs} series={[{ key: 'sessions', name: t.reports.sessions, colour: '#047857' }]} />
        )}
        <ReportTable title={t.reports.perPair} groupLabel={t.reports.pair} rows={pairs} testId="table-pair" />
      </div>
    </>
  );
}
