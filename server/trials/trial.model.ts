/** Trials: the case a testimony serves. */
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const defendantSchema = new Schema({ name: { type: String, required: true } }, { _id: true });

const trialSchema = new Schema(
  {
    caseNumber: { type: String, required: true },
    court: { type: String, required: true },
    courtCountry: { type: String, required: true },
    judgeId: { type: String, required: true },
    prosecutorIds: { type: [String], required: true },
    defendants: { type: [defendantSchema], required: true },
    charges: { type: [String], required: true },
    status: { type: String, required: true },
  },
  { collection: 'trials', versionKey: false, timestamps: true },
);
trialSchema.index({ caseNumber: 1 }, { unique: true });

export type TrialDoc = InferSchemaType<typeof trialSchema> & { _id: mongoose.Types.ObjectId; defendants: { _id: mongoose.Types.ObjectId; name: string }[] };
export const TrialModel = mongoose.model('Trial', trialSchema);
