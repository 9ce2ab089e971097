/**
 * The hearing's records (MLA practice): the requested authority's identity check, the judge's
 * override and oath record, suspensions, interpretation and telemetry summaries. Where exactly one
 * write may win, a unique index decides (FerretDB's conditional updates are not atomic).
 */
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { IDENTITY_DOCUMENT_TYPES, INTERPRETATION_MODES, OATH_KINDS, PARTICIPANT_ROLES } from '../../common/vocabulary.js';

/** Who did it, as the minutes name them: role and label (the witness only ever by codename). */
const bySchema = new Schema(
  {
    participantId: { type: String, required: true },
    role: { type: String, required: true, enum: PARTICIPANT_ROLES },
    displayName: { type: String, required: true },
    userId: { type: String },
  },
  { _id: false },
);

/** The identity check, one per session: how it was done and whether it matched, never the identity. */
const identityCheckSchema = new Schema(
  {
    sessionId: { type: String, required: true },
    documentType: { type: String, required: true, enum: IDENTITY_DOCUMENT_TYPES },
    matched: { type: Boolean, required: true },
    note: { type: String, default: '' },
    by: { type: bySchema, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'hearing_identity_checks', versionKey: false },
);
identityCheckSchema.index({ sessionId: 1 }, { unique: true });
export type IdentityCheckDoc = InferSchemaType<typeof identityCheckSchema>;
export const IdentityCheckModel = mongoose.model('HearingIdentityCheck', identityCheckSchema);

/** The judge's decision to go live without a confirmed check, one per session. */
const identityOverrideSchema = new Schema(
  {
    sessionId: { type: String, required: true },
    reason: { type: String, required: true },
    by: { type: bySchema, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'hearing_identity_overrides', versionKey: false },
);
identityOverrideSchema.index({ sessionId: 1 }, { unique: true });
export type IdentityOverrideDoc = InferSchemaType<typeof identityOverrideSchema>;
export const IdentityOverrideModel = mongoose.model('HearingIdentityOverride', identityOverrideSchema);

/** The rights notice and the oath or declaration, one per session. */
const oathSchema = new Schema(
  {
    sessionId: { type: String, required: true },
    kind: { type: String, required: true, enum: OATH_KINDS },
    rightsInformed: { type: Boolean, required: true },
    by: { type: bySchema, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'hearing_oaths', versionKey: false },
);
oathSchema.index({ sessionId: 1 }, { unique: true });
export type OathDoc = InferSchemaType<typeof oathSchema>;
export const OathModel = mongoose.model('HearingOath', oathSchema);

/**
 * Suspensions and resumptions as one numbered sequence per session: step 1 suspends, 2 resumes,
 * 3 suspends… The unique (sessionId, step) index makes exactly one of two racing calls win, and
 * the hearing is suspended exactly when the last step is odd.
 */
const suspensionStepSchema = new Schema(
  {
    sessionId: { type: String, required: true },
    step: { type: Number, required: true },
    action: { type: String, required: true, enum: ['suspend', 'resume'] },
    reason: { type: String, default: null },
    by: { type: bySchema, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'hearing_suspensions', versionKey: false },
);
suspensionStepSchema.index({ sessionId: 1, step: 1 }, { unique: true });
export type SuspensionStepDoc = InferSchemaType<typeof suspensionStepSchema>;
export const SuspensionStepModel = mongoose.model('HearingSuspensionStep', suspensionStepSchema);

/** Languages and interpretation of a session, one per session (settings: the last write counts). */
const interpretationSchema = new Schema(
  {
    sessionId: { type: String, required: true },
    witnessLanguage: { type: String, required: true },
    courtLanguage: { type: String, required: true },
    mode: { type: String, required: true, enum: INTERPRETATION_MODES },
    interpreterParticipantIds: { type: [String], required: true },
    updatedBy: { type: String, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'hearing_interpretation', versionKey: false },
);
interpretationSchema.index({ sessionId: 1 }, { unique: true });
export type InterpretationDoc = InferSchemaType<typeof interpretationSchema>;
export const InterpretationModel = mongoose.model('HearingInterpretation', interpretationSchema);

const figureSchema = new Schema({ avg: { type: Number, required: true }, max: { type: Number, required: true } }, { _id: false });

/**
 * One participant's network figures over a session, written by the media layer through the
 * RoomAccess port (`hearing.recordTelemetrySummary`) and read by the minutes.
 */
const telemetrySummarySchema = new Schema(
  {
    sessionId: { type: String, required: true },
    participantId: { type: String, required: true },
    samples: { type: Number, required: true },
    bitrateInKbps: { type: figureSchema, required: true },
    bitrateOutKbps: { type: figureSchema, required: true },
    lossPercent: { type: figureSchema, required: true },
    rttMs: { type: figureSchema, default: null },
    at: { type: Date, required: true },
  },
  { collection: 'telemetry_summaries', versionKey: false },
);
telemetrySummarySchema.index({ sessionId: 1, participantId: 1, at: 1 });
export type TelemetrySummaryDoc = InferSchemaType<typeof telemetrySummarySchema>;
export const TelemetrySummaryModel = mongoose.model('TelemetrySummary', telemetrySummarySchema);
