/** Public surface of the audit domain. */
export { AuditLog, type ChainReport, type AuditEventView } from './audit.service.js';
export { auditRoutes } from './audit.routes.js';
export { AuditEventModel } from './audit.model.js';
export { userActor, type AuditInput, type AuditActor } from './audit.schemas.js';
export { GENESIS_HASH, hashEvent } from './chain.js';
