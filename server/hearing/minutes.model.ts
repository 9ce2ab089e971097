/**
 * Issued minutes, stored (never regenerated): each version is the JSON text and the PDF bytes as
 * issued, with their SHA-256. Version 1 is generated when the session ends; the judge's remarks
 * make the next version; sealing pins one version for good.
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const minutesSchema = new Schema(
  {
    sessionId: { type: String, required: true },
    version: { type: Number, required: true },
    /** The minutes as JSON text, exactly as issued and hashed. */
    json: { type: String, required: true },
    pdf: { type: Buffer, required: true },
    sha256Json: { type: String, required: true },
    sha256Pdf: { type: String, required: true },
    createdAt: { type: Date, required: true },
  },
  { collection: 'hearing_minutes', versionKey: false },
);
// Of two racing "generate" (or "remarks") calls, one inserts the version; the other reads it.
minutesSchema.index({ sessionId: 1, version: 1 }, { unique: true });
export type MinutesDoc = InferSchemaType<typeof minutesSchema> & { _id: mongoose.Types.ObjectId };
export const MinutesModel = mongoose.model('HearingMinutes', minutesSchema);

const minutesSealSchema = new Schema(
  {
    sessionId: { type: String, required: true },
    /** The version sealed: the minutes of the session from now on. */
    version: { type: Number, required: true },
    sha256Pdf: { type: String, required: true },
    by: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'hearing_minutes_seals', versionKey: false },
);
// One seal per session: the second of two racing seals fails here.
minutesSealSchema.index({ sessionId: 1 }, { unique: true });
export type MinutesSealDoc = InferSchemaType<typeof minutesSealSchema>;
export const MinutesSealModel = mongoose.model('HearingMinutesSeal', minutesSealSchema);
