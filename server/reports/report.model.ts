/**
 * Pre-aggregated report figures. FerretDB scans and decodes every document for an aggregation
 * (minutes at 100 000 sentences), so the figures are kept up to date at write time instead:
 * counters per (year, country pair) and one mark per (year, country pair, witness) for counting
 * distinct witnesses. `rebuildReportCounters()` recomputes both from the records.
 */
import mongoose, { Schema } from 'mongoose';

const counterSchema = new Schema(
  {
    year: { type: Number, required: true },
    /** `MD-MK`, or `unknown` for a sentence whose trial had no testimony session. */
    countryPair: { type: String, required: true },
    sessionsHeld: { type: Number, required: true, default: 0 },
    defendantsSentenced: { type: Number, required: true, default: 0 },
    sentenceMonths: { type: Number, required: true, default: 0 },
  },
  { collection: 'report_counters', versionKey: false },
);
counterSchema.index({ year: 1, countryPair: 1 }, { unique: true });

const markSchema = new Schema(
  {
    year: { type: Number, required: true },
    countryPair: { type: String, required: true },
    witnessId: { type: String, required: true },
  },
  { collection: 'report_witness_marks', versionKey: false },
);
markSchema.index({ year: 1, countryPair: 1, witnessId: 1 }, { unique: true });

/** Records that the counters were built (absent: rebuild at start-up). */
const stateSchema = new Schema({ _id: { type: String, required: true }, builtAt: { type: Date, required: true } }, { collection: 'report_state', versionKey: false });

export const ReportCounterModel = mongoose.model('ReportCounter', counterSchema);
export const WitnessMarkModel = mongoose.model('ReportWitnessMark', markSchema);
export const ReportStateModel = mongoose.model('ReportState', stateSchema);
