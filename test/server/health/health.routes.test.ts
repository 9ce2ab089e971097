import { expect } from 'chai';
import request from 'supertest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { EmbeddedDatabase } from '../../../server/db/embedded.js';
import { createLogger } from '../../../server/logger.js';
import { ROOT } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';

describe('health probes', () => {
  let svc: TestService;
  before(async () => {
    svc = await startTestService();
  });
  after(async () => {
    await svc.close();
  });

  it('GET /healthz answers 200 while the process is alive', async () => {
    const res = await request(svc.url).get('/healthz').expect(200);
    expect(res.body).to.deep.equal({ status: 'ok' });
  });

  it('GET /readyz answers 200 with the database and every worker checked', async () => {
    const res = await request(svc.url).get('/readyz').expect(200);
    expect(res.body.status).to.equal('ready');
    expect(res.body.checks.database).to.equal('ok');
    expect(res.body.checks.media).to.equal('ok');
    expect(res.body.checks.workers).to.have.length(1);
  });

  it('sets security headers from helmet and hides x-powered-by', async () => {
    const res = await request(svc.url).get('/healthz');
    expect(res.headers['x-content-type-options']).to.equal('nosniff');
    expect(res.headers['content-security-policy']).to.be.a('string');
    expect(res.headers).not.to.have.property('x-powered-by');
  });
});

describe('readiness when a dependency fails', () => {
  it('GET /readyz answers 503 naming the database when it is stopped', async function () {
    this.timeout(30_000);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-readyz-'));
    const db = await EmbeddedDatabase.create({ bin: path.join(ROOT, 'tools/ferretdb/bin/ferretdb'), dataDir: dir, port: 0, logger: createLogger('silent') });
    const svc = await startTestService({ MONGODB_URI: db.uri });
    try {
      await request(svc.url).get('/readyz').expect(200);
      await db.close();
      // The monitor pings every 200 ms: the change shows within a second.
      const deadline = Date.now() + 1000;
      let res = await request(svc.url).get('/readyz');
      while (res.status !== 503 && Date.now() < deadline) res = await request(svc.url).get('/readyz');
      expect(res.status).to.equal(503);
      expect(res.body.status).to.equal('unavailable');
      expect(res.body.checks.database).to.equal('unreachable');
      expect(res.body.checks.media).to.equal('ok');
    } finally {
      await svc.close();
      await db.close();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a dead media worker and replaces it with a live one', async function () {
    this.timeout(30_000);
    const svc = await startTestService();
    try {
      const pool = svc.service.media;
      const [worker] = pool.statuses();
      const died = new Promise<boolean>((resolve) => pool.once('workerDied', () => resolve(pool.allAlive)));
      const replaced = new Promise<number>((resolve) => pool.once('workerReplaced', (e) => resolve(e.pid)));
      process.kill(worker!.pid, 'SIGKILL');
      expect(await died, 'pool is not ready while a worker is dead').to.equal(false);
      const newPid = await replaced;
      expect(newPid).not.to.equal(worker!.pid);
      const res = await request(svc.url).get('/readyz').expect(200);
      expect(res.body.checks.workers[0].alive).to.equal(true);
    } finally {
      await svc.close();
    }
  });
});
