/**
 * Development secrets: generated once into `DATA_DIR/secrets.json` (mode 0600) so restarts keep
 * tokens valid and encrypted identities readable. Never used when NODE_ENV=production.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/** Secrets kept for development and test runs. */
export interface DevSecrets {
  readonly jwtSecret: string;
  /** 32 bytes, base64. */
  readonly identityKey: string;
}

function isDevSecrets(v: unknown): v is DevSecrets {
  const o = v as Partial<DevSecrets> | null;
  return typeof o?.jwtSecret === 'string' && typeof o.identityKey === 'string';
}

/** Reads the secrets from `dataDir`, creating them on first use. */
export function loadOrCreateDevSecrets(dataDir: string): DevSecrets {
  const file = path.join(dataDir, 'secrets.json');
  if (fs.existsSync(file)) {
    const stored: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (isDevSecrets(stored)) return stored;
  }
  fs.mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const secrets: DevSecrets = {
    jwtSecret: randomBytes(48).toString('base64url'),
    identityKey: randomBytes(32).toString('base64'),
  };
  // 'wx' so two processes starting at once cannot overwrite each other's secrets.
  try {
    fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600, flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    return loadOrCreateDevSecrets(dataDir);
  }
  return secrets;
}
