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

/** Seals and opens identities with the configured key. */
export class IdentityCipher {
  constructor(private readonly key: Config['identity']) {}

  seal(plain: unknown, witnessId: string): SealedIdentity {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key.key, iv);
    cipher.setAAD(Buffer.from(`witness:${witnessId}`));
    const data = Buffer.concat([cipher.update(JSON.stringify(plain), 'utf8'), cipher.final()]);
    return { keyId: this.key.keyId, iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), data: data.toString('base64') };
  }

  /** Throws when the key id is unknown or the ciphertext was altered. */
  open(sealed: SealedIdentity, witnessId: string): unknown {
    if (sealed.keyId !== this.key.keyId) throw new Error(`identity sealed with unknown key id ${sealed.keyId}`);
    const decipher = createDecipheriv('aes-256-gcm', this.key.key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(`witness:${witnessId}`));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    const plain = Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
    return JSON.parse(plain.toString('utf8')) as unknown;
  }
}
