/**
 * Helpers of the crash and concurrency tests: a fixture built through the real API (users, trials
 * with defendants), write bursts with a bounded number of requests in flight, and the checks
 * that records, audit events and report figures agree, computed independently from the raw
 * documents.
 */
import { expect } from 'chai';
import type mongoose from 'mongoose';

type Db = mongoose.mongo.Db;

/** Whatever speaks HTTP to the service: its base URL. */
export interface Target {
  readonly url: string;
}

/** One answered (or failed) request of a burst. */
export interface Outcome {
  readonly status: number;
  readonly ms: number;
  readonly startedAt: number;
  readonly code?: string;
  readonly retryAfter?: string | null;
  readonly id?: string;
}

export interface Fixture {
  readonly token: string;
  readonly trialIds: readonly string[];
  readonly defendants: readonly { readonly trialId: string; readonly defendantId: string }[];
}

/** JSON request with a bearer token; never throws for an HTTP status (a network failure is status 0). */
export async function call(t: Target, method: string, path: string, token: string | undefined, body?: unknown, timeoutMs = 15_000): Promise<Outcome & { body: unknown }> {
  const startedAt = Date.now();
  try {
    const res = await fetch(t.url + path, {
      method,
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text();
    const json = (text ? JSON.parse(text) : null) as { id?: string; error?: { code?: string } } | null;
    return { status: res.status, ms: Date.now() - startedAt, startedAt, code: json?.error?.code, retryAfter: res.headers.get('retry-after'), id: json?.id, body: json };
  } catch {
    return { status: 0, ms: Date.now() - startedAt, startedAt, body: null };
  }
}

/**
 * `call()` as a well-behaved client does it: a 503 (the database was taken for away, as a loaded
 * machine can make it look) is retried after a pause, up to ten times.
 */
export async function callRetrying(t: Target, method: string, path: string, token: string | undefined, body?: unknown): Promise<Outcome & { body: unknown; retried: number }> {
  for (let retried = 0; ; retried++) {
    const o = await call(t, method, path, token, body);
    if (o.status !== 503 || retried === 10) return { ...o, retried };
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Logs in; throws unless 200. */
export async function login(t: Target, username: string, password: string): Promise<string> {
  const res = await call(t, 'POST', '/api/auth/login', undefined, { username, password });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status}`);
  return (res.body as { token: string }).token;
}

/** A judge, a prosecutor and `trials` trials of 50 defendants each, created by the administrator. */
export async function buildFixture(t: Target, admin: { username: string; password: string }, trials: number): Promise<Fixture> {
  const token = await login(t, admin.username, admin.password);
  const suffix = Math.random().toString(36).slice(2, 8);
  const user = async (role: string): Promise<string> => {
    const res = await call(t, 'POST', '/api/users', token, { username: `${role}-${suffix}`, password: `password-${role}-${suffix}`, role, displayName: `${role} ${suffix}` });
    if (res.status !== 201) throw new Error(`create ${role}: ${res.status}`);
    return res.id!;
  };
  const [judgeId, prosecutorId] = [await user('judge'), await user('prosecutor')];
  const trialIds: string[] = [];
  const defendants: { trialId: string; defendantId: string }[] = [];
  for (let i = 0; i < trials; i++) {
    const res = await call(t, 'POST', '/api/trials', token, {
      caseNumber: `CR-${suffix}-${i}`,
      court: 'Basic Court Skopje II',
      courtCountry: 'MK',
      judgeId,
      prosecutorIds: [prosecutorId],
      defendants: Array.from({ length: 50 }, (_, j) => ({ name: `Defendant ${i}-${j}` })),
      charges: ['humanTrafficking'],
    });
    if (res.status !== 201) throw new Error(`create trial: ${res.status}`);
    const trial = res.body as { id: string; defendants: { id: string }[] };
    trialIds.push(trial.id);
    for (const d of trial.defendants) defendants.push({ trialId: trial.id, defendantId: d.id });
  }
  return { token, trialIds, defendants };
}

/** The sentence for defendant number `i`: every fifth one acquitted. */
export function sentenceBody(d: { trialId: string; defendantId: string }, i: number): Record<string, unknown> {
  const convicted = i % 5 !== 0;
  return { trialId: d.trialId, defendantId: d.defendantId, date: '2025-06-01', termMonths: convicted ? 12 + (i % 24) : 0, outcome: convicted ? 'convicted' : 'acquitted' };
}

/** Runs `fn` over `items` with at most `concurrency` in flight; results in item order. */
export async function burst<T, R>(items: readonly T[], concurrency: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

/** Polls `/readyz` until 200; returns how long it took, or throws after `timeoutMs`. */
export async function waitReady(t: Target, timeoutMs: number, from = Date.now()): Promise<number> {
  while (Date.now() - from < timeoutMs) {
    const res = await call(t, 'GET', '/readyz', undefined, undefined, 1000);
    if (res.status === 200) return Date.now() - from;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`not ready within ${timeoutMs} ms`);
}

/**
 * Records of `collection` matching `filter` against the `action` events matching `eventFilter`:
 * every record has exactly one event, every event has its record, no intent is left unsettled.
 * Returns how many records there are and how many of their events were written by reconciliation.
 */
export async function expectEveryRecordAudited(db: Db, q: { collection: string; filter: Record<string, unknown>; action: string; eventFilter: Record<string, unknown>; kind: string }): Promise<{ records: number; reconciled: number }> {
  const records = await db.collection(q.collection).find(q.filter, { projection: { _id: 1 } }).toArray();
  const ids = new Set(records.map((r) => `${q.kind}:${String(r._id)}`));
  const events = await db.collection('audit_events').find({ action: q.action, ...q.eventFilter }, { projection: { target: 1, reconciled: 1 } }).toArray();
  const targets = events.map((e) => String(e.target));
  expect([...ids].filter((id) => !targets.includes(id)), 'records without their audit event').to.deep.equal([]);
  expect(targets.filter((t) => !ids.has(t)), 'events without a record').to.deep.equal([]);
  expect(targets.length, 'records with more than one event').to.equal(new Set(targets).size);
  expect(await db.collection('audit_intents').countDocuments({}), 'unsettled intents').to.equal(0);
  return { records: records.length, reconciled: events.filter((e) => e.reconciled === true).length };
}

type Figures = { held: number; witnesses: Set<string>; sentenced: number; months: number };

/** The figures recounted from the raw sessions and sentences, per `year|pair`. */
export async function recount(db: Db): Promise<Map<string, Figures>> {
  const out = new Map<string, Figures>();
  const at = (year: number, pair: string | null | undefined): Figures => {
    const key = `${year}|${pair ?? 'unknown'}`;
    let f = out.get(key);
    if (!f) out.set(key, (f = { held: 0, witnesses: new Set(), sentenced: 0, months: 0 }));
    return f;
  };
  for (const s of await db.collection('sessions').find({ status: 'ended' }).toArray()) {
    if (s.liveAt === null) continue;
    const f = at(s.year as number, s.countryPair as string);
    f.held++;
    f.witnesses.add(String(s.witnessId));
  }
  for (const s of await db.collection('sentences').find({ outcome: 'convicted' }).toArray()) {
    const f = at(s.year as number, s.countryPair as string | null);
    f.sentenced++;
    f.months += s.termMonths as number;
  }
  return out;
}

/**
 * The report figures as the ledger holds them, read independently of the service's code: the
 * newest fold plus the pending contributions it does not name.
 */
export async function ledgerFigures(db: Db): Promise<Map<string, Figures>> {
  const folds = await db.collection('report_folds').find({ stripped: false }).toArray();
  const newest = folds.sort((a, b) => (b.n as number) - (a.n as number))[0];
  const out = new Map<string, Figures>();
  for (const c of (newest?.cells ?? []) as { year: number; countryPair: string; sessionsHeld: number; defendantsSentenced: number; sentenceMonths: number; witnesses: string[] }[]) {
    out.set(`${c.year}|${c.countryPair}`, { held: c.sessionsHeld, witnesses: new Set(c.witnesses), sentenced: c.defendantsSentenced, months: c.sentenceMonths });
  }
  const named = new Set((newest?.keys ?? []) as string[]);
  for (const p of await db.collection('report_pending').find({}).toArray()) {
    if (named.has(String(p._id))) continue;
    const key = `${p.year as number}|${p.countryPair as string}`;
    const f = out.get(key) ?? { held: 0, witnesses: new Set<string>(), sentenced: 0, months: 0 };
    f.held += p.sessionsHeld as number;
    f.sentenced += p.defendantsSentenced as number;
    f.months += p.sentenceMonths as number;
    if (p.witnessId) f.witnesses.add(String(p.witnessId));
    out.set(key, f);
  }
  return out;
}

/** Every figure of the ledger equals the recount from the records. */
export async function expectFiguresEqualRecount(db: Db): Promise<void> {
  const flat = (m: Map<string, Figures>) =>
    Object.fromEntries([...m].filter(([, f]) => f.held + f.sentenced > 0).map(([k, f]) => [k, { held: f.held, witnesses: f.witnesses.size, sentenced: f.sentenced, months: f.months }]));
  expect(flat(await ledgerFigures(db)), 'report figures against a recount of the records').to.deep.equal(flat(await recount(db)));
}
