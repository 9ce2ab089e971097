/**
 * Encryption of protected identities at rest: AES-256-GCM (node:crypto) with a fresh 96-bit IV
 * per write, the witness id as additional authenticated data (a ciphertext cannot be moved to
 * another record), and the key id stored beside the ciphertext so keys can be rotated.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Config } from '../../config/index.js';

/** What is stored in the witness document. */
export interface SealedIdentity {
  readonly keyId: string;
  readonly iv: string;
  readonly tag: string;
  readonly data: string;
}

/**
 * Seals with the current key; opens with whichever configured key (current or previous) the
 * ciphertext names.
 */
export class IdentityCipher {
  readonly #keys: ReadonlyMap<string, Buffer>;

  constructor(private readonly key: Config['identity']) {
    this.#keys = new Map([...key.previous.map((k) => [k.keyId, k.key] as const), [key.keyId, key.key]]);
  }

  /** The id of the key new seals use. */
  get currentKeyId(): string {
    return this.key.keyId;
  }

  seal(plain: unknown, witnessId: string): SealedIdentity {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key.key, iv);
    cipher.setAAD(Buffer.from(`witness:${witnessId}`));
    const data = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
    return { keyId: this.key.keyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  /** Throws when the key id is unknown or the ciphertext was altered. */
  open(sealed: SealedIdentity, witnessId: string): unknown {
    const key = this.#keys.get(sealed.keyId);
    if (!key) throw new Error(`identity sealed with unknown key id ${sealed.keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(`witness:${witnessId}`));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as unknown;
  }

  /** Re-seals under the current key (same witness binding); the input is left untouched. */
  reseal(sealed: SealedIdentity, witnessId: string): SealedIdentity {
    return this.seal(this.open(sealed, witnessId), witnessId);
  }
}
