/**
 * The last active administrator can be neither deactivated nor demoted. Changes that remove an
 * active admin run one at a time across every instance, under a lock document inserted under a
 * unique index (the one atomic "first writer wins" on FerretDB), so two admins deactivating each
 * other at once cannot leave zero. A lock left by a crashed process expires.
 */
import { randomUUID } from 'node:crypto';
import mongoose, { Schema } from 'mongoose';
import { ConflictError } from '../../common/errors.js';
import { insertOnce } from '../db/duplicateKey.js';
import { UserModel } from './user.model.js';

/** A lock older than this is taken over (its holder died). */
const LOCK_TTL_MS = 10_000;
/** How long a change waits for the lock before answering 409 `admin_change_busy`. */
const LOCK_WAIT_MS = 5_000;

const lockSchema = new Schema({ _id: { type: String, required: true }, holder: { type: String, required: true }, expiresAt: { type: Date, required: true } }, { collection: 'auth_locks', versionKey: false });
const AuthLockModel = mongoose.model('AuthLock', lockSchema);

async function acquire(name: string, holder: string): Promise<void> {
  const deadline = Date.now() + LOCK_WAIT_MS;
  while (Date.now() < deadline) {
    if (await insertOnce(() => AuthLockModel.create({ _id: name, holder, expiresAt: new Date(Date.now() + LOCK_TTL_MS) }))) return;
    // Only an expired lock is removed; of two removers racing, the insert above still picks one winner.
    await AuthLockModel.deleteOne({ _id: name, expiresAt: { $lt: new Date() } });
    await new Promise((resolve) => setTimeout(resolve, 10 + Math.random() * 40));
  }
  throw new ConflictError({ message: 'Another administrator change is in progress; retry.', code: 'admin_change_busy' });
}

/**
 * Runs `change` (which removes `userId` from the active administrators) only if another active
 * administrator remains; 409 `last_admin` otherwise.
 */
export async function withAdminRemaining<T>(userId: string, change: () => Promise<T>): Promise<T> {
  const holder = randomUUID();
  await acquire('admins', holder);
  try {
    const others = await UserModel.countDocuments({ role: 'admin', active: true, _id: { $ne: new mongoose.Types.ObjectId(userId) } });
    if (others === 0) throw new ConflictError({ message: 'This is the last active administrator: make another one first.', code: 'last_admin' });
    return await change();
  } finally {
    await AuthLockModel.deleteOne({ _id: 'admins', holder });
  }
}
