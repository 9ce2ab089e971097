import { expect } from 'chai';
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mongoose from 'mongoose';
import { freePort } from '../../server/db/embedded.js';
import { ROOT } from '../support/hooks.js';
import { buildFixture, burst, call, expectEveryRecordAudited, expectFiguresEqualRecount, sentenceBody, type Outcome } from './db/support.js';

/**
 * The workers' WebRTC port is taken from the free ones (as in every other test): the default,
 * 40000, lies in the machine's ephemeral range, where a browser or client of an earlier test may
 * hold it, and the start then fails (`uv_udp_bind() failed … address already in use`).
 */
const ANY_RTC_PORT = { RTC_PORT: '0' } as const;

/** What each started service printed (stdout and stderr), for the failure messages. */
const printed = new WeakMap<ChildProcess, string[]>();

/** Starts `node dist/server/main.js` (what `npm start` runs after set-up). */
function startMain(env: Record<string, string>): ChildProcess {
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/server/main.js')], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out: string[] = [];
  printed.set(child, out);
  child.stdout?.on('data', (d: Buffer) => out.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => out.push(d.toString()));
  return child;
}

/**
 * Polls `/readyz` of `child` until 200; returns how long it took. Otherwise kills it (a later
 * test must not meet it) and throws with its exit status and the end of what it printed.
 */
async function waitReady(url: string, timeoutMs: number, child: ChildProcess): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs && child.exitCode === null && child.signalCode === null) {
    try {
      const res = await fetch(url + '/readyz');
      if (res.status === 200) return Date.now() - started;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  const status = child.exitCode ?? child.signalCode;
  if (status === null) {
    child.kill('SIGKILL');
    await exited(child);
  }
  const tail = (printed.get(child) ?? []).join('').split('\n').slice(-15).join('\n');
  throw new Error(`service did not become ready within ${timeoutMs} ms (${status === null ? 'still running after' : `exited with ${status} after`} ${Date.now() - started} ms); it printed:\n${tail}`);
}

function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
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
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, EMBEDDED_DB_PORT: String(dbPort), LOG_LEVEL: 'warn', MEDIA_WORKERS: '1', ...ANY_RTC_PORT };
    const url = `http://127.0.0.1:${port}`;

    const first = startMain(env);
    const readyMs = await waitReady(url, 15_000, first);
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
      await waitReady(url, 15_000, second);
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
    expect(await exited(child)).to.equal(78);
    expect(printed.get(child)!.join('')).to.match(/PORT/);
  });

  it('leaves no database behind when the service is killed outright', async () => {
    const port = await freePort();
    const child = startMain({ PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', MEDIA_WORKERS: '1', ...ANY_RTC_PORT });
    await waitReady(`http://127.0.0.1:${port}`, 15_000, child);
    expect(ferretdbPids(dataDir)).to.have.length(1);
    child.kill('SIGKILL');
    await exited(child);
    const deadline = Date.now() + 5000;
    while (ferretdbPids(dataDir).length > 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(ferretdbPids(dataDir)).to.deep.equal([]);
  });
});

describe('the service is killed outright during a write burst', function () {
  this.timeout(120_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-kill-'));
  after(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('the next start finds the unclean stop and reconciles before it is ready (within 10 s): no acknowledged write lost, every record audited once, figures equal a recount', async () => {
    const [port, dbPort] = await Promise.all([freePort(), freePort()]);
    const admin = { username: 'admin', password: 'admin-password-for-kill-test' };
    const env = { PORT: String(port), HOST: '127.0.0.1', DATA_DIR: dataDir, EMBEDDED_DB_PORT: String(dbPort), LOG_LEVEL: 'warn', MEDIA_WORKERS: '1', ...ANY_RTC_PORT, ADMIN_USERNAME: admin.username, ADMIN_PASSWORD: admin.password };
    const url = `http://127.0.0.1:${port}`;
    const first = startMain(env);
    await waitReady(url, 15_000, first);
    const fx = await buildFixture({ url }, admin, 3);
    let acked = 0;
    let killedAt = 0;
    const outcomes: Outcome[] = await burst(fx.defendants.slice(0, 150), 4, async (d, i) => {
      const o = await call({ url }, 'POST', '/api/sentences', fx.token, sentenceBody(d, i));
      if (o.status === 201 && ++acked === 50) {
        killedAt = Date.now();
        first.kill('SIGKILL');
      }
      return o;
    });
    await exited(first);
    expect(killedAt).to.be.greaterThan(0);
    expect(outcomes.every((o) => o.status === 201 || o.status === 0), 'answers were 201 or no answer').to.equal(true);

    const second = startMain(env);
    const restartedAt = Date.now();
    try {
      const readyMs = await waitReady(url, 10_000, second);
      console.log(`      measured: ready ${readyMs} ms after the restart (${Date.now() - killedAt} ms after the kill)`);
      expect(printed.get(second)!.join('')).to.include('startRecovery() the previous run did not stop cleanly; reconciled before serving');
      expect(Date.now() - restartedAt).to.be.below(10_000);
      const client = await mongoose.mongo.MongoClient.connect(`mongodb://127.0.0.1:${dbPort}/witness_bridge`);
      try {
        const db = client.db();
        const ackedIds = outcomes.filter((o) => o.status === 201).map((o) => new mongoose.Types.ObjectId(o.id));
        expect(await db.collection('sentences').countDocuments({ _id: { $in: ackedIds } }), 'acknowledged writes lost').to.equal(ackedIds.length);
        const audited = await expectEveryRecordAudited(db, { collection: 'sentences', filter: { trialId: { $in: [...fx.trialIds] } }, action: 'sentence.create', eventFilter: { 'details.trialId': { $in: [...fx.trialIds] } }, kind: 'sentence' });
        console.log(`      measured: ${audited.records} sentences stored (${ackedIds.length} acknowledged), ${audited.reconciled} events written by reconciliation`);
        await expectFiguresEqualRecount(db);
        const run = await db.collection('service_runs').findOne({ clean: false });
        expect(run, 'the killed run is marked as not stopped cleanly').to.not.equal(null);
      } finally {
        await client.close();
      }
      const verify = await call({ url }, 'GET', '/api/audit/verify', fx.token);
      expect(verify.body).to.deep.include({ ok: true, status: 'ok' });
    } finally {
      second.kill('SIGTERM');
      expect(await exited(second)).to.equal(0);
    }
  });
});
