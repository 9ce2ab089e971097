/** Validation of the witness routes' input. */
import { z } from 'zod';
import { countryCode, limitQuery, objectId } from '../http/validate.js';

export const PROTECTION_STATUSES = ['candidate', 'active', 'relocated', 'suspended', 'ended'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high', 'critical'] as const;

const codename = z.string().regex(/^[A-Z][A-Za-z0-9-]{2,39}$/, 'must be 3-40 letters, digits or -, starting with a capital');
const language = z.string().regex(/^[a-z]{2,3}$/, 'must be an ISO 639 code such as ro');

/** The protected identity: only ever stored sealed. */
export const identitySchema = z
  .object({
    legalName: z.string().trim().min(1).max(200),
    dateOfBirth: z.iso.date(),
    contact: z.string().trim().max(200).default(''),
    currentLocation: z.string().trim().max(200).default(''),
  })
  .strict();
export type Identity = z.output<typeof identitySchema>;

/** Trials a witness testifies in. */
const trialIds = z.array(objectId).max(50);

/**
 * A new witness. The identity may be entered later, and only by programme staff or an admin; a
 * prosecutor registers witnesses of their own trials (`trialIds`), naming the handler if known.
 */
export const createWitnessBody = z
  .object({
    codename,
    identity: identitySchema.optional(),
    trialIds: trialIds.default([]),
    countryOfOrigin: countryCode,
    languages: z.array(language).min(1).max(10),
    protectionStatus: z.enum(PROTECTION_STATUSES).default('candidate'),
    riskLevel: z.enum(RISK_LEVELS),
    handlerId: objectId.optional(),
  })
  .strict();
export type CreateWitnessInput = z.output<typeof createWitnessBody>;

export const updateWitnessBody = z
  .object({
    codename: codename.optional(),
    identity: identitySchema.optional(),
    trialIds: trialIds.optional(),
    countryOfOrigin: countryCode.optional(),
    languages: z.array(language).min(1).max(10).optional(),
    protectionStatus: z.enum(PROTECTION_STATUSES).optional(),
    riskLevel: z.enum(RISK_LEVELS).optional(),
    handlerId: objectId.optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'must change at least one field');
export type UpdateWitnessInput = z.output<typeof updateWitnessBody>;

export const witnessListQuery = z
  .object({
    country: countryCode.optional(),
    status: z.enum(PROTECTION_STATUSES).optional(),
    codename: codename.optional(),
    archived: z.enum(['true', 'false']).default('false'),
    after: objectId.optional(),
    limit: limitQuery,
  })
  .strict();
export type WitnessListQuery = z.output<typeof witnessListQuery>;

/** What every role with access sees: never the identity. */
export interface WitnessView {
  readonly id: string;
  readonly codename: string;
  readonly countryOfOrigin: string;
  readonly languages: readonly string[];
  readonly protectionStatus: string;
  readonly riskLevel: string;
  readonly handlerId: string | null;
  readonly trialIds: readonly string[];
  /** Whether the protected identity has been entered (never the identity itself). */
  readonly protectedRecorded: boolean;
  readonly archived: boolean;
}
