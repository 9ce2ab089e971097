/** Testimony sessions, their invitations and attendance. */
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { PARTICIPANT_ROLES, PROTECTIVE_MEASURES, SESSION_STATUSES } from '../../common/vocabulary.js';

const participantSchema = new Schema(
  {
    participantId: { type: String, required: true },
    userId: { type: String, required: true },
    role: { type: String, required: true, enum: PARTICIPANT_ROLES },
    displayName: { type: String, required: true },
  },
  { _id: false },
);

const sessionSchema = new Schema(
  {
    trialId: { type: String, required: true },
    witnessId: { type: String, required: true },
    fromCountry: { type: String, required: true },
    courtCountry: { type: String, required: true },
    /** `MD-MK`: stored at write time because FerretDB cannot compute it in a $group. */
    countryPair: { type: String, required: true },
    courtRoom: { type: String, required: true },
    start: { type: Date, required: true },
    end: { type: Date, required: true },
    /** UTC year of `start`, stored for reports (no $year in FerretDB). */
    year: { type: Number, required: true },
    timeZones: { witness: { type: String, required: true }, court: { type: String, required: true } },
    participants: { type: [participantSchema], required: true },
    /** User ids of participating judges, kept flat for the double-booking query. */
    judgeUserIds: { type: [String], required: true },
    measures: { type: [String], required: true, enum: PROTECTIVE_MEASURES },
    interpreterLanguage: { type: String },
    status: { type: String, required: true, enum: SESSION_STATUSES },
    /**
     * Published copy of the hearing domain's suspension records (server/hearing): true while the
     * requested authority has the hearing suspended. The records decide; this is what rooms read.
     */
    suspended: { type: Boolean, default: false },
    /** When the session went live; null while it has not (reports count it as held only if set). */
    liveAt: { type: Date, default: null },
    /** When it ended or was cancelled. */
    endedAt: { type: Date, default: null },
    createdBy: { type: String, required: true },
  },
  { collection: 'sessions', versionKey: false, timestamps: true },
);
sessionSchema.index({ start: 1, _id: 1 });
sessionSchema.index({ witnessId: 1, start: 1 });
sessionSchema.index({ courtRoom: 1, start: 1 });
sessionSchema.index({ 'participants.userId': 1 });
sessionSchema.index({ trialId: 1 });
sessionSchema.index({ year: 1 });

export type SessionDoc = InferSchemaType<typeof sessionSchema> & { _id: mongoose.Types.ObjectId };
export const SessionModel = mongoose.model('TestimonySession', sessionSchema);

const invitationSchema = new Schema(
  {
    sessionId: { type: String, required: true },
    role: { type: String, required: true, enum: PARTICIPANT_ROLES },
    participantId: { type: String, required: true },
    displayName: { type: String, required: true },
    /** Language of the witness-facing pages the link opens. */
    language: { type: String, required: true, default: 'en' },
    /** SHA-256 of the token, hex; the token itself is never stored. */
    tokenHash: { type: String, required: true },
    validFrom: { type: Date, required: true },
    validUntil: { type: Date, required: true },
    usedAt: { type: Date, default: null },
    revokedAt: { type: Date, default: null },
    createdBy: { type: String, required: true },
  },
  { collection: 'invitations', versionKey: false, timestamps: true },
);
invitationSchema.index({ tokenHash: 1 }, { unique: true });
invitationSchema.index({ sessionId: 1 });

export type InvitationDoc = InferSchemaType<typeof invitationSchema> & { _id: mongoose.Types.ObjectId };
export const InvitationModel = mongoose.model('Invitation', invitationSchema);

/**
 * The first use of an invitation, one per invitation (unique index: of devices racing to use
 * a link, exactly one insert succeeds — a conditional update is not atomic on FerretDB).
 */
const invitationClaimSchema = new Schema(
  {
    invitationId: { type: String, required: true },
    /** SHA-256 of the device key presented at first use: only that device may come back. */
    deviceHash: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'invitation_claims', versionKey: false },
);
invitationClaimSchema.index({ invitationId: 1 }, { unique: true });
export const InvitationClaimModel = mongoose.model('InvitationClaim', invitationClaimSchema);

const attendanceSchema = new Schema(
  {
    sessionId: { type: String, required: true },
    participantId: { type: String, required: true },
    event: { type: String, required: true },
    at: { type: Date, required: true },
  },
  { collection: 'attendance', versionKey: false },
);
// One document per event: a write repeated after an outage cut it off lands once.
attendanceSchema.index({ sessionId: 1, participantId: 1, event: 1, at: 1 }, { unique: true });

export const AttendanceModel = mongoose.model('Attendance', attendanceSchema);

/**
 * Removes the extra copies of attendance marks stored more than once (a write made again after
 * an outage, before their index was unique), so that the index can be built; returns how many.
 */
export async function removeRepeatedAttendance(): Promise<number> {
  // Read through once (FerretDB has no $push to group the copies with): runs once, at start-up.
  const seen = new Set<string>();
  const extra: unknown[] = [];
  for await (const a of AttendanceModel.find({}, { sessionId: 1, participantId: 1, event: 1, at: 1 }).lean().cursor()) {
    const key = JSON.stringify([a.sessionId, a.participantId, a.event, a.at.getTime()]);
    if (seen.has(key)) extra.push(a._id);
    else seen.add(key);
  }
  if (extra.length > 0) await AttendanceModel.deleteMany({ _id: { $in: extra } });
  return extra.length;
}
