/**
 * `npm run bench:api`: a fresh embedded database holding 20 000 sessions and 100 000 sentences,
 * the real service on port 0, then autocannon against the authenticated, paginated
 * `GET /api/sessions` and `GET /api/reports/summary`. Prints requests/s and p50/p99 latency.
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import mongoose from 'mongoose';
import { loadConfig } from '../config/index.js';
import { EmbeddedDatabase } from '../server/db/embedded.js';
import { createLogger } from '../server/logger.js';
import { rebuildReportCounters } from '../server/reports/index.js';
import { Service } from '../server/service.js';

interface CannonResult {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
// autocannon ships no types and is CommonJS.
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

const SESSIONS = 20_000;
const SENTENCES = 100_000;
const FROM = ['MD', 'UA', 'RO', 'BG'];
const COURT = ['BA', 'RS', 'MK'];

async function fill(): Promise<void> {
  const db = mongoose.connection.db!;
  // A programme has hundreds of witnesses, not one per session.
  const witnesses = Array.from({ length: 600 }, () => new mongoose.Types.ObjectId().toHexString());
  const sessions = [];
  for (let i = 0; i < SESSIONS; i++) {
    const start = new Date(Date.UTC(2022, 0, 1) + i * 3 * 3600_000);
    const from = FROM[i % 4]!;
    const court = COURT[i % 3]!;
    sessions.push({
      trialId: new mongoose.Types.ObjectId().toHexString(), witnessId: witnesses[i % witnesses.length]!, fromCountry: from, courtCountry: court,
      countryPair: `${from}-${court}`, courtRoom: `Room ${i % 50}`, start, end: new Date(start.getTime() + 2 * 3600_000), year: start.getUTCFullYear(),
      timeZones: { witness: 'UTC', court: 'UTC' }, participants: [{ participantId: randomUUID(), userId: 'x', role: 'judge', displayName: 'Judge' }],
      judgeUserIds: ['x'], measures: ['pseudonym'], status: start.getTime() < Date.now() ? 'ended' : 'scheduled', createdBy: 'bench',
    });
  }
  for (let i = 0; i < sessions.length; i += 2000) await db.collection('sessions').insertMany(sessions.slice(i, i + 2000));
  for (let i = 0; i < SENTENCES; i += 5000) {
    const batch = Array.from({ length: 5000 }, (_, j) => {
      const n = i + j;
      const year = 2022 + (n % 5);
      return { trialId: `t${Math.floor(n / 4)}`, defendantId: `d${n}`, date: new Date(Date.UTC(year, n % 12, 1)), year, termMonths: 12 + (n % 100), outcome: n % 5 === 0 ? 'acquitted' : 'convicted', countryPair: `${FROM[n % 4]}-${COURT[n % 3]}`, createdBy: 'bench' };
    });
    await db.collection('sentences').insertMany(batch);
  }
}

async function run(title: string, url: string, token: string): Promise<void> {
  // The load generator runs in a worker thread: on the service's own event loop it would take
  // half of the time it measures.
  const r = await autocannon({ url, connections: 10, duration: 10, timeout: 60, workers: 1, headers: { authorization: `Bearer ${token}` } });
  console.log(`${title}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-bench-'));
  const db = await EmbeddedDatabase.create({ bin: path.resolve('tools/ferretdb/bin/ferretdb'), dataDir: path.join(dir, 'db'), port: 0, logger: createLogger('silent') });
  let service: Service | undefined;
  try {
    const env = { ...process.env, MONGODB_URI: db.uri, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: dir, MEDIA_WORKERS: '1', ADMIN_USERNAME: 'bench-admin', ADMIN_PASSWORD: 'bench-admin-password' };
    service = await Service.create(loadConfig(env), createLogger('warn'));
    const t0 = Date.now();
    await fill();
    console.log(`bench: inserted ${SESSIONS} sessions and ${SENTENCES} sentences in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const t1 = Date.now();
    await rebuildReportCounters();
    console.log(`bench: rebuilt the report counters (bulk insert bypassed the services) in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    const base = `http://127.0.0.1:${service.port}`;
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-admin', password: 'bench-admin-password' }) });
    const { token } = (await login.json()) as { token: string };
    await run('GET /api/sessions (default page of 20)', `${base}/api/sessions`, token);
    await run('GET /api/sessions?limit=50', `${base}/api/sessions?limit=50`, token);
    for (const g of ['year', 'countryPair'] as const) {
      const t2 = Date.now();
      await fetch(`${base}/api/reports/summary?groupBy=${g}`, { headers: { authorization: `Bearer ${token}` } });
      console.log(`GET /api/reports/summary?groupBy=${g}: first (uncached) request ${Date.now() - t2} ms`);
    }
    await run('GET /api/reports/summary?groupBy=year', `${base}/api/reports/summary?groupBy=year`, token);
    await run('GET /api/reports/summary?groupBy=countryPair', `${base}/api/reports/summary?groupBy=countryPair`, token);
  } finally {
    await service?.close();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
