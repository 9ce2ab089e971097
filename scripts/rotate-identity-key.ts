/**
 * `npm run identity:rotate`: re-encrypts every protected identity sealed with an earlier key
 * (listed in IDENTITY_PREVIOUS_KEYS) under the current IDENTITY_KEY, on MONGODB_URI or the
 * embedded database in DATA_DIR. Run it while the service is stopped: FerretDB's conditional
 * writes are not atomic, so a witness updated meanwhile could be overwritten. Once it reports
 * nothing left, the earlier keys can be removed from the configuration.
 */
import { AuditLog } from '../server/audit/index.js';
import { IdentityCipher, rotateIdentityKeys, sealedWithOtherKey } from '../server/witnesses/index.js';
import { WitnessModel } from '../server/witnesses/witness.model.js';
import { runWithDatabase } from './withDatabase.js';

runWithDatabase('identity:rotate', async ({ config, logger }) => {
  const audit = new AuditLog({ logger: logger.child({ module: 'audit' }), key: config.audit.key, anchorFile: config.audit.anchorFile });
  const { resealed, fromKeyIds } = await rotateIdentityKeys(new IdentityCipher(config.identity), audit);
  await audit.close();
  const left = await WitnessModel.countDocuments(sealedWithOtherKey(config.identity.keyId));
  const from = fromKeyIds.length > 0 ? ` from ${fromKeyIds.join(', ')}` : '';
  console.log(`identity:rotate: ${resealed} identities re-encrypted${from} to ${config.identity.keyId}; ${left} left under other keys`);
  if (left > 0) process.exitCode = 1;
});
