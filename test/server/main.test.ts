import { expect } from 'chai';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { freePort } from '../../server/db/embedded.js';
import { ROOT } from '../support/hooks.js';

/** Starts `node dist/server/main.js` (what `npm start` runs after set-up). */
function startMain(env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, [path.join(ROOT, 'dist/server/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

async function waitReady(url: string, timeoutMs: number): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    try {
      const res = await fetch(url + '/readyz');
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('service did not become ready');
}

function exited(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

function ferretdbPids(dataDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-f', `sqlite-url=file:${dataDir}`], { encoding: 'utf8' }).trim().split('\n').filter(Boolean);
  } catch {
    return []; // pgrep exits 1 when nothing matches
  }
}

describe('npm start on the embedded database', function () {
  this.timeout(60_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-start-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('serves /readyz 200 within 15 s, stops cleanly on SIGTERM and keeps its data for the next start', async () => {
    const [port, dbPort] = await Promise.all([freePort(), freePort()]);
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, EMBEDDED_DB_PORT: String(dbPort), LOG_LEVEL: 'warn', MEDIA_WORKERS: '1' };
    const url = `http://127.0.0.1:${port}`;

    const first = startMain(env);
    const readyMs = await waitReady(url, 15_000);
    expect(readyMs).to.be.lessThan(15_000);
    expect(ferretdbPids(dataDir)).to.have.length(1);
    const client = await mongoose.mongo.MongoClient.connect(`mongodb://127.0.0.1:${dbPort}/witness_bridge`);
    await client.db().collection('restart_probe').insertOne({ marker: 'written-by-first-start' });
    await client.close();
    first.kill('SIGTERM');
    expect(await exited(first)).to.equal(0);
    expect(ferretdbPids(dataDir), 'no orphan database process').to.deep.equal([]);

    const second = startMain(env);
    try {
      await waitReady(url, 15_000);
      const again = await mongoose.mongo.MongoClient.connect(`mongodb://127.0.0.1:${dbPort}/witness_bridge`);
      const doc = await again.db().collection('restart_probe').findOne({ marker: 'written-by-first-start' });
      await again.close();
      expect(doc).to.not.equal(null);
    } finally {
      second.kill('SIGTERM');
      expect(await exited(second)).to.equal(0);
    }
    expect(ferretdbPids(dataDir)).to.deep.equal([]);
  });

  it('refuses to start with a message naming a bad variable', async () => {
    const child = startMain({ PORT: 'not-a-port', DATA_DIR: dataDir });
    let stderr = '';
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    expect(await exited(child)).to.equal(78);
    expect(stderr).to.match(/PORT/);
  });

  it('leaves no database behind when the service is killed outright', async () => {
    const port = await freePort();
    const child = startMain({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', MEDIA_WORKERS: '1' });
    await waitReady(`http://127.0.0.1:${port}`, 15_000);
    expect(ferretdbPids(dataDir)).to.have.length(1);
    child.kill('SIGKILL');
    await exited(child);
    const deadline = Date.now() + 5000;
    while (ferretdbPids(dataDir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(ferretdbPids(dataDir)).to.deep.equal([]);
  });
});
