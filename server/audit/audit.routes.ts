/** `GET /api/audit` and `GET /api/audit/verify`. */
import type { RouteKit } from '../http/routeKit.js';
import { auditListQuery } from './audit.schemas.js';
import type { AuditLog } from './audit.service.js';

/** Registers the audit routes. */
export function auditRoutes(kit: RouteKit, audit: AuditLog): void {
  kit.add({
    key: 'GET /audit',
    tag: 'audit',
    summary: 'Lists audit events, newest first.',
    query: auditListQuery,
    handle: ({ query }) => audit.list(query),
  });
  kit.add({
    key: 'GET /audit/verify',
    tag: 'audit',
    summary: 'Recomputes the hash chain and reports the first broken event.',
    handle: () => audit.verify(),
  });
}
