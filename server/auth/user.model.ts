/** User accounts (programme staff, court and counsel). */
import mongoose, { Schema, type InferSchemaType } from 'mongoose';
import { USER_ROLES } from '../../common/vocabulary.js';

const userSchema = new Schema(
  {
    username: { type: String, required: true },
    /** argon2id hash; never leaves this domain. */
    passwordHash: { type: String, required: true },
    role: { type: String, required: true, enum: USER_ROLES },
    displayName: { type: String, required: true },
    active: { type: Boolean, required: true, default: true },
    /**
     * Tokens carry the epoch current when they were issued; deactivation, a role change and a
     * password change set a fresh random one, which ends every earlier token at once (a random
     * value rather than a counter: concurrent changes cannot lose an increment on FerretDB).
     */
    tokenEpoch: { type: String, required: true, default: '0' },
    /** When the last change that ends the account's tokens was made (other instances poll it). */
    accountChangedAt: { type: Date, default: null },
    /** Set for a generated one-time password: the account must choose its own before anything else. */
    mustChangePassword: { type: Boolean, required: true, default: false },
  },
  { collection: 'users', versionKey: false, timestamps: true },
);
userSchema.index({ username: 1 }, { unique: true });
userSchema.index({ accountChangedAt: 1 });

export type UserDoc = InferSchemaType<typeof userSchema> & { _id: mongoose.Types.ObjectId };
export const UserModel = mongoose.model('User', userSchema);
