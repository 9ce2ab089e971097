/**
 * The report figures, kept so that they add up under concurrent writes and crashes without
 * any atomic read-modify-write (FerretDB has none) and read in a few milliseconds (FerretDB
 * scans every document of a collection for any query but a lookup by `_id`):
 *
 * - `report_pending`: one contribution per counted record, `_id` = its key (`sentence:<id>`),
 *   so inserting it twice counts it once. A small collection: contributions are folded away.
 * - `report_folds`: numbered totals (`fold:<n>`), each the previous one plus the pending
 *   contributions it names in `keys`. A fold is only ever inserted (the unique `_id` lets one of
 *   two racing compactors win); older ones are emptied about a minute after a newer one appeared
 *   (ledger.ts), or at once by a rebuild.
 *
 * The figures are the newest fold plus the pending contributions it does not name (ledger.ts).
 */
import mongoose, { Schema } from 'mongoose';

const pendingSchema = new Schema(
  {
    _id: { type: String, required: true },
    /** Audit intent of the write that made it: not folded while the intent is unsettled. */
    intent: { type: String, default: null },
    at: { type: Date, required: true },
    year: { type: Number, required: true },
    countryPair: { type: String, required: true },
    sessionsHeld: { type: Number, required: true },
    witnessId: { type: String, default: null },
    defendantsSentenced: { type: Number, required: true },
    sentenceMonths: { type: Number, required: true },
  },
  { collection: 'report_pending', versionKey: false },
);

/** One (year, country pair) of a fold. */
export interface FoldCell {
  readonly year: number;
  readonly countryPair: string;
  readonly sessionsHeld: number;
  readonly defendantsSentenced: number;
  readonly sentenceMonths: number;
  /** Distinct witnesses who testified in that year and pair. */
  readonly witnesses: readonly string[];
}

const foldSchema = new Schema(
  {
    /** `fold:<n>`, a string so that FerretDB looks it up by key. */
    _id: { type: String, required: true },
    n: { type: Number, required: true },
    at: { type: Date, required: true },
    /** True for a fold recomputed from the records (start-up or `reports:rebuild`). */
    base: { type: Boolean, required: true },
    cells: { type: [Schema.Types.Mixed], required: true },
    /** Keys of the pending contributions folded in (no longer counted separately). */
    keys: { type: [String], required: true },
    /** Emptied: a newer fold has existed long enough for every read. */
    stripped: { type: Boolean, default: false },
  },
  { collection: 'report_folds', versionKey: false, minimize: false },
);

export interface FoldDoc {
  readonly _id: string;
  readonly n: number;
  readonly at: Date;
  readonly base: boolean;
  readonly cells: readonly FoldCell[];
  readonly keys: readonly string[];
  readonly stripped: boolean;
}

export interface PendingDoc {
  readonly _id: string;
  readonly intent: string | null;
  readonly at: Date;
  readonly year: number;
  readonly countryPair: string;
  readonly sessionsHeld: number;
  readonly witnessId: string | null;
  readonly defendantsSentenced: number;
  readonly sentenceMonths: number;
}

export const PendingContributionModel = mongoose.model('ReportPending', pendingSchema);
export const ReportFoldModel = mongoose.model('ReportFold', foldSchema);

/** `_id` of fold `n`. */
export const foldId = (n: number): string => `fold:${n}`;
