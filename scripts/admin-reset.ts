/**
 * `npm run admin:reset -- <username>`: the recovery path when no administrator can sign in.
 * Creates the administrator `<username>`, or makes that existing account an active administrator,
 * with a random one-time password printed once here (it must be changed at first sign-in). Every
 * earlier token of the account ends and its live connections are cut (running services notice
 * within a second). Audited. Uses MONGODB_URI, or the embedded database in DATA_DIR.
 */
import mongoose from 'mongoose';
import { AuditLog } from '../server/audit/index.js';
import { updateVersioned } from '../server/db/versioned.js';
import { generatePassword, hashPassword, newTokenEpoch, UserModel } from '../server/auth/index.js';
import { username as usernameSchema } from '../server/auth/auth.schemas.js';
import { runWithDatabase } from './withDatabase.js';

const name = process.argv[2] ?? '';
if (!usernameSchema.safeParse(name).success) {
  console.error('usage: npm run admin:reset -- <username>   (3-64 lowercase letters, digits, . _ -)');
  process.exit(2);
}

runWithDatabase('admin:reset', async ({ config, logger }) => {
  const audit = new AuditLog({ logger: logger.child({ module: 'audit' }), key: config.audit.key, anchorFile: config.audit.anchorFile });
  const password = generatePassword();
  const now = new Date();
  const fields = { passwordHash: await hashPassword(password), role: 'admin', active: true, mustChangePassword: true, tokenEpoch: newTokenEpoch(), accountChangedAt: now };
  const existing = await UserModel.findOne({ username: name }, { _id: 1 }).lean();
  const _id = existing?._id ?? new mongoose.Types.ObjectId();
  const event = { actor: { kind: 'system', label: 'admin:reset' }, action: 'user.adminReset', target: `user:${_id.toHexString()}`, outcome: 'success', details: { created: !existing } } as const;
  // The account and its event go together (audit.recorded()); a change is a versioned update, so
  // a running service changing the account at the same moment cannot undo it.
  await audit.recorded(event, { collection: UserModel.collection.collectionName, id: _id, change: existing ? 'update' : 'create' }, async (stamp) => {
    if (!existing) return UserModel.create({ _id, username: name, displayName: 'Administrator', ...fields });
    const r = await updateVersioned(UserModel, _id, () => fields, stamp);
    if (!r.found) throw new Error('the account disappeared meanwhile; run again');
    return r.doc;
  });
  await audit.close();
  console.log(`admin:reset: ${existing ? 'reset' : 'created'} administrator ${name}`);
  console.log(`admin:reset: one-time password (shown only now; it must be changed at first sign-in): ${password}`);
});
