/** Validation of the trial routes' input. */
import { z } from 'zod';
import { countryCode, limitQuery, objectId } from '../http/validate.js';

/** Task-force areas. */
export const CHARGES = ['humanTrafficking', 'migrantSmuggling', 'drugs', 'financialCrime', 'smugglingAndFraud', 'stolenVehicles', 'terrorism'] as const;
export const TRIAL_STATUSES = ['pending', 'inProgress', 'concluded', 'suspended'] as const;

const caseNumber = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9/ -]{2,39}$/, 'must be 3-40 letters, digits, /, - or spaces');
const defendant = z.object({ name: z.string().trim().min(1).max(120) }).strict();

export const createTrialBody = z
  .object({
    caseNumber,
    court: z.string().trim().min(1).max(200),
    courtCountry: countryCode,
    judgeId: objectId,
    prosecutorIds: z.array(objectId).min(1).max(10),
    defendants: z.array(defendant).min(1).max(50),
    charges: z.array(z.enum(CHARGES)).min(1),
    status: z.enum(TRIAL_STATUSES).default('pending'),
  })
  .strict();
export type CreateTrialInput = z.output<typeof createTrialBody>;

export const updateTrialBody = z
  .object({
    court: z.string().trim().min(1).max(200).optional(),
    judgeId: objectId.optional(),
    prosecutorIds: z.array(objectId).min(1).max(10).optional(),
    charges: z.array(z.enum(CHARGES)).min(1).optional(),
    status: z.enum(TRIAL_STATUSES).optional(),
    /** Defendants can be added (existing ids are kept so sentences still refer to them). */
    addDefendants: z.array(defendant).min(1).max(50).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'must change at least one field');
export type UpdateTrialInput = z.output<typeof updateTrialBody>;

export const trialListQuery = z
  .object({
    status: z.enum(TRIAL_STATUSES).optional(),
    courtCountry: countryCode.optional(),
    caseNumber: caseNumber.optional(),
    after: objectId.optional(),
    limit: limitQuery,
  })
  .strict();
export type TrialListQuery = z.output<typeof trialListQuery>;

export interface TrialView {
  readonly id: string;
  readonly caseNumber: string;
  readonly court: string;
  readonly courtCountry: string;
  readonly judgeId: string;
  readonly prosecutorIds: readonly string[];
  readonly defendants: readonly { readonly id: string; readonly name: string }[];
  readonly charges: readonly string[];
  readonly status: string;
}
