/** Re-encryption of protected identities under the current key (`npm run identity:rotate`). */
import type { AuditLog } from '../audit/index.js';
import type { IdentityCipher } from './identityCipher.js';
import { updateVersioned } from '../db/versioned.js';
import { WitnessModel, type WitnessDoc } from './witness.model.js';

/** Witnesses whose identity is sealed with another key than `keyId` (those without an identity do not count). */
export const sealedWithOtherKey = (keyId: string): Record<string, unknown> => ({ identity: { $ne: null }, 'identity.keyId': { $ne: keyId } });

/**
 * Re-encrypts every identity sealed with an earlier key under the current one. Each record is
 * replaced (a versioned compare-and-set, server/db/versioned.ts) only if its ciphertext is still
 * the one that was read, so a concurrent update is never overwritten (that record already
 * carries the current key). Audited once, with counts.
 */
export async function rotateIdentityKeys(cipher: IdentityCipher, audit: AuditLog): Promise<{ resealed: number; fromKeyIds: string[] }> {
  const current = cipher.currentKeyId;
  const fromKeyIds = new Set<string>();
  let resealed = 0;
  const stale = WitnessModel.find(sealedWithOtherKey(current), { identity: 1 }).lean<Pick<WitnessDoc, '_id' | 'identity'>[]>().cursor();
  for await (const doc of stale) {
    if (!doc.identity) continue;
    const id = doc._id.toHexString();
    const identity = cipher.reseal(doc.identity, id);
    const { keyId, iv } = doc.identity;
    const unchanged = (w: WitnessDoc): boolean => w.identity?.keyId === keyId && w.identity.iv === iv;
    const res = await updateVersioned<WitnessDoc>(WitnessModel, doc._id, (w) => (unchanged(w) ? { identity } : null));
    if (res.found && res.changed) {
      resealed++;
      fromKeyIds.add(doc.identity.keyId);
    }
  }
  const result = { resealed, fromKeyIds: [...fromKeyIds].sort() };
  await audit.append({ actor: { kind: 'system' }, action: 'witness.identityRekey', target: `key:${current}`, outcome: 'success', details: result });
  return result;
}
