/** Public surface of the report domain. */
export { ReportService, summaryCsv } from './report.service.js';
export { reportRoutes } from './report.routes.js';
export { ReportLedger, rebuildReportCounters, type Table, type Cell } from './ledger.js';
export { sessionHeld, sentenceRecorded, wentLive, UNKNOWN_PAIR, type ReportContribution } from './contribution.js';
export { SECONDARY_MARKER } from './suppression.js';
export type { Summary, SummaryRow } from './report.schemas.js';
