import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config/index.js';

describe('config: the audit chain key', () => {
  const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'wb-config-audit-'));
  /** Development secrets beside DATA_DIR, never in the user's own SECRETS_DIR. */
  const secretsOf = (dir: string): string => `${dir}-secrets`;
  const good = randomBytes(32).toString('base64');

  it('accepts 32 random bytes in canonical base64 and defaults the anchor file into DATA_DIR', () => {
    const dir = dataDir();
    const cfg = loadConfig({ DATA_DIR: dir, SECRETS_DIR: secretsOf(dir), AUDIT_KEY: good });
    expect(cfg.audit.key.equals(Buffer.from(good, 'base64'))).to.equal(true);
    expect(cfg.audit.anchorFile).to.equal(path.join(dir, 'audit-anchor.json'));
    expect(loadConfig({ DATA_DIR: dir, SECRETS_DIR: secretsOf(dir), AUDIT_KEY: good, AUDIT_ANCHOR_FILE: '/var/lib/wb/anchor.json' }).audit.anchorFile).to.equal('/var/lib/wb/anchor.json');
  });

  for (const [what, value] of [
    ['too short', randomBytes(31).toString('base64')],
    ['too long', randomBytes(33).toString('base64')],
    ['junk', 'not a key at all, just words!!'],
    ['not canonical (padding dropped)', good.replace(/=+$/, '')],
    ['not canonical (a stray character)', `${good.slice(0, 10)}*${good.slice(10)}`],
    ['all zero bytes', Buffer.alloc(32).toString('base64')],
    ['one byte repeated', Buffer.alloc(32, 0x41).toString('base64')],
  ] as const) {
    it(`refuses a key that is ${what}, naming AUDIT_KEY and not repeating the value`, () => {
      let err: unknown;
      try {
        const dir = dataDir();
        loadConfig({ DATA_DIR: dir, SECRETS_DIR: secretsOf(dir), AUDIT_KEY: value });
      } catch (e) {
        err = e;
      }
      expect(err).to.be.instanceOf(ConfigError);
      expect((err as ConfigError).variable).to.equal('AUDIT_KEY');
      expect((err as Error).message).to.not.include(value);
    });
  }

  it('is required in production', () => {
    const env = { NODE_ENV: 'production', JWT_SECRET: randomBytes(48).toString('base64'), IDENTITY_KEY: randomBytes(32).toString('base64'), DATA_DIR: dataDir(), SECRETS_DIR: secretsOf(dataDir()) };
    expect(() => loadConfig(env)).to.throw(ConfigError, /AUDIT_KEY/);
    expect(loadConfig({ ...env, AUDIT_KEY: good }).audit.key).to.have.length(32);
  });

  it('is generated for development once, kept across restarts, and added to a secrets file from before it (in SECRETS_DIR, or moved from DATA_DIR)', () => {
    const dir = dataDir();
    const env = { DATA_DIR: dir, SECRETS_DIR: secretsOf(dir) };
    const first = loadConfig(env).audit.key;
    expect(first).to.have.length(32);
    expect(loadConfig(env).audit.key.equals(first)).to.equal(true);
    for (const where of ['SECRETS_DIR', 'DATA_DIR'] as const) {
      const old = dataDir();
      const oldEnv = { DATA_DIR: old, SECRETS_DIR: secretsOf(old) };
      const secrets = { jwtSecret: randomBytes(48).toString('base64url'), identityKey: randomBytes(32).toString('base64') };
      const file = path.join(where === 'SECRETS_DIR' ? secretsOf(old) : old, 'secrets.json');
      fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
      fs.writeFileSync(file, JSON.stringify(secrets), { mode: 0o600 });
      const cfg = loadConfig(oldEnv);
      expect(cfg.auth.jwtSecret, where).to.equal(secrets.jwtSecret);
      expect(cfg.identity.key.equals(Buffer.from(secrets.identityKey, 'base64')), where).to.equal(true);
      expect(loadConfig(oldEnv).audit.key.equals(cfg.audit.key), where).to.equal(true);
      const kept = path.join(secretsOf(old), 'secrets.json');
      expect(fs.statSync(kept).mode & 0o777, where).to.equal(0o600);
      expect(fs.existsSync(path.join(old, 'secrets.json')), `${where}: nothing left in DATA_DIR`).to.equal(false);
    }
  });
});
