/** What one record adds to the report figures. */

/** Pair label for records without one. */
export const UNKNOWN_PAIR = 'unknown';

/**
 * One record's share of the figures of its (year, country pair). `key` names the record
 * (`session:<id>`, `sentence:<id>`), so that it is counted once whatever happens.
 */
export interface ReportContribution {
  readonly key: string;
  readonly year: number;
  readonly countryPair: string;
  readonly sessionsHeld: number;
  /** The witness who testified (distinct witnesses are counted per group). */
  readonly witnessId: string | null;
  readonly defendantsSentenced: number;
  readonly sentenceMonths: number;
}

/**
 * A session counts as held when it ended after going live. `liveAt` is null for a session that
 * never went live; sessions stored before the field existed could only end from live.
 */
export function wentLive(s: { readonly liveAt?: Date | null }): boolean {
  return s.liveAt !== null;
}

/** The contribution of an ended session, or null when it never went live. */
export function sessionHeld(s: { readonly _id: { toString(): string }; readonly year: number; readonly countryPair: string; readonly witnessId: string; readonly liveAt?: Date | null }): ReportContribution | null {
  if (!wentLive(s)) return null;
  return { key: `session:${s._id.toString()}`, year: s.year, countryPair: s.countryPair, sessionsHeld: 1, witnessId: s.witnessId, defendantsSentenced: 0, sentenceMonths: 0 };
}

/** The contribution of a sentence, or null unless it is a conviction. */
export function sentenceRecorded(s: { readonly _id: { toString(): string }; readonly year: number; readonly countryPair?: string | null; readonly outcome: string; readonly termMonths: number }): ReportContribution | null {
  if (s.outcome !== 'convicted') return null;
  return { key: `sentence:${s._id.toString()}`, year: s.year, countryPair: s.countryPair ?? UNKNOWN_PAIR, sessionsHeld: 0, witnessId: null, defendantsSentenced: 1, sentenceMonths: s.termMonths };
}
