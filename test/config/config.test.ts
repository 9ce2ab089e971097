import { expect } from 'chai';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../config/index.js';

describe('config', () => {
  const dataDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'wb-config-'));

  it('applies documented defaults', () => {
    const cfg = loadConfig({ DATA_DIR: dataDir() });
    expect(cfg.http.port).to.equal(3000);
    expect(cfg.database.uri).to.equal(undefined);
    expect(cfg.logLevel).to.equal('info');
    expect(cfg.media.workers).to.be.greaterThan(0);
    expect(Object.isFrozen(cfg.media)).to.equal(true);
  });

  it('names the variable when a value is bad', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATA_DIR: dataDir() })).to.throw(ConfigError, /PORT/);
    expect(() => loadConfig({ MONGODB_URI: 'http://x', DATA_DIR: dataDir() })).to.throw(ConfigError, /MONGODB_URI/);
    expect(() => loadConfig({ LOG_LEVEL: 'loud', DATA_DIR: dataDir() })).to.throw(ConfigError, /LOG_LEVEL/);
    expect(() => loadConfig({ RTC_MIN_PORT: '50000', RTC_MAX_PORT: '40000', DATA_DIR: dataDir() })).to.throw(ConfigError, /RTC_MIN_PORT/);
  });

  it('requires secrets in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: dataDir() })).to.throw(ConfigError, /JWT_SECRET/);
    expect(() => loadConfig({ NODE_ENV: 'production', JWT_SECRET: 'x'.repeat(40), DATA_DIR: dataDir() })).to.throw(ConfigError, /IDENTITY_KEY/);
  });

  it('reads earlier identity keys from IDENTITY_PREVIOUS_KEYS and refuses a bad entry without echoing it', () => {
    const key = Buffer.alloc(32, 7).toString('base64');
    const cfg = loadConfig({ DATA_DIR: dataDir(), IDENTITY_KEY_ID: 'k3', IDENTITY_PREVIOUS_KEYS: `k1:${key}, k2:${key}` });
    expect(cfg.identity.previous.map((k) => k.keyId)).to.deep.equal(['k1', 'k2']);
    expect(cfg.identity.previous[0]!.key.equals(Buffer.alloc(32, 7))).to.equal(true);
    expect(loadConfig({ DATA_DIR: dataDir() }).identity.previous).to.deep.equal([]);
    const short = Buffer.alloc(16, 9).toString('base64');
    for (const bad of [`k1:${short}`, short, `bad id!:${key}`, `k3:${key}`, `k1:${key},k1:${key}`]) {
      let err: unknown;
      try {
        loadConfig({ DATA_DIR: dataDir(), IDENTITY_KEY_ID: 'k3', IDENTITY_PREVIOUS_KEYS: bad });
      } catch (e) {
        err = e;
      }
      expect(err, bad).to.be.instanceOf(ConfigError);
      expect((err as Error).message, bad).to.match(/IDENTITY_PREVIOUS_KEYS/).and.not.contain(short).and.not.contain(key);
    }
  });

  it('generates development secrets once and keeps them across restarts', () => {
    const dir = dataDir();
    const a = loadConfig({ DATA_DIR: dir });
    const b = loadConfig({ DATA_DIR: dir });
    expect(a.auth.jwtSecret).to.have.length.greaterThan(32);
    expect(b.auth.jwtSecret).to.equal(a.auth.jwtSecret);
    expect(b.identity.key.equals(a.identity.key)).to.equal(true);
    expect(fs.statSync(path.join(dir, 'secrets.json')).mode & 0o777).to.equal(0o600);
  });
});
