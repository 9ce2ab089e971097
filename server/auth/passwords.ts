/** Password hashing and generated passwords. */
import { randomBytes } from 'node:crypto';
import argon2 from 'argon2';

// OWASP's argon2id minimum (19 MiB, 2 passes): strong, and fast enough for tests on 2 cores.
const HASH_OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** argon2id hash of `password`. */
export function hashPassword(password: string): Promise<string> {
  return argon2.hash(password, HASH_OPTIONS);
}

/** True when `password` matches `hash` (false for a malformed hash, never a throw). */
export function verifyPassword(hash: string, password: string): Promise<boolean> {
  return argon2.verify(hash, password).catch(() => false);
}

/** A random password for one-time use: 144 bits, URL-safe, 24 characters. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url');
}

/** A fresh token epoch (see `tokenEpoch` in user.model.ts). */
export function newTokenEpoch(): string {
  return randomBytes(12).toString('base64url');
}
