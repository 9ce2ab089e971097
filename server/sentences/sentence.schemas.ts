/** Validation of the sentence routes' input. */
import { z } from 'zod';
import { limitQuery, objectId } from '../http/validate.js';

export const OUTCOMES = ['convicted', 'acquitted', 'dismissed'] as const;

export const createSentenceBody = z
  .object({
    trialId: objectId,
    defendantId: objectId,
    date: z.iso.date(),
    termMonths: z.number().int().min(0).max(1200),
    outcome: z.enum(OUTCOMES),
  })
  .strict()
  .refine((v) => v.outcome === 'convicted' || v.termMonths === 0, { message: 'must be 0 unless convicted', path: ['termMonths'] });
export type CreateSentenceInput = z.output<typeof createSentenceBody>;

export const sentenceListQuery = z
  .object({
    trialId: objectId.optional(),
    year: z.coerce.number().int().min(1900).max(2200).optional(),
    outcome: z.enum(OUTCOMES).optional(),
    after: objectId.optional(),
    limit: limitQuery,
  })
  .strict();
export type SentenceListQuery = z.output<typeof sentenceListQuery>;

export interface SentenceView {
  readonly id: string;
  readonly trialId: string;
  readonly defendantId: string;
  readonly date: string;
  readonly termMonths: number;
  readonly outcome: string;
  readonly countryPair: string | null;
}
