import { expect } from 'chai';
import { randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config/index.js';
import { ROOT } from '../support/hooks.js';

describe('config', () => {
  const tmp = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  /** A data folder and a secrets folder of its own (tests never write the user's config folder). */
  const dirs = () => ({ DATA_DIR: tmp('wb-config-'), SECRETS_DIR: tmp('wb-config-secrets-') });
  const key = () => randomBytes(32).toString('base64');

  it('applies documented defaults', () => {
    const cfg = loadConfig(dirs());
    expect(cfg.http.port).to.equal(3000);
    expect(cfg.database.uri).to.equal(undefined);
    expect(cfg.logLevel).to.equal('info');
    expect(cfg.logFormat).to.equal('auto');
    expect(cfg.media.workers).to.be.greaterThan(0);
    expect(Object.isFrozen(cfg.media)).to.equal(true);
  });

  it('names the variable when a value is bad', () => {
    expect(() => loadConfig({ PORT: 'eighty', ...dirs() })).to.throw(ConfigError, /PORT/);
    expect(() => loadConfig({ MONGODB_URI: 'http://x', ...dirs() })).to.throw(ConfigError, /MONGODB_URI/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud', ...dirs() })).to.throw(ConfigError, /LOG_LEVEL/);
    expect(() => loadConfig({ LOG_FORMAT: 'xml', ...dirs() })).to.throw(ConfigError, /LOG_FORMAT/);
    expect(() => loadConfig({ RTC_MIN_PORT: '50000', RTC_MAX_PORT: '40000', ...dirs() })).to.throw(ConfigError, /RTC_MIN_PORT/);
  });

  it('requires secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', ...dirs() })).to.throw(ConfigError, /JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: randomBytes(48).toString('base64'), ...dirs() })).to.throw(ConfigError, /IDENTITY_KEY/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: randomBytes(48).toString('base64'), IDENTITY_KEY: key(), ...dirs() })).to.throw(ConfigError, /AUDIT_KEY/);
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: randomBytes(48).toString('base64'), IDENTITY_KEY: key(), AUDIT_KEY: key(), ...dirs() }).env).to.equal('production');
  });

  it('refuses an identity key that is not 32 random bytes in canonical base64, without echoing it (issue 10 finding 9)', () => {
    const good = key();
    const bad = {
      'all zero bytes': Buffer.alloc(32).toString('base64'),
      'one repeated byte': Buffer.alloc(32, 7).toString('base64'),
      'a short repeated pattern': Buffer.from('0123456789'.repeat(4).slice(0, 32)).toString('base64'),
      'too short': randomBytes(16).toString('base64'),
      'too long': randomBytes(33).toString('base64'),
      'junk that lenient base64 reads as 32 bytes': `${good.slice(0, 20)}!!${good.slice(20)}`,
      'no padding': good.slice(0, 43),
      'URL-safe letters': good.replace(/\+/g, '-').replace(/\//g, '_').replace(/^./, '-'),
      'non-canonical last character': `${good.slice(0, 42)}${good[42] === 'A' ? 'B' : 'A'}=`.replace(/^(.{42})./, (m, p: string) => p + (/[AEIMQUYcgkosw048]/.test(good[42]!) ? 'B' : good[42])),
      'a line break': `${good.slice(0, 20)}\n${good.slice(20)}`,
    };
    for (const [what, value] of Object.entries(bad)) {
      if (Buffer.from(value, 'base64').toString('base64') === value && /^[A-Za-z0-9+/]{43}=$/.test(value) && new Set(Buffer.from(value, 'base64')).size >= 12) continue; // a generated case that happens to be valid
      let err: unknown;
      try {
        loadConfig({ IDENTITY_KEY: value, ...dirs() });
      } catch (e) {
        err = e;
      }
      expect(err, what).to.be.instanceOf(ConfigError);
      expect((err as Error).message, what).to.match(/IDENTITY_KEY/).and.not.contain(value);
    }
    expect(loadConfig({ IDENTITY_KEY: good, ...dirs() }).identity.key.toString('base64')).to.equal(good);
  });

  it('refuses a JWT secret that is short or constant', () => {
    for (const value of ['x'.repeat(64), 'abab'.repeat(16), 'short-secret']) {
      expect(() => loadConfig({ JWT_SECRET: value, ...dirs() }), value).to.throw(ConfigError, /JWT_SECRET/);
    }
    expect(loadConfig({ JWT_SECRET: randomBytes(48).toString('base64url'), ...dirs() }).auth.jwtSecret).to.have.length(64);
  });

  it('reads earlier identity keys from IDENTITY_PREVIOUS_KEYS and refuses a bad entry without echoing it', () => {
    const k = key();
    const cfg = loadConfig({ ...dirs(), IDENTITY_KEY_ID: 'k3', IDENTITY_PREVIOUS_KEYS: `k1:${k}, k2:${k}` });
    expect(cfg.identity.previous.map((p) => p.keyId)).to.deep.equal(['k1', 'k2']);
    expect(cfg.identity.previous[0]!.key.toString('base64')).to.equal(k);
    expect(loadConfig(dirs()).identity.previous).to.deep.equal([]);
    const short = randomBytes(16).toString('base64');
    const constant = Buffer.alloc(32, 9).toString('base64');
    for (const bad of [`k1:${short}`, short, `k1:${constant}`, `bad id!:${k}`, `k3:${k}`, `k1:${k},k1:${k}`]) {
      let err: unknown;
      try {
        loadConfig({ ...dirs(), IDENTITY_KEY_ID: 'k3', IDENTITY_PREVIOUS_KEYS: bad });
      } catch (e) {
        err = e;
      }
      expect(err, bad).to.be.instanceOf(ConfigError);
      expect((err as Error).message, bad).to.match(/IDENTITY_PREVIOUS_KEYS/).and.not.contain(short).and.not.contain(k).and.not.contain(constant);
    }
  });

  it('generates development secrets once, in SECRETS_DIR outside DATA_DIR, and keeps them across restarts', () => {
    const d = dirs();
    const a = loadConfig(d);
    const b = loadConfig(d);
    expect(a.auth.jwtSecret).to.have.length.greaterThan(32);
    expect(b.auth.jwtSecret).to.equal(a.auth.jwtSecret);
    expect(b.identity.key.equals(a.identity.key)).to.equal(true);
    expect(fs.statSync(path.join(d.SECRETS_DIR, 'secrets.json')).mode & 0o777).to.equal(0o600);
    expect(fs.statSync(d.SECRETS_DIR).mode & 0o777).to.equal(0o700);
    expect(fs.readdirSync(d.DATA_DIR), 'nothing secret in the data folder').to.deep.equal([]);
  });

  it('puts generated secrets under the user configuration folder by default, never inside DATA_DIR', () => {
    const xdg = tmp('wb-config-xdg-');
    const dataDir = tmp('wb-config-');
    const cfg = loadConfig({ DATA_DIR: dataDir, XDG_CONFIG_HOME: xdg });
    expect(cfg.secretsDir).to.equal(path.join(xdg, 'witness-bridge'));
    expect(fs.existsSync(path.join(xdg, 'witness-bridge', 'secrets.json'))).to.equal(true);
    expect(() => loadConfig({ DATA_DIR: dataDir, SECRETS_DIR: path.join(dataDir, 'secrets') })).to.throw(ConfigError, /SECRETS_DIR/);
    expect(() => loadConfig({ DATA_DIR: dataDir, SECRETS_DIR: path.dirname(dataDir) })).to.throw(ConfigError, /SECRETS_DIR/);
  });

  it('moves secrets an earlier version kept in DATA_DIR out of it, keeping them', () => {
    const d = dirs();
    const old = { jwtSecret: randomBytes(48).toString('base64url'), identityKey: key() };
    fs.writeFileSync(path.join(d.DATA_DIR, 'secrets.json'), JSON.stringify(old), { mode: 0o600 });
    const cfg = loadConfig(d);
    expect(cfg.auth.jwtSecret).to.equal(old.jwtSecret);
    expect(cfg.identity.key.toString('base64')).to.equal(old.identityKey);
    expect(fs.existsSync(path.join(d.DATA_DIR, 'secrets.json'))).to.equal(false);
  });

  it('npm run seed refuses NODE_ENV=production before touching any database', () => {
    let out = '';
    try {
      execFileSync(process.execPath, [path.join(ROOT, 'dist/scripts/seed.js')], {
        cwd: ROOT,
        env: { PATH: process.env.PATH ?? '', NODE_ENV: 'production', JWT_SECRET: randomBytes(48).toString('base64'), IDENTITY_KEY: key(), AUDIT_KEY: key(), MONGODB_URI: 'mongodb://127.0.0.1:9/never', ...dirs() },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 15_000,
      });
    } catch (err) {
      out = String((err as { stderr?: string }).stderr);
      expect((err as { status?: number }).status).to.equal(1);
    }
    expect(out).to.match(/seed.*refuses.*production/i);
  });
});
