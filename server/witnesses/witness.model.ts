/** Witnesses: public fields in clear, the protected identity sealed. */
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const sealedSchema = new Schema(
  { keyId: { type: String, required: true }, iv: { type: String, required: true }, tag: { type: String, required: true }, data: { type: String, required: true } },
  { _id: false },
);

const witnessSchema = new Schema(
  {
    codename: { type: String, required: true },
    /** Sealed protected identity; absent until the witness's handler (programme staff) enters it. */
    identity: { type: sealedSchema, required: false },
    countryOfOrigin: { type: String, required: true },
    languages: { type: [String], required: true },
    protectionStatus: { type: String, required: true },
    riskLevel: { type: String, required: true },
    /** The programme staff member who handles the witness: the one (besides admins) who sees the identity. */
    handlerId: { type: String },
    /** Trials the witness testifies in: their prosecutors and judges see the witness's codename data. */
    trialIds: { type: [String], required: true, default: [] },
    archived: { type: Boolean, required: true, default: false },
  },
  { collection: 'witnesses', versionKey: false, timestamps: true },
);
witnessSchema.index({ codename: 1 }, { unique: true });
witnessSchema.index({ countryOfOrigin: 1 });
witnessSchema.index({ trialIds: 1 });

export type WitnessDoc = InferSchemaType<typeof witnessSchema> & { _id: mongoose.Types.ObjectId };
export const WitnessModel = mongoose.model('Witness', witnessSchema);
