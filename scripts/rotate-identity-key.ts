/**
 * `npm run identity:rotate`: re-encrypts every protected identity sealed with an earlier key
 * (listed in IDENTITY_PREVIOUS_KEYS) under the current IDENTITY_KEY, on MONGODB_URI or the
 * embedded database in DATA_DIR. Run it while the service is stopped: FerretDB's conditional
 * writes are not atomic, so a witness updated meanwhile could be overwritten. Once it reports
 * nothing left, the earlier keys can be removed from the configuration.
 */
import { loadConfig } from '../config/index.js';
import { AuditLog } from '../server/audit/index.js';
import { Database } from '../server/db/database.js';
import { createLogger } from '../server/logger.js';
import { IdentityCipher, WitnessService } from '../server/witnesses/index.js';
import { WitnessModel } from '../server/witnesses/witness.model.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const logger = createLogger(config.logLevel === 'info' ? 'warn' : config.logLevel);
  const database = await Database.create(config, logger);
  try {
    const audit = new AuditLog(logger.child({ module: 'audit' }));
    const witnesses = new WitnessService(new IdentityCipher(config.identity), audit);
    const { resealed, fromKeyIds } = await witnesses.rotateIdentityKeys();
    await audit.drain();
    const left = await WitnessModel.countDocuments({ 'identity.keyId': { $ne: config.identity.keyId } });
    const from = fromKeyIds.length > 0 ? ` from ${fromKeyIds.join(', ')}` : '';
    console.log(`identity:rotate: ${resealed} identities re-encrypted${from} to ${config.identity.keyId}; ${left} left under other keys`);
    if (left > 0) process.exitCode = 1;
  } finally {
    await database.close();
  }
}

main().catch((err: unknown) => {
  // The message of a failed decryption names a key id, never a key or an identity.
  console.error(`identity:rotate failed: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
