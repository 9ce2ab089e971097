/**
 * Role × endpoint matrix. The expectations are written out by hand from issue 3 and
 * PRODUCT.md — deliberately NOT read from `ROUTE_ACCESS`, the table the server enforces — so a
 * wrong entry in that table fails here. Each route is probed with a request whose result for an
 * allowed role is known exactly (a GET of an existing record, a deliberately invalid body, an
 * unknown id), so "allowed" means that exact status, not merely "not 401/403".
 */
import { expect } from 'chai';
import request from 'supertest';
import { USER_ROLES } from '../../../common/vocabulary.js';
import { ROUTE_ACCESS } from '../../../server/http/access.js';
import { bearer, createScenario, useScenario, type Scenario } from '../../support/scenario.js';

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
  // Everyone changes their own password (the current one required).
  'POST /auth/password': { allow: ROLES, path: () => '/auth/password', body: INVALID_BODY, ok: 400 },

  // "admins create other users": user administration is admin-only.
  'POST /users': { allow: ['admin'], path: () => '/users', body: INVALID_BODY, ok: 400 },
  'GET /users': { allow: ['admin'], path: () => '/users', ok: 200 },
  'GET /users/:id': { allow: ['admin'], path: (sc) => `/users/${sc.users.judge.id}`, ok: 200 },
  'PATCH /users/:id': { allow: ['admin'], path: (sc) => `/users/${sc.users.judge.id}`, body: INVALID_BODY, ok: 400 },
  // An admin resets another user's password (an unknown user here: a real reset ends their tokens).
  'POST /users/:id/password': { allow: ['admin'], path: () => `/users/${UNKNOWN_ID}/password`, ok: 404 },
  // The participant directory exists for whoever schedules sessions ("prosecutors schedule").
  'GET /users/directory': { allow: ['admin', 'prosecutor'], path: () => '/users/directory', ok: 200 },

  // Witness records are kept by programme staff; prosecutors register witnesses of their trials;
  // codenames are seen by those working the cases (not defence or interpreters); the identity by
  // admin and the witness's handler only (the scenario's staff member registered and handles it).
  'POST /witnesses': { allow: ['admin', 'staff', 'prosecutor'], path: () => '/witnesses', body: INVALID_BODY, ok: 400 },
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

  // The hearing (issue 12): whoever sees the session reads its interpretation; those who run or
  // schedule it record it. Minutes go to the trial's judge and prosecutors and to admins (the
  // service checks the trial); only the judge adds remarks and seals.
  'GET /sessions/:id/interpretation': { allow: ROLES, path: (sc) => `/sessions/${sc.sessionId}/interpretation`, ok: 200 },
  'PUT /sessions/:id/interpretation': { allow: ['admin', 'prosecutor', 'judge', 'operator'], path: (sc) => `/sessions/${sc.sessionId}/interpretation`, body: INVALID_BODY, ok: 400 },
  'POST /sessions/:id/minutes': { allow: ['admin', 'prosecutor', 'judge'], path: () => `/sessions/${UNKNOWN_ID}/minutes`, ok: 404 },
  'GET /sessions/:id/minutes': { allow: ['admin', 'prosecutor', 'judge'], path: () => `/sessions/${UNKNOWN_ID}/minutes`, ok: 404 },
  'GET /sessions/:id/minutes/pdf': { allow: ['admin', 'prosecutor', 'judge'], path: () => `/sessions/${UNKNOWN_ID}/minutes/pdf`, ok: 404 },
  'GET /sessions/:id/minutes/json': { allow: ['admin', 'prosecutor', 'judge'], path: () => `/sessions/${UNKNOWN_ID}/minutes/json`, ok: 404 },
  'GET /sessions/:id/minutes/verify': { allow: ['admin', 'prosecutor', 'judge'], path: () => `/sessions/${UNKNOWN_ID}/minutes/verify`, ok: 404 },
  'PUT /sessions/:id/minutes/remarks': { allow: ['judge'], path: (sc) => `/sessions/${sc.sessionId}/minutes/remarks`, body: INVALID_BODY, ok: 400 },
  'POST /sessions/:id/minutes/seal': { allow: ['judge'], path: (sc) => `/sessions/${sc.sessionId}/minutes/seal`, body: INVALID_BODY, ok: 400 },

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
  const req = method === 'GET' ? agent.get(target) : method === 'POST' ? agent.post(target) : method === 'PUT' ? agent.put(target) : method === 'PATCH' ? agent.patch(target) : agent.delete(target);
  const sent = probe.body ? req.send(probe.body) : req;
  return authorization ? sent.set('Authorization', authorization) : sent;
}

/**
 * The ownership dimension: each route that touches a record, called by each role on a record of
 * their own (the scenario they belong to) and on someone else's (a second scenario with its own
 * prosecutor, judge, defence, staff and operator), with a body that passes validation so that the
 * relation decides. Statuses by hand from issue 10: 404 where the caller may not even read the
 * record, 403 where they read but may not change it. Roles not listed for a side are not probed
 * there (the route table refuses them, or the call would destroy what later probes need).
 */
interface OwnershipProbe {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: (sc: Scenario) => string;
  readonly body?: (sc: Scenario) => object;
  readonly own?: Partial<Record<Role, number>>;
  readonly other?: Partial<Record<Role, number>>;
}

const inFuture = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString();
const ALL_READ = { admin: 200, staff: 200, operator: 200 } as const;

const OWNERSHIP: Record<string, OwnershipProbe> = {
  'GET /users/:id': { method: 'GET', path: (sc) => `/users/${sc.users.judge.id}`, own: { admin: 200 }, other: { admin: 200 } },
  'PATCH /users/:id': { method: 'PATCH', path: (sc) => `/users/${sc.users.interpreter.id}`, body: () => ({ displayName: 'Renamed' }), own: { admin: 200 }, other: { admin: 200 } },
  'GET /witnesses/:id': { method: 'GET', path: (sc) => `/witnesses/${sc.witnessId}`, own: { ...ALL_READ, prosecutor: 200, judge: 200 }, other: { ...ALL_READ, prosecutor: 404, judge: 404 } },
  // Codename data: any programme staff; the identity: only its handler (or an admin).
  'PATCH /witnesses/:id': {
    method: 'PATCH',
    path: (sc) => `/witnesses/${sc.witnessId}`,
    body: () => ({ identity: { legalName: 'Changed Name', dateOfBirth: '1991-07-13' } }),
    own: { admin: 200, staff: 200 },
    other: { admin: 200, staff: 403 },
  },
  'DELETE /witnesses/:id': { method: 'DELETE', path: (sc) => `/witnesses/${sc.witnessId}`, other: { staff: 403 } },
  'GET /witnesses/:id/identity': { method: 'GET', path: (sc) => `/witnesses/${sc.witnessId}/identity`, own: { admin: 200, staff: 200 }, other: { admin: 200, staff: 403 } },
  'GET /trials/:id': { method: 'GET', path: (sc) => `/trials/${sc.trialId}`, own: { ...ALL_READ, prosecutor: 200, judge: 200, defence: 200 }, other: { ...ALL_READ, prosecutor: 404, judge: 404, defence: 404 } },
  'PATCH /trials/:id': { method: 'PATCH', path: (sc) => `/trials/${sc.trialId}`, body: () => ({ status: 'inProgress' }), own: { admin: 200, prosecutor: 200 }, other: { admin: 200, prosecutor: 404 } },
  // Scheduling on someone else's trial (valid body, far from every other booking).
  'POST /sessions': {
    method: 'POST',
    path: () => '/sessions',
    body: (sc) => ({ trialId: sc.trialId, witnessId: sc.witnessId, fromCountry: 'MD', courtCountry: 'MK', courtRoom: `Probe ${Math.random()}`, start: inFuture(200), end: inFuture(200.02) }),
    other: { prosecutor: 403 },
  },
  'GET /sessions/:id': {
    method: 'GET',
    path: (sc) => `/sessions/${sc.sessionId}`,
    own: { ...ALL_READ, prosecutor: 200, judge: 200, defence: 200, interpreter: 200 },
    other: { ...ALL_READ, prosecutor: 404, judge: 404, defence: 404, interpreter: 404 },
  },
  'PATCH /sessions/:id': { method: 'PATCH', path: (sc) => `/sessions/${sc.sessionId}`, body: () => ({ measures: ['pseudonym', 'faceMask', 'voiceMask'] }), own: { admin: 200, prosecutor: 200 }, other: { admin: 200, prosecutor: 404 } },
  // scheduled → live is never allowed: 409 shows the caller got past the ownership check.
  'POST /sessions/:id/status': { method: 'POST', path: (sc) => `/sessions/${sc.sessionId}/status`, body: () => ({ status: 'live' }), own: { admin: 409, operator: 409, judge: 409 }, other: { admin: 409, operator: 409, judge: 404 } },
  'POST /sessions/:id/invitations': { method: 'POST', path: (sc) => `/sessions/${sc.sessionId}/invitations`, body: () => ({ role: 'public' }), own: { admin: 201, operator: 201, prosecutor: 201 }, other: { admin: 201, operator: 201, prosecutor: 404 } },
  'GET /sessions/:id/invitations': { method: 'GET', path: (sc) => `/sessions/${sc.sessionId}/invitations`, own: { admin: 200, operator: 200, prosecutor: 200 }, other: { admin: 200, operator: 200, prosecutor: 404 } },
  'DELETE /sessions/:id/invitations/:invitationId': { method: 'DELETE', path: (sc) => `/sessions/${sc.sessionId}/invitations/${sc.invitations[0]!.id}`, own: { prosecutor: 204 }, other: { prosecutor: 404, operator: 204 } },
  'GET /sessions/:id/interpretation': {
    method: 'GET',
    path: (sc) => `/sessions/${sc.sessionId}/interpretation`,
    own: { ...ALL_READ, prosecutor: 200, judge: 200, defence: 200, interpreter: 200 },
    other: { ...ALL_READ, prosecutor: 404, judge: 404, defence: 404, interpreter: 404 },
  },
  'PUT /sessions/:id/interpretation': {
    method: 'PUT',
    path: (sc) => `/sessions/${sc.sessionId}/interpretation`,
    body: (sc) => ({ witnessLanguage: 'ro', courtLanguage: 'mk', mode: 'consecutive', interpreterParticipantIds: [sc.participantIds.interpreter] }),
    own: { admin: 200, prosecutor: 200, judge: 200 },
    other: { admin: 200, prosecutor: 404, judge: 404 },
  },
  'POST /sentences': {
    method: 'POST',
    path: () => '/sentences',
    body: (sc) => ({ trialId: sc.trialId, defendantId: sc.defendantIds[0], date: '2025-05-05', termMonths: 24, outcome: 'convicted' }),
    own: { prosecutor: 201 },
    other: { prosecutor: 403 },
  },
};

/**
 * Record routes whose ownership is tested where their records exist: minutes only exist once a
 * session has ended (test/server/hearing/minutes.test.ts: "only the trial's judge, its
 * prosecutors and admins read the minutes", and the judge alone remarks and seals); a password
 * reset ends the target's tokens (test/server/auth/revocation.test.ts).
 */
const OWNED_ELSEWHERE: Record<string, string> = {
  'POST /sessions/:id/minutes': 'minutes.test.ts',
  'GET /sessions/:id/minutes': 'minutes.test.ts',
  'GET /sessions/:id/minutes/pdf': 'minutes.test.ts',
  'GET /sessions/:id/minutes/json': 'minutes.test.ts',
  'GET /sessions/:id/minutes/verify': 'minutes.test.ts',
  'PUT /sessions/:id/minutes/remarks': 'minutes.test.ts',
  'POST /sessions/:id/minutes/seal': 'minutes.test.ts',
  'POST /users/:id/password': 'revocation.test.ts',
};

/** List routes: what each role's list holds of their own scenario's record and of the other's. */
const LISTS: Record<string, { readonly path: string; readonly id: (sc: Scenario) => string; readonly sees: Partial<Record<Role, 'both' | 'own'>> }> = {
  'GET /trials': { path: '/trials?limit=200', id: (sc) => sc.trialId, sees: { admin: 'both', staff: 'both', operator: 'both', prosecutor: 'own', judge: 'own', defence: 'own' } },
  'GET /sessions': { path: '/sessions?limit=200', id: (sc) => sc.sessionId, sees: { admin: 'both', staff: 'both', operator: 'both', prosecutor: 'own', judge: 'own', defence: 'own', interpreter: 'own' } },
  'GET /witnesses': { path: '/witnesses?limit=200', id: (sc) => sc.witnessId, sees: { admin: 'both', staff: 'both', operator: 'both', prosecutor: 'own', judge: 'own' } },
};

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

  describe('ownership: own record vs someone else\'s', () => {
    let other: Scenario;
    before(async function () {
      this.timeout(60_000);
      other = await createScenario(ctx.svc);
      // A sentence on each trial, for the list checks.
      await request(ctx.svc.url).post('/api/sentences').set('Authorization', bearer(other.users.prosecutor.token)).send({ trialId: other.trialId, defendantId: other.defendantIds[1], date: '2025-01-01', termMonths: 0, outcome: 'acquitted' }).expect(201);
    });

    it('every route that reads or writes a record has an ownership probe or a list check', () => {
      const recordRoutes = Object.keys(EXPECTED).filter((k) => /:id|^POST \/(sessions|sentences)$/.test(k));
      const listed = [...Object.keys(OWNERSHIP), ...Object.keys(LISTS), ...Object.keys(OWNED_ELSEWHERE)];
      expect(recordRoutes.filter((k) => !listed.includes(k))).to.deep.equal([]);
    });

    for (const [key, probe] of Object.entries(OWNERSHIP)) {
      for (const side of ['own', 'other'] as const) {
        for (const [role, status] of Object.entries(probe[side] ?? {}) as [Role, number][]) {
          it(`${key} by ${role} on ${side === 'own' ? 'their own' : "someone else's"} record answers ${status}`, async () => {
            const target = side === 'own' ? ctx.sc : other;
            const agent = request(ctx.svc.url);
            const url = `/api${probe.path(target)}`;
            const req = probe.method === 'GET' ? agent.get(url) : probe.method === 'POST' ? agent.post(url) : probe.method === 'PUT' ? agent.put(url) : probe.method === 'PATCH' ? agent.patch(url) : agent.delete(url);
            const res = await (probe.body ? req.send(probe.body(target)) : req).set('Authorization', bearer(tokenOf(role)));
            expect(res.status, JSON.stringify(res.body)).to.equal(status);
          });
        }
      }
    }

    for (const [key, list] of Object.entries(LISTS)) {
      for (const [role, sees] of Object.entries(list.sees) as [Role, 'both' | 'own'][]) {
        it(`${key} as ${role} lists ${sees === 'both' ? 'every record' : 'their own record and not the other'}`, async () => {
          const res = await request(ctx.svc.url).get(`/api${list.path}`).set('Authorization', bearer(tokenOf(role))).expect(200);
          const ids = (res.body.items as { id: string }[]).map((i) => i.id);
          expect(ids).to.include(list.id(ctx.sc));
          if (sees === 'both') expect(ids).to.include(list.id(other));
          else expect(ids).not.to.include(list.id(other));
        });
      }
    }

    it('GET /sentences as a prosecutor lists the sentences of their own trials only; staff see all', async () => {
      const mine = await request(ctx.svc.url).get('/api/sentences?limit=200').set('Authorization', bearer(tokenOf('prosecutor'))).expect(200);
      expect(mine.body.items.map((s: { trialId: string }) => s.trialId)).not.to.include(other.trialId);
      const staff = await request(ctx.svc.url).get('/api/sentences?limit=200').set('Authorization', bearer(tokenOf('staff'))).expect(200);
      expect(staff.body.items.map((s: { trialId: string }) => s.trialId)).to.include(other.trialId);
      const filtered = await request(ctx.svc.url).get(`/api/sentences?trialId=${other.trialId}`).set('Authorization', bearer(tokenOf('prosecutor'))).expect(200);
      expect(filtered.body.items).to.deep.equal([]);
    });

    it('session reads by defence and interpreters leave out where the witness is (country, country pair, time zone)', async () => {
      for (const role of ['defence', 'interpreter'] as const) {
        const one = await request(ctx.svc.url).get(`/api/sessions/${ctx.sc.sessionId}`).set('Authorization', bearer(tokenOf(role))).expect(200);
        const list = await request(ctx.svc.url).get('/api/sessions').set('Authorization', bearer(tokenOf(role))).expect(200);
        for (const body of [one.body, ...list.body.items]) {
          expect(body, role).not.to.have.any.keys('fromCountry', 'countryPair');
          expect(body.timeZones, role).to.deep.equal({ court: 'Europe/Skopje' });
          expect(JSON.stringify(body), role).not.to.match(/Europe\/Chisinau|"MD/);
        }
      }
      const judge = await request(ctx.svc.url).get(`/api/sessions/${ctx.sc.sessionId}`).set('Authorization', bearer(tokenOf('judge'))).expect(200);
      expect(judge.body).to.include({ fromCountry: 'MD', countryPair: 'MD-MK' });
      expect(judge.body.timeZones.witness).to.equal('Europe/Chisinau');
    });
  });
});
