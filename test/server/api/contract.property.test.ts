/**
 * The API contract, property-based (issue 10): requests generated from the OpenAPI document the
 * app serves — path parameters, queries and bodies drawn from each operation's JSON Schema, now
 * valid, now broken, with real ids of records mixed in — sent as an administrator and as a
 * low-privilege user. Every answer must be below 500 and one the document declares for that
 * operation; every undeclared method on a known path must answer 405 with an Allow header.
 */
import { expect } from 'chai';
import fc from 'fast-check';
import http from 'node:http';
import { bearer, createScenario, SCENARIO_ADMIN_ENV, type Scenario } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';

type Json = Record<string, unknown>;
interface Operation {
  readonly method: string;
  readonly path: string;
  readonly op: Json;
}

/** Requests in flight at once, drafts per "batch" (MAX_RUNS × BATCH drafts in all), and the time the run may take. */
const CONCURRENCY = 16;
const BATCH = 16;
const MAX_RUNS = Number(process.env.CONTRACT_MAX_RUNS ?? 250);
const BUDGET_MS = 50_000;
/** A run must send at least this many (it sends more on a quiet machine). */
const AT_LEAST = 250; // TODO(issue 10): thousands; today the schema-driven generator (regex strings) bounds a 50 s run to ~300

/** Arbitrary values for a JSON Schema (the subset zod emits), with real ids for id-shaped strings. */
function arb(schema: Json | undefined, ids: readonly string[], depth = 0): fc.Arbitrary<unknown> {
  if (!schema || depth > 4) return fc.anything({ maxDepth: 1 });
  if (Array.isArray(schema.anyOf) || Array.isArray(schema.oneOf)) return fc.oneof(...((schema.anyOf ?? schema.oneOf) as Json[]).map((s) => arb(s, ids, depth + 1)));
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  if ('const' in schema) return fc.constant(schema.const);
  switch (schema.type) {
    case 'string': {
      const pattern = typeof schema.pattern === 'string' ? schema.pattern : undefined;
      if (pattern === '^[a-f0-9]{24}$') return fc.oneof(fc.constantFrom(...ids), fc.stringMatching(/^[a-f0-9]{24}$/));
      if (schema.format === 'date-time') return fc.date({ min: new Date('2020-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString());
      if (schema.format === 'date') return fc.date({ min: new Date('2000-01-01'), max: new Date('2030-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
      if (pattern) return fc.stringMatching(new RegExp(pattern)).filter((v) => v.length <= ((schema.maxLength as number | undefined) ?? 500));
      return fc.string({ minLength: (schema.minLength as number | undefined) ?? 0, maxLength: Math.min((schema.maxLength as number | undefined) ?? 40, 300) });
    }
    case 'integer':
      return fc.integer({ min: (schema.minimum as number | undefined) ?? -10, max: (schema.maximum as number | undefined) ?? 3000 });
    case 'number':
      return fc.double({ min: (schema.minimum as number | undefined) ?? -10, max: (schema.maximum as number | undefined) ?? 3000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(arb(schema.items as Json, ids, depth + 1), { minLength: (schema.minItems as number | undefined) ?? 0, maxLength: Math.min((schema.maxItems as number | undefined) ?? 4, 4) });
    case 'object': {
      const props = (schema.properties ?? {}) as Record<string, Json>;
      const required = new Set((schema.required ?? []) as string[]);
      const keys = Object.keys(props);
      return fc.record(Object.fromEntries(keys.map((k) => [k, arb(props[k], ids, depth + 1)])), { requiredKeys: keys.filter((k) => required.has(k)) });
    }
    default:
      return fc.anything({ maxDepth: 1 });
  }
}

/** A valid-looking value most of the time; otherwise something broken in one of several ways. */
function mutated(valid: fc.Arbitrary<unknown>): fc.Arbitrary<unknown> {
  return fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 1, arbitrary: fc.anything({ maxDepth: 2 }) },
    { weight: 1, arbitrary: valid.map((v) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...v, unexpected: 1 } : v)) },
    { weight: 1, arbitrary: valid.map((v) => (v && typeof v === 'object' && !Array.isArray(v) ? { ...v, $where: 'x', 'a.b': 1 } : v)) },
  );
}

/**
 * One request on a fresh connection (no keep-alive: a reused socket the server is just closing
 * would read as a reset, which is the client's race, not an answer).
 */
function send(url: string, method: string, headers: Record<string, string>, body?: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers: { ...headers, ...(body ? { 'content-length': String(Buffer.byteLength(body)) } : {}) }, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Draft {
  readonly op: Operation;
  readonly params: Record<string, unknown>;
  readonly query: Record<string, unknown> | undefined;
  readonly body: unknown;
  readonly asAdmin: boolean;
}

describe('API contract, property-based from the OpenAPI document', function () {
  this.timeout(180_000);
  let svc: TestService;
  let sc: Scenario;
  let other: Scenario;
  let doc: Json;
  before(async function () {
    this.timeout(90_000);
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_contract'), LOG_LEVEL: 'warn' });
    sc = await createScenario(svc, { invitations: ['witness', 'accused'] });
    other = await createScenario(svc);
    doc = (await (await fetch(`${svc.url}/api/openapi.json`)).json()) as Json;
  });
  after(async () => svc?.close());

  const operations = (): Operation[] =>
    Object.entries(doc.paths as Record<string, Json>).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([m]) => ['get', 'post', 'patch', 'put', 'delete'].includes(m))
        .map(([method, op]) => ({ method, path, op: op as Json })),
    );

  it('every documented status of every operation is a number or 4xx/2xx, and undeclared methods answer 405 with Allow', async () => {
    let sent = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, Json>)) {
      expect(item['x-method-not-allowed'], path).to.deep.equal({ $ref: '#/components/responses/MethodNotAllowed' });
      const declared = Object.keys(item).filter((m) => ['get', 'post', 'patch', 'put', 'delete'].includes(m));
      const url = `${svc.url}${path.replace(/\{[^}]+\}/g, sc.sessionId)}`;
      for (const method of ['get', 'post', 'put', 'patch', 'delete'].filter((m) => !declared.includes(m))) {
        const res = await fetch(url, { method: method.toUpperCase(), headers: { authorization: bearer(sc.admin.token) } });
        sent++;
        expect(res.status, `${method} ${path}`).to.equal(405);
        const allow = (res.headers.get('allow') ?? '').split(', ');
        expect(allow, `${method} ${path}`).to.include.members(declared.map((m) => m.toUpperCase()));
        expect(((await res.json()) as { error: { code: string } }).error.code).to.equal('method_not_allowed');
      }
    }
    expect(sent).to.be.greaterThan(20);
  });

  it(`generated requests (at least ${AT_LEAST}, at most ${MAX_RUNS * BATCH}, ${BUDGET_MS / 1000} s) as admin and as a low-privilege user: never 5xx, only documented statuses`, async function () {
    const ids = [sc.sessionId, sc.trialId, sc.witnessId, other.sessionId, other.trialId, other.witnessId, ...sc.defendantIds, sc.users.judge.id, sc.users.prosecutor.id, sc.users.staff.id, sc.invitations[0]!.id, other.invitations[0]!.id];
    const ops = operations();
    const low = sc.users.defence.token;
    const draft: fc.Arbitrary<Draft> = fc.constantFrom(...ops).chain((op) => {
      const params = ((op.op.parameters ?? []) as Json[]).filter((p) => p.in === 'path');
      const queryProps = Object.fromEntries(((op.op.parameters ?? []) as Json[]).filter((p) => p.in === 'query').map((p) => [p.name as string, p.schema as Json]));
      const bodySchema = ((op.op.requestBody as Json | undefined)?.content as Json | undefined)?.['application/json'] as Json | undefined;
      return fc.record({
        op: fc.constant(op),
        params: fc.record(Object.fromEntries(params.map((p) => [p.name as string, fc.oneof({ weight: 4, arbitrary: arb(p.schema as Json, ids) }, { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 30 }).filter((v) => v !== '.' && v !== '..') })]))),
        query: fc.option(arb({ type: 'object', properties: queryProps }, ids) as fc.Arbitrary<Record<string, unknown>>, { nil: undefined }),
        body: bodySchema ? mutated(arb(bodySchema.schema as Json, ids)) : fc.constant(undefined),
        asAdmin: fc.boolean(),
      });
    });
    const seen = new Map<string, number>();
    let sent = 0;
    // Drafts are drawn up front and sent by CONCURRENCY workers, so a slow request (a password
    // hash) does not hold the others; the seed is printed so a failure can be replayed.
    const seed = Number(process.env.CONTRACT_SEED ?? Date.now() % 2 ** 31);
    const started = Date.now();
    const failures: string[] = [];
    let chunk = 0;
    const drafts: Draft[] = [];
    const worker = async (): Promise<void> => {
      while (sent < MAX_RUNS * BATCH && Date.now() - started < BUDGET_MS && failures.length === 0) {
        // Drawn in small chunks so drawing never holds the event loop for long.
        if (drafts.length === 0) drafts.push(...fc.sample(draft, { numRuns: BATCH, seed: seed + chunk++ }));
        const d = drafts.pop()!;
        const path = d.op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(String(d.params[name] ?? 'x')));
        const qs = d.query ? new URLSearchParams(Object.entries(d.query).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString() : '';
        const hasBody = d.op.method !== 'get' && d.op.method !== 'delete';
        // (413 is not generated here: the server answers before reading a huge body, and the client then sees a reset; test/server/http covers it.)
        const body = hasBody ? JSON.stringify(d.body ?? {}) : undefined;
        const res = await send(`${svc.url}${path}${qs ? `?${qs}` : ''}`, d.op.method.toUpperCase(), { authorization: bearer(d.asAdmin ? sc.admin.token : low), ...(body ? { 'content-type': 'application/json' } : {}) }, body);
        sent++;
        const documented = Object.keys(d.op.op.responses as Json);
        const key = `${d.op.method.toUpperCase()} ${d.op.path} ${res.status}`;
        seen.set(key, (seen.get(key) ?? 0) + 1);
        if (res.status >= 500 || !documented.includes(String(res.status))) {
          failures.push(`seed ${seed}: ${d.op.method.toUpperCase()} ${path}?${qs} as ${d.asAdmin ? 'admin' : 'defence'} answered ${res.status} (documented: ${documented.join(', ')}): ${res.text.slice(0, 300)} body ${String(body).slice(0, 300)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures, failures.join('\n')).to.deep.equal([]);
    const seconds = (Date.now() - started) / 1000;
    const statuses = [...seen.keys()].map((k) => Number(k.split(' ').at(-1)));
    console.log(`      contract: seed ${seed}, ${sent} generated requests in ${seconds.toFixed(1)} s over ${ops.length} operations; statuses seen: ${[...new Set(statuses)].sort().join(', ')}`);
    expect(sent).to.be.at.least(AT_LEAST);
    // The generator reaches past validation: successes and refusals by relation both occur.
    expect(statuses).to.include.members([200, 400, 403, 404]);
  });
});
