import { expect } from 'chai';
import request from 'supertest';
import { ROUTE_ACCESS, USER_ROLES, type UserRole } from '../../../server/http/access.js';
import { useScenario } from '../../support/scenario.js';

const SOME_ID = '0123456789abcdef01234567';

/** Sends one request for a route key with placeholder ids and an empty body. */
function call(url: string, key: string, token?: string): request.Test {
  const [method, path] = key.split(' ') as [string, string];
  const target = `/api${path.replace(/:[A-Za-z]+/g, SOME_ID)}`;
  const agent = request(url);
  const req = method === 'GET' ? agent.get(target) : method === 'POST' ? agent.post(target).send({}) : method === 'PATCH' ? agent.patch(target).send({}) : agent.delete(target);
  return token ? req.set('Authorization', `Bearer ${token}`) : req;
}

describe('role × endpoint matrix', () => {
  const ctx = useScenario();

  const tokenOf = (role: UserRole): string => (role === 'admin' ? ctx.sc.admin.token : ctx.sc.users[role].token);

  for (const [key, access] of Object.entries(ROUTE_ACCESS)) {
    if (access === 'public') {
      it(`${key} is public: answers without a token and is a registered route`, async () => {
        const res = await call(ctx.svc.url, key);
        expect(res.status).not.to.be.oneOf([401, 403]);
        expect(res.body?.error?.code).not.to.equal('route_not_found');
      });
      continue;
    }
    it(`${key} answers 401 without a token`, async () => {
      await call(ctx.svc.url, key).expect(401);
    });
    for (const role of USER_ROLES) {
      const allowed = (access as readonly UserRole[]).includes(role);
      it(`${key} ${allowed ? 'lets' : 'refuses with 403'} ${role}`, async () => {
        const res = await call(ctx.svc.url, key, tokenOf(role));
        if (allowed) {
          expect(res.status, JSON.stringify(res.body)).not.to.be.oneOf([401, 403, 500]);
          expect(res.body?.error?.code).not.to.equal('route_not_found');
        } else {
          expect(res.status).to.equal(403);
        }
      });
    }
  }
});
