/** Validation of the report routes' input. */
import { z } from 'zod';

const year = z.coerce.number().int().min(1900).max(2200);

export const summaryQuery = z
  .object({ from: year.optional(), to: year.optional(), groupBy: z.enum(['year', 'countryPair']).default('year') })
  .strict()
  .refine((q) => q.from === undefined || q.to === undefined || q.from <= q.to, { message: 'must not be after to', path: ['from'] });
export type SummaryQuery = z.output<typeof summaryQuery>;

/** A count, or `"<N"` when it is below the suppression threshold. */
export type Reported = number | string;

export interface SummaryRow {
  readonly group: string;
  readonly sessionsHeld: Reported;
  readonly witnessesTestified: Reported;
  readonly defendantsSentenced: Reported;
  /** Null when the number of defendants it sums over is suppressed. */
  readonly sentenceMonths: number | null;
}

export interface Summary {
  readonly groupBy: 'year' | 'countryPair';
  readonly from: number | null;
  readonly to: number | null;
  readonly threshold: number;
  readonly rows: readonly SummaryRow[];
}
