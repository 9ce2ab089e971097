/**
 * Role × endpoint matrix. The expectations are written out by hand from issue 3 and
 * PRODUCT.md — deliberately NOT read from `ROUTE_ACCESS`, the table the server enforces — so a
 * wrong entry in that table fails here. Each route is probed with a request whose result for an
 * allowed role is known exactly (a GET of an existing record, a deliberately invalid body, an
 * unknown id), so "allowed" means that exact status, not merely "not 401/403".
 */
import { expect } from 'chai';
import request from 'supertest';
import { ROUTE_ACCESS, USER_ROLES } from '../../../server/http/access.js';
import { bearer, useScenario, type Scenario } from '../../support/scenario.js';

/** The roles issue 3 names. */
const ROLES = ['admin', 'prosecutor', 'judge', 'operator', 'staff', 'defence', 'interpreter'] as const;
type Role = (typeof ROLES)[number];

/** An id no record has. */
const UNKNOWN_ID = '0123456789abcdef01234567';
/** Every body schema is strict, so an unknown key is a validation error (400, nothing written). */
const INVALID_BODY = { notAField: true };

interface Probe {
  /** Who may call the route: `'public'` or the roles allowed. */
  readonly allow: 'public' | readonly Role[];
  /** Path under `/api` with real ids from the scenario. */
  readonly path: (sc: Scenario) => string;
  readonly body?: object;
  /** What an allowed caller gets for this probe. */
  readonly ok: 200 | 400 | 404;
}

/**
 * Route → roles allowed, by hand. Where the issue is silent the entry follows the product notes
 * and the client's screens; see the comments.
 */
const EXPECTED: Record<string, Probe> = {
  'GET /openapi.json': { allow: 'public', path: () => '/openapi.json', ok: 200 },
  'POST /auth/login': { allow: 'public', path: () => '/auth/login', body: INVALID_BODY, ok: 400 },
  'GET /auth/me': { allow: ROLES, path: () => '/auth/me', ok: 200 },

  // "admins create other users": user administration is admin-only.
  'POST /users': { allow: ['admin'], path: () => '/users', body: INVALID_BODY, ok: 400 },
  'GET /users': { allow: ['admin'], path: () => '/users', ok: 200 },
  'GET /users/:id': { allow: ['admin'], path: (sc) => `/users/${sc.users.judge.id}`, ok: 200 },
  'PATCH /users/:id': { allow: ['admin'], path: (sc) => `/users/${sc.users.judge.id}`, body: INVALID_BODY, ok: 400 },
  // The participant directory exists for whoever schedules sessions ("prosecutors schedule").
  'GET /users/directory': { allow: ['admin', 'prosecutor'], path: () => '/users/directory', ok: 200 },

  // Witness records are kept by programme staff; codenames are seen by those working the cases
  // (not defence or interpreters); the identity by admin and staff only.
  'POST /witnesses': { allow: ['admin', 'staff'], path: () => '/witnesses', body: INVALID_BODY, ok: 400 },
  'GET /witnesses': { allow: ['admin', 'staff', 'prosecutor', 'judge', 'operator'], path: () => '/witnesses', ok: 200 },
  'GET /witnesses/:id': { allow: ['admin', 'staff', 'prosecutor', 'judge', 'operator'], path: (sc) => `/witnesses/${sc.witnessId}`, ok: 200 },
  'PATCH /witnesses/:id': { allow: ['admin', 'staff'], path: (sc) => `/witnesses/${sc.witnessId}`, body: INVALID_BODY, ok: 400 },
  'DELETE /witnesses/:id': { allow: ['admin', 'staff'], path: () => `/witnesses/${UNKNOWN_ID}`, ok: 404 },
  'GET /witnesses/:id/identity': { allow: ['admin', 'staff'], path: (sc) => `/witnesses/${sc.witnessId}/identity`, ok: 200 },

  // Trials are opened by prosecutors; the parties to them (not interpreters) read them.
  'POST /trials': { allow: ['admin', 'prosecutor'], path: () => '/trials', body: INVALID_BODY, ok: 400 },
  'GET /trials': { allow: ['admin', 'staff', 'prosecutor', 'judge', 'operator', 'defence'], path: () => '/trials', ok: 200 },
  'GET /trials/:id': { allow: ['admin', 'staff', 'prosecutor', 'judge', 'operator', 'defence'], path: (sc) => `/trials/${sc.trialId}`, ok: 200 },
  'PATCH /trials/:id': { allow: ['admin', 'prosecutor'], path: (sc) => `/trials/${sc.trialId}`, body: INVALID_BODY, ok: 400 },

  // "Prosecutors schedule"; every role reads sessions (the service limits which ones).
  'POST /sessions': { allow: ['admin', 'prosecutor'], path: () => '/sessions', body: INVALID_BODY, ok: 400 },
  'GET /sessions': { allow: ROLES, path: () => '/sessions', ok: 200 },
  'GET /sessions/:id': { allow: ROLES, path: (sc) => `/sessions/${sc.sessionId}`, ok: 200 },
  'PATCH /sessions/:id': { allow: ['admin', 'prosecutor'], path: (sc) => `/sessions/${sc.sessionId}`, body: INVALID_BODY, ok: 400 },
  // The court (judge, operator) runs the hearing; prosecutors may cancel (a service rule).
  'POST /sessions/:id/status': { allow: ['admin', 'prosecutor', 'judge', 'operator'], path: (sc) => `/sessions/${sc.sessionId}/status`, body: INVALID_BODY, ok: 400 },
  'POST /sessions/:id/invitations': { allow: ['admin', 'prosecutor', 'operator'], path: (sc) => `/sessions/${sc.sessionId}/invitations`, body: INVALID_BODY, ok: 400 },
  'GET /sessions/:id/invitations': { allow: ['admin', 'prosecutor', 'operator'], path: (sc) => `/sessions/${sc.sessionId}/invitations`, ok: 200 },
  'DELETE /sessions/:id/invitations/:invitationId': { allow: ['admin', 'prosecutor', 'operator'], path: (sc) => `/sessions/${sc.sessionId}/invitations/${UNKNOWN_ID}`, ok: 404 },

  'POST /sentences': { allow: ['admin', 'prosecutor'], path: () => '/sentences', body: INVALID_BODY, ok: 400 },
  'GET /sentences': { allow: ['admin', 'staff', 'prosecutor', 'judge'], path: () => '/sentences', ok: 200 },
  // "What programme staff report" (PRODUCT.md); the client offers reports to staff and admin only.
  'GET /reports/summary': { allow: ['admin', 'staff'], path: () => '/reports/summary', ok: 200 },

  // "GET /api/audit (admin)".
  'GET /audit': { allow: ['admin'], path: () => '/audit', ok: 200 },
  'GET /audit/verify': { allow: ['admin'], path: () => '/audit/verify', ok: 200 },
};

/** The error code that goes with each expected status (none for 200). */
const ERROR_CODE: Record<Probe['ok'], string | undefined> = { 200: undefined, 400: 'validation_failed', 404: 'not_found' };

function send(url: string, key: string, probe: Probe, sc: Scenario, authorization?: string): request.Test {
  const [method] = key.split(' ') as [string, string];
  const target = `/api${probe.path(sc)}`;
  const agent = request(url);
  const req = method === 'GET' ? agent.get(target) : method === 'POST' ? agent.post(target) : method === 'PATCH' ? agent.patch(target) : agent.delete(target);
  const sent = probe.body ? req.send(probe.body) : req;
  return authorization ? sent.set('Authorization', authorization) : sent;
}

describe('role × endpoint matrix', () => {
  const ctx = useScenario();
  const tokenOf = (role: Role): string => (role === 'admin' ? ctx.sc.admin.token : ctx.sc.users[role].token);

  it('the hand-written table covers exactly the routes the server registers, and every role', () => {
    expect(Object.keys(EXPECTED).sort()).to.deep.equal(Object.keys(ROUTE_ACCESS).sort());
    expect([...ROLES].sort()).to.deep.equal([...USER_ROLES].sort());
  });

  for (const [key, probe] of Object.entries(EXPECTED)) {
    const expectAllowed = async (authorization?: string): Promise<void> => {
      const res = await send(ctx.svc.url, key, probe, ctx.sc, authorization);
      expect(res.status, JSON.stringify(res.body)).to.equal(probe.ok);
      expect(res.body?.error?.code, JSON.stringify(res.body)).to.equal(ERROR_CODE[probe.ok]);
    };
    if (probe.allow === 'public') {
      it(`${key} is public: answers ${probe.ok} without a token`, () => expectAllowed());
      continue;
    }
    it(`${key} answers 401 without a token and with a bad token`, async () => {
      await send(ctx.svc.url, key, probe, ctx.sc).expect(401);
      await send(ctx.svc.url, key, probe, ctx.sc, 'Bearer not.a.jwt').expect(401);
    });
    for (const role of ROLES) {
      if (probe.allow.includes(role)) {
        it(`${key} lets ${role} in (${probe.ok})`, () => expectAllowed(bearer(tokenOf(role))));
      } else {
        it(`${key} refuses ${role} with 403`, async () => {
          const res = await send(ctx.svc.url, key, probe, ctx.sc, bearer(tokenOf(role)));
          expect(res.status, JSON.stringify(res.body)).to.equal(403);
          expect(res.body.error.code).to.equal('forbidden');
        });
      }
    }
  }
});
