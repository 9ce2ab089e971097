/**
 * Development secrets: generated once into `SECRETS_DIR/secrets.json` (mode 0600, folder 0700)
 * so restarts keep tokens valid and encrypted identities readable. Never used when
 * NODE_ENV=production. They live outside DATA_DIR on purpose: a backup or copy of the data
 * folder must not carry the key that decrypts every identity in it. A `secrets.json` left in
 * DATA_DIR by an earlier version is moved out on first use.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Secrets kept for development and test runs. */
export interface DevSecrets {
  readonly jwtSecret: string;
  /** 32 bytes, base64. */
  readonly identityKey: string;
  /** HMAC key of the audit chain, 32 bytes, base64. */
  readonly auditKey: string;
}

function isDevSecrets(v: unknown): v is DevSecrets {
  const o = v as Partial<DevSecrets> | null;
  return typeof o?.jwtSecret === 'string' && typeof o.identityKey === 'string' && typeof o.auditKey === 'string';
}

/** A secrets file from before the audit key: the key is added to it (the others are kept). */
function withAuditKey(file: string, stored: unknown): DevSecrets | undefined {
  const o = stored as Partial<DevSecrets> | null;
  if (typeof o?.jwtSecret !== 'string' || typeof o.identityKey !== 'string') return undefined;
  const secrets: DevSecrets = { jwtSecret: o.jwtSecret, identityKey: o.identityKey, auditKey: randomBytes(32).toString('base64') };
  fs.writeFileSync(`${file}.tmp`, JSON.stringify(secrets), { mode: 0o600 });
  fs.renameSync(`${file}.tmp`, file);
  return secrets;
}

/** Reads the secrets from `secretsDir`, moving them from `legacyDataDir` or creating them on first use. */
export function loadOrCreateDevSecrets(secretsDir: string, legacyDataDir?: string): DevSecrets {
  const file = path.join(secretsDir, 'secrets.json');
  if (fs.existsSync(file)) {
    const stored: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (isDevSecrets(stored)) return stored;
    const upgraded = withAuditKey(file, stored);
    if (upgraded) return upgraded;
  }
  fs.mkdirSync(secretsDir, { recursive: true, mode: 0o700 });
  const legacy = legacyDataDir ? path.join(legacyDataDir, 'secrets.json') : undefined;
  const moved: unknown = legacy && fs.existsSync(legacy) ? JSON.parse(fs.readFileSync(legacy, 'utf8')) : undefined;
  // A legacy file from before the audit key keeps its keys and gets an audit key.
  const old = moved as Partial<DevSecrets> | undefined;
  const fromLegacy = typeof old?.jwtSecret === 'string' && typeof old.identityKey === 'string';
  const secrets: DevSecrets =
    fromLegacy && old?.jwtSecret && old.identityKey
      ? { jwtSecret: old.jwtSecret, identityKey: old.identityKey, auditKey: typeof old.auditKey === 'string' ? old.auditKey : randomBytes(32).toString('base64') }
      : { jwtSecret: randomBytes(48).toString('base64url'), identityKey: randomBytes(32).toString('base64'), auditKey: randomBytes(32).toString('base64') };
  // 'wx' so two processes starting at once cannot overwrite each other's secrets.
  try {
    fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return loadOrCreateDevSecrets(secretsDir);
  }
  if (legacy && fromLegacy) fs.rmSync(legacy, { force: true });
  return secrets;
}
