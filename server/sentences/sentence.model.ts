/** Sentences: one per defendant of a trial; the basis of "traffickers sentenced per year". */
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const sentenceSchema = new Schema(
  {
    trialId: { type: String, required: true },
    defendantId: { type: String, required: true },
    date: { type: Date, required: true },
    /** UTC year of `date`, stored for reports (no $year in FerretDB). */
    year: { type: Number, required: true },
    termMonths: { type: Number, required: true },
    outcome: { type: String, required: true },
    /** Country pair of the trial's testimony (`MD-MK`), fixed at write time; null when none. */
    countryPair: { type: String, default: null },
    createdBy: { type: String, required: true },
  },
  { collection: 'sentences', versionKey: false, timestamps: true },
);
sentenceSchema.index({ trialId: 1, defendantId: 1 }, { unique: true });
sentenceSchema.index({ year: 1 });

export type SentenceDoc = InferSchemaType<typeof sentenceSchema> & { _id: mongoose.Types.ObjectId };
export const SentenceModel = mongoose.model('Sentence', sentenceSchema);
