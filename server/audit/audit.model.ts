/** Audit events: append-only, each carrying the hash of the one before it. */
import mongoose, { Schema, type InferSchemaType } from 'mongoose';

const actorSchema = new Schema(
  {
    kind: { type: String, required: true },
    id: { type: String },
    role: { type: String },
    label: { type: String },
  },
  { _id: false },
);

const auditSchema = new Schema(
  {
    /** 1, 2, 3, … without gaps; the unique index stops two writers forking the chain. */
    seq: { type: Number, required: true },
    at: { type: Date, required: true },
    actor: { type: actorSchema, required: true },
    action: { type: String, required: true },
    target: { type: String, required: true },
    outcome: { type: String, required: true, enum: ['success', 'failure'] },
    details: { type: Schema.Types.Mixed },
    prevHash: { type: String, required: true },
    hash: { type: String, required: true },
  },
  { collection: 'audit_events', versionKey: false, minimize: false },
);
auditSchema.index({ seq: 1 }, { unique: true });
auditSchema.index({ action: 1 });

export type AuditEventDoc = InferSchemaType<typeof auditSchema> & { _id: mongoose.Types.ObjectId };
export const AuditEventModel = mongoose.model('AuditEvent', auditSchema);
