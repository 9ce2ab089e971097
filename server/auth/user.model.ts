/** User accounts (programme staff, court and counsel). */
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { USER_ROLES } from '../http/access.js';

const userSchema = new Schema(
  {
    username: { type: String, required: true },
    /** argon2id hash; never leaves this domain. */
    passwordHash: { type: String, required: true },
    role: { type: String, required: true, enum: USER_ROLES },
    displayName: { type: String, required: true },
    active: { type: Boolean, required: true, default: true },
  },
  { collection: 'users', versionKey: false, timestamps: true },
);
userSchema.index({ username: 1 }, { unique: true });

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: mongoose.Types.ObjectId };
export const UserModel = mongoose.model('User', userSchema);
