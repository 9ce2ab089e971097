import { expect } from 'chai';
import request from 'supertest';
import { bearer, useScenario } from '../../support/scenario.js';

/** Every route that filters a list by query parameters, with a field it filters on. */
const FILTERABLE = [
  ['/api/users', 'role'],
  ['/api/witnesses', 'codename'],
  ['/api/trials', 'caseNumber'],
  ['/api/sessions', 'witnessId'],
  ['/api/sentences', 'trialId'],
  ['/api/reports/summary', 'groupBy'],
  ['/api/audit', 'action'],
] as const;

/** Raw query strings that try to smuggle operators or non-scalars. */
const PAYLOADS = (field: string): string[] => [
  `${field}[$ne]=x`,
  `${field}[$gt]=`,
  `$where=1`,
  `${field}.$ne=x`,
  `${field}=a&${field}=b`,
  `${field}[]=a`,
];

describe('query-operator injection', () => {
  const ctx = useScenario();

  for (const [path, field] of FILTERABLE) {
    for (const payload of PAYLOADS(field)) {
      it(`GET ${path}?${payload} answers 400 and returns no data`, async () => {
        const res = await request(ctx.svc.url).get(`${path}?${payload}`).set('Authorization', bearer(ctx.sc.admin.token)).expect(400);
        expect(res.body).to.have.keys(['error']);
        expect(res.body).not.to.have.property('items');
      });
    }
  }

  it('POST /api/auth/login with operator objects answers 400 and issues no token', async () => {
    const res = await request(ctx.svc.url).post('/api/auth/login').send({ username: { $ne: null }, password: { $ne: null } }).expect(400);
    expect(res.body).not.to.have.property('token');
  });

  it('POST /api/auth/login with a $where key answers 400', async () => {
    await request(ctx.svc.url).post('/api/auth/login').send({ username: 'admin', password: 'x', $where: 'true' }).expect(400);
  });

  it('a nested $-key or dotted key in a body answers 400 and writes nothing', async () => {
    const before = await request(ctx.svc.url).get('/api/witnesses').set('Authorization', bearer(ctx.sc.admin.token)).expect(200);
    await request(ctx.svc.url)
      .post('/api/witnesses')
      .set('Authorization', bearer(ctx.sc.users.staff.token))
      .send({ codename: 'Injected', identity: { legalName: 'x', dateOfBirth: '2000-01-01', $set: { a: 1 } }, countryOfOrigin: 'MD', languages: ['ro'], riskLevel: 'low' })
      .expect(400);
    await request(ctx.svc.url).patch(`/api/witnesses/${ctx.sc.witnessId}`).set('Authorization', bearer(ctx.sc.users.staff.token)).send({ 'identity.legalName': 'x' }).expect(400);
    const after = await request(ctx.svc.url).get('/api/witnesses').set('Authorization', bearer(ctx.sc.admin.token)).expect(200);
    expect(after.body.items).to.deep.equal(before.body.items);
  });

  it('a path parameter that is not an id answers 400', async () => {
    await request(ctx.svc.url).get('/api/witnesses/$ne').set('Authorization', bearer(ctx.sc.admin.token)).expect(400);
    await request(ctx.svc.url).get(`/api/sessions/${encodeURIComponent('{"$gt":""}')}`).set('Authorization', bearer(ctx.sc.admin.token)).expect(400);
  });

  it('the same list answers 200 with a plain scalar filter (the 400s are not vacuous)', async () => {
    const res = await request(ctx.svc.url).get(`/api/witnesses?codename=${ctx.sc.witnessCodename}`).set('Authorization', bearer(ctx.sc.admin.token)).expect(200);
    expect(res.body.items).to.have.length(1);
  });
});
