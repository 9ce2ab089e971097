/** Validation of the audit routes' input. */
import { z } from 'zod';
import { limitQuery } from '../http/validate.js';

/** `GET /api/audit` filters; `before` pages backwards by sequence number. */
export const auditListQuery = z
  .object({
    action: z.string().regex(/^[a-z]+(\.[a-zA-Z]+)+$/, 'must look like witness.create').optional(),
    target: z.string().regex(/^[a-z]+:[A-Za-z0-9_-]{1,64}$/, 'must look like witness:<id>').optional(),
    before: z.coerce.number().int().positive().optional(),
    limit: limitQuery,
  })
  .strict();
export type AuditListQuery = z.output<typeof auditListQuery>;

/** Who did it. */
export interface AuditActor {
  readonly kind: 'user' | 'participant' | 'anonymous' | 'system';
  readonly id?: string;
  readonly role?: string;
  readonly label?: string;
}

/** What services pass to `AuditLog.append()`. Details must never hold protected identity. */
export interface AuditInput {
  readonly actor: AuditActor;
  readonly action: string;
  readonly target: string;
  readonly outcome: 'success' | 'failure';
  readonly details?: Record<string, unknown>;
}

/** The audit actor for an authenticated HTTP caller. */
export function userActor(p: { readonly userId: string; readonly role: string; readonly username: string }): AuditActor {
  return { kind: 'user', id: p.userId, role: p.role, label: p.username };
}
