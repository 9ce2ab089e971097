/**
 * Audit events (append-only, each carrying the MAC of the one before it), checkpoints of the
 * chain's head, and intents: events announced before the write they account for (see
 * intents.ts).
 */
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
    /** Written by reconciliation, after the request that caused it was cut off. */
    reconciled: { type: Boolean, default: false },
    /** Id of the key the MAC was made with (chain.ts `keyId`). */
    kid: { type: String, required: true },
    prevHash: { type: String, required: true },
    /** HMAC-SHA256 (chain.ts). */
    hash: { type: String, required: true },
  },
  { collection: 'audit_events', versionKey: false, minimize: false },
);
auditSchema.index({ seq: 1 }, { unique: true });
auditSchema.index({ action: 1 });

export type AuditEventDoc = InferSchemaType<typeof auditSchema> & { _id: mongoose.Types.ObjectId };
export const AuditEventModel = mongoose.model('AuditEvent', auditSchema);

const checkpointSchema = new Schema(
  {
    /** The head's sequence number. */
    _id: { type: Number, required: true },
    hash: { type: String, required: true },
    at: { type: Date, required: true },
    kid: { type: String, required: true },
    mac: { type: String, required: true },
  },
  { collection: 'audit_checkpoints', versionKey: false },
);
export const AuditCheckpointModel = mongoose.model('AuditCheckpoint', checkpointSchema);

const intentSchema = new Schema(
  {
    /** Also the `_id` the event gets, so an event is never appended twice for one intent. */
    _id: { type: Schema.Types.ObjectId, required: true },
    /** Run that wrote it (server/db/runs.ts). */
    run: { type: String, required: true },
    at: { type: Date, required: true },
    /** The event to append once the write is known to have happened. */
    event: { type: Schema.Types.Mixed, required: true },
    /** The record written: `change: 'create'` is applied when it exists, `'update'` when its `_intents` name this intent. */
    record: {
      collection: { type: String, required: true },
      id: { type: Schema.Types.Mixed, required: true },
      change: { type: String, required: true, enum: ['create', 'update'] },
    },
    /** Report contribution to add with the event (server/reports/ledger.ts). */
    report: { type: Schema.Types.Mixed, default: null },
  },
  { collection: 'audit_intents', versionKey: false, minimize: false },
);
export type AuditIntentDoc = InferSchemaType<typeof intentSchema>;
export const AuditIntentModel = mongoose.model('AuditIntent', intentSchema);
