/** Report routes: JSON by default, CSV for `Accept: text/csv`. */
import type { RouteKit } from '../http/routeKit.js';
import { summaryQuery } from './report.schemas.js';
import { summaryCsv, type ReportService } from './report.service.js';

/** Registers the report routes. */
export function reportRoutes(kit: RouteKit, reports: ReportService): void {
  kit.add({
    key: 'GET /reports/summary',
    tag: 'reports',
    summary: 'Sessions held, witnesses who testified, defendants sentenced and sentence months per year or country pair; small counts suppressed.',
    query: summaryQuery,
    produces: ['text/csv'],
    handle: async ({ query, req, res }) => {
      const summary = await reports.summary(query);
      if (req.accepts(['application/json', 'text/csv']) !== 'text/csv') return summary;
      res.type('text/csv; charset=utf-8').setHeader('Content-Disposition', 'attachment; filename="summary.csv"');
      res.send(summaryCsv(summary));
      return undefined;
    },
  });
}
