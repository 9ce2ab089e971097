/** Public surface of the report domain. */
export { ReportService, summaryCsv } from './report.service.js';
export { reportRoutes } from './report.routes.js';
export { rebuildReportCounters, ensureReportCounters } from './counters.js';
export type { Summary, SummaryRow } from './report.schemas.js';
