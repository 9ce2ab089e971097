/** Public surface of the audit domain. */
export { AuditLog, type AuditLogOptions, type ChainReport, type AuditEventView } from './audit.service.js';
export { auditRoutes } from './audit.routes.js';
export { AuditEventModel, AuditIntentModel, AuditCheckpointModel } from './audit.model.js';
export { userActor, type AuditInput, type AuditActor } from './audit.schemas.js';
export { GENESIS_HASH, hashEvent, keyId } from './chain.js';
export type { RecordRef, WriteStamp, ReconcileReport } from './intents.js';
