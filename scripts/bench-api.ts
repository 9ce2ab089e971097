/**
 * `npm run bench:api`: a fresh embedded database holding 20 000 sessions and 100 000 sentences,
 * the real service on port 0, then autocannon against the authenticated, paginated
 * `GET /api/sessions` and `GET /api/reports/summary`: cached, on a cold cache (the first request
 * after a write), and under a concurrent write load of about 20 writes/s (sessions ending through
 * the API, each dropping the cached summaries), where the p99 includes the misses. Prints
 * requests/s and p50/p99 latency, and whether the summaries' p99 under writes meets 500 ms.
 *
 * `--smoke`: tiny sizes and one-second runs (a few seconds in all), for `npm test`, so that a
 * change that breaks the benchmark fails the tests. Exits 1 when any request fails.
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
  requests: { average: number; total: number };
  latency: { p50: number; p99: number; max: number };
  non2xx: number;
  errors: number;
}
type Cannon = (opts: Record<string, unknown>) => Promise<CannonResult>;
// autocannon ships no types and is CommonJS.
const autocannon = createRequire(import.meta.url)('autocannon') as Cannon;

const SMOKE = process.argv.includes('--smoke');
const SIZE = SMOKE ? { sessions: 200, sentences: 1000, live: 60, runSeconds: 1, writesPerSecond: 20 } : { sessions: 20_000, sentences: 100_000, live: 1200, runSeconds: 10, writesPerSecond: 20 };
const TARGET_P99_MS = 500;
const FROM = ['MD', 'UA', 'RO', 'BG'];
const COURT = ['BA', 'RS', 'MK'];
let failures = 0;
/** What each failed single request answered (the first few), so a failed run says why. */
const failedAnswers: string[] = [];
async function noteFailure(what: string, res: Response): Promise<void> {
  failures++;
  if (failedAnswers.length < 5) failedAnswers.push(`${what}: ${res.status} ${(await res.text()).slice(0, 200)}`);
}

function session(i: number, witnesses: readonly string[], status: string, start: Date): Record<string, unknown> {
  const from = FROM[i % 4]!;
  const court = COURT[i % 3]!;
  return {
    trialId: new mongoose.Types.ObjectId().toHexString(),
    witnessId: witnesses[i % witnesses.length]!,
    fromCountry: from,
    courtCountry: court,
    countryPair: `${from}-${court}`,
    courtRoom: `Room ${i % 50}`,
    start,
    end: new Date(start.getTime() + 2 * 3600_000),
    year: start.getUTCFullYear(),
    timeZones: { witness: 'UTC', court: 'UTC' },
    participants: [{ participantId: randomUUID(), userId: 'x', role: 'judge', displayName: 'Judge' }],
    judgeUserIds: ['x'],
    measures: ['pseudonym'],
    status,
    ...(status === 'live' || status === 'ended' ? { liveAt: start } : {}),
    createdBy: 'bench',
  };
}

/** Bulk-loads the records past the services; returns the ids of the live sessions the write load ends. */
async function fill(): Promise<string[]> {
  const db = mongoose.connection.db!;
  // A programme has hundreds of witnesses, not one per session.
  const witnesses = Array.from({ length: 600 }, () => new mongoose.Types.ObjectId().toHexString());
  const sessions = [];
  for (let i = 0; i < SIZE.sessions; i++) {
    const start = new Date(Date.UTC(2022, 0, 1) + i * 3 * 3600_000);
    sessions.push(session(i, witnesses, start.getTime() < Date.now() ? 'ended' : 'scheduled', start));
  }
  for (let i = 0; i < sessions.length; i += 2000) await db.collection('sessions').insertMany(sessions.slice(i, i + 2000));
  for (let i = 0; i < SIZE.sentences; i += 5000) {
    const batch = Array.from({ length: Math.min(5000, SIZE.sentences - i) }, (_, j) => {
      const n = i + j;
      const year = 2022 + (n % 5);
      return { trialId: `t${Math.floor(n / 4)}`, defendantId: `d${n}`, date: new Date(Date.UTC(year, n % 12, 1)), year, termMonths: 12 + (n % 100), outcome: n % 5 === 0 ? 'acquitted' : 'convicted', countryPair: `${FROM[n % 4]}-${COURT[n % 3]}`, createdBy: 'bench' };
    });
    await db.collection('sentences').insertMany(batch);
  }
  const live = Array.from({ length: SIZE.live }, (_, i) => ({ _id: new mongoose.Types.ObjectId(), ...session(i, witnesses, 'live', new Date(Date.UTC(2026, 0, 1) + i * 3600_000)) }));
  await db.collection('sessions').insertMany(live);
  return live.map((s) => s._id.toHexString());
}

async function run(title: string, url: string, token: string): Promise<CannonResult> {
  // The load generator runs in a worker thread: on the service's own event loop it would take
  // half of the time it measures.
  const r = await autocannon({ url, connections: 10, duration: SIZE.runSeconds, timeout: 60, workers: 1, headers: { authorization: `Bearer ${token}` } });
  console.log(`${title}: ${r.requests.average.toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, max ${r.latency.max} ms, non-2xx ${r.non2xx}, errors ${r.errors}`);
  failures += r.non2xx + r.errors;
  return r;
}

/**
 * Ends live sessions through the API at `SIZE.writesPerSecond` while `during` runs; each end is
 * a write that drops the cached summaries. Returns how many ended.
 */
async function withWrites<T>(base: string, token: string, live: string[], during: () => Promise<T>): Promise<{ result: T; writes: number }> {
  let writes = 0;
  const inFlight = new Set<Promise<void>>();
  const timer = setInterval(() => {
    if (inFlight.size >= 20) return;
    const p = endOne(base, token, live).then((ended) => {
      if (ended) writes++;
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }, 1000 / SIZE.writesPerSecond);
  let result: T;
  try {
    result = await during();
  } finally {
    clearInterval(timer);
    await Promise.all(inFlight);
  }
  // Counted once the writes still running have ended (read earlier, it said 0).
  return { result, writes };
}

/** Ends one live session through the API (a write that drops the cached summaries). */
async function endOne(base: string, token: string, live: string[]): Promise<boolean> {
  const id = live.shift();
  if (!id) return false;
  const res = await fetch(`${base}/api/sessions/${id}/status`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ status: 'ended' }) });
  if (res.status !== 200) await noteFailure(`POST /api/sessions/${id}/status ended`, res);
  else await res.arrayBuffer();
  return true;
}

/** Latency of the first summary request after each write: a certain cache miss. */
async function misses(base: string, token: string, live: string[], groupBy: string, seconds: number): Promise<number[]> {
  const out: number[] = [];
  const until = Date.now() + seconds * 1000;
  while (Date.now() < until && (await endOne(base, token, live))) {
    const t = Date.now();
    const res = await fetch(`${base}/api/reports/summary?groupBy=${groupBy}`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) await noteFailure(`GET /api/reports/summary?groupBy=${groupBy}`, res);
    else await res.arrayBuffer();
    out.push(Date.now() - t);
    await new Promise((r) => setTimeout(r, 1000 / SIZE.writesPerSecond));
  }
  return out;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;
}

async function measure(base: string, token: string, live: string[]): Promise<void> {
  await run('GET /api/sessions (default page of 20)', `${base}/api/sessions`, token);
  await run('GET /api/sessions?limit=50', `${base}/api/sessions?limit=50`, token);
  for (const g of ['year', 'countryPair'] as const) {
    const t = Date.now();
    await fetch(`${base}/api/reports/summary?groupBy=${g}`, { headers: { authorization: `Bearer ${token}` } });
    console.log(`GET /api/reports/summary?groupBy=${g}: first (uncached) request ${Date.now() - t} ms`);
  }
  await run('GET /api/reports/summary?groupBy=year (cached, no writes)', `${base}/api/reports/summary?groupBy=year`, token);
  let worst = 0;
  for (const g of ['year', 'countryPair'] as const) {
    const { result, writes } = await withWrites(base, token, live, () => run(`GET /api/reports/summary?groupBy=${g} under ~${SIZE.writesPerSecond} writes/s (p99 includes misses)`, `${base}/api/reports/summary?groupBy=${g}`, token));
    console.log(`  (${writes} sessions ended meanwhile, each dropping the cached summaries)`);
    worst = Math.max(worst, result.latency.p99);
    const miss = await misses(base, token, live, g, SIZE.runSeconds);
    console.log(`GET /api/reports/summary?groupBy=${g} first request after each write (a cache miss): ${miss.length} misses, p50 ${percentile(miss, 50)} ms, p99 ${percentile(miss, 99)} ms, max ${Math.max(0, ...miss)} ms`);
    worst = Math.max(worst, percentile(miss, 99));
  }
  console.log(`summaries under writes: worst p99 ${worst} ms, target < ${TARGET_P99_MS} ms: ${worst < TARGET_P99_MS ? 'met' : 'missed'}`);
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-bench-'));
  const db = await EmbeddedDatabase.create({ bin: path.resolve('tools/ferretdb/bin/ferretdb'), dataDir: path.join(dir, 'db'), port: 0, logger: createLogger('silent') });
  let service: Service | undefined;
  try {
    // RTC_PORT 0: any free port for the worker (the default, 40000, may be held by a client of an earlier test).
    const env = { ...process.env, MONGODB_URI: db.uri, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATA_DIR: dir, MEDIA_WORKERS: '1', RTC_PORT: '0', ADMIN_USERNAME: 'bench-admin', ADMIN_PASSWORD: 'bench-admin-password' };
    service = await Service.create(loadConfig(env), createLogger('warn'));
    const t0 = Date.now();
    const live = await fill();
    console.log(`bench${SMOKE ? ' (smoke)' : ''}: inserted ${SIZE.sessions} sessions and ${SIZE.sentences} sentences in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    const t1 = Date.now();
    await rebuildReportCounters();
    service.api.reports.invalidate();
    console.log(`bench: rebuilt the report figures (the bulk insert bypassed the services) in ${((Date.now() - t1) / 1000).toFixed(1)} s`);
    const base = `http://127.0.0.1:${service.port}`;
    const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench-admin', password: 'bench-admin-password' }) });
    const { token } = (await login.json()) as { token: string };
    await measure(base, token, live);
  } finally {
    await service?.close();
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  if (failures > 0) throw new Error(`${failures} requests failed${failedAnswers.length > 0 ? `: ${failedAnswers.join('; ')}` : ''}`);
}

main().catch((err: unknown) => {
  console.error(`bench failed: ${err instanceof Error ? err.stack : String(err)}`);
  process.exit(1);
});
