/**
 * Builds a realistic testimony set-up through the real HTTP API: logs in as the configured
 * administrator, creates a user for each role, a witness, a trial, a session (participants,
 * measures, window around now) and invitations, and returns ids and tokens. Start the service
 * with `SCENARIO_ADMIN_ENV` (or your own ADMIN_USERNAME / ADMIN_PASSWORD).
 */
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type { UserRole } from '../../common/vocabulary.js';
import type { ParticipantRole, ProtectiveMeasure } from '../../common/vocabulary.js';
import { startTestService, TEST_ADMIN_ENV, type TestService } from './service.js';

/** Administrator credentials for `startTestService(SCENARIO_ADMIN_ENV)` (every test service has them by default). */
export const SCENARIO_ADMIN_ENV = TEST_ADMIN_ENV;

/** The protected identity given to the scenario's witness (tests look for it in logs and files). */
export const CANARY_IDENTITY = {
  legalName: 'Canaryname Zyxwvutsrq',
  dateOfBirth: '1991-07-13',
  contact: '+373-555-0199-canary',
  currentLocation: 'Canarytown Safehouse 42',
} as const;

/** Users created for every role but admin; each with a session role when it has one. */
const USER_SESSION_ROLE: Record<Exclude<UserRole, 'admin'>, ParticipantRole | undefined> = {
  prosecutor: 'prosecutor',
  judge: 'judge',
  operator: 'operator',
  staff: undefined,
  defence: 'defence',
  interpreter: 'interpreter',
};

export interface ScenarioOptions {
  /** User roles added as session participants (default: judge, prosecutor, defence, interpreter, operator). */
  readonly participants?: readonly Exclude<UserRole, 'admin' | 'staff'>[];
  /** Protective measures ordered (default: pseudonym, faceMask, voiceMask). */
  readonly measures?: readonly ProtectiveMeasure[];
  /** Invitations to issue (default: one for the witness). */
  readonly invitations?: readonly ParticipantRole[];
  /** Window start relative to now in ms (default −5 minutes). */
  readonly startOffsetMs?: number;
  /** Window length in ms (default 1 hour). */
  readonly durationMs?: number;
  readonly fromCountry?: string;
  readonly courtCountry?: string;
}

export interface ScenarioUser {
  readonly id: string;
  readonly username: string;
  readonly password: string;
  readonly token: string;
}

export interface ScenarioInvitation {
  readonly id: string;
  readonly role: ParticipantRole;
  readonly participantId: string;
  /** `/join#token=…` */
  readonly link: string;
  readonly token: string;
}

export interface Scenario {
  readonly admin: ScenarioUser;
  readonly users: Record<Exclude<UserRole, 'admin'>, ScenarioUser>;
  readonly witnessId: string;
  readonly witnessCodename: string;
  readonly trialId: string;
  readonly defendantIds: readonly string[];
  readonly sessionId: string;
  readonly courtRoom: string;
  /** Session role → participant id, for user participants. */
  readonly participantIds: Partial<Record<ParticipantRole, string>>;
  readonly invitations: readonly ScenarioInvitation[];
}

/** `Authorization` header value for a token. */
export const bearer = (token: string): string => `Bearer ${token}`;

async function login(url: string, username: string, password: string): Promise<string> {
  const res = await request(url).post('/api/auth/login').send({ username, password }).expect(200);
  return (res.body as { token: string }).token;
}

async function createUsers(url: string, adminToken: string, suffix: string): Promise<Scenario['users']> {
  const users: Partial<Record<Exclude<UserRole, 'admin'>, ScenarioUser>> = {};
  for (const role of Object.keys(USER_SESSION_ROLE) as Exclude<UserRole, 'admin'>[]) {
    const username = `${role}-${suffix}`;
    const password = `password-${role}-${suffix}`;
    const res = await request(url)
      .post('/api/users')
      .set('Authorization', bearer(adminToken))
      .send({ username, password, role, displayName: `${role[0]!.toUpperCase()}${role.slice(1)} ${suffix}` })
      .expect(201);
    users[role] = { id: (res.body as { id: string }).id, username, password, token: await login(url, username, password) };
  }
  return users as Scenario['users'];
}

async function createTrialAndWitness(url: string, s: { admin: string; staff: string; prosecutor: string; judgeId: string; prosecutorId: string; suffix: string; courtCountry: string; fromCountry: string }) {
  const witnessCodename = `Sparrow-${s.suffix}`;
  const trial = await request(url)
    .post('/api/trials')
    .set('Authorization', bearer(s.prosecutor))
    .send({ caseNumber: `K-${s.suffix}`, court: 'Basic Court Skopje II', courtCountry: s.courtCountry, judgeId: s.judgeId, prosecutorIds: [s.prosecutorId], defendants: [{ name: 'Defendant A' }, { name: 'Defendant B' }], charges: ['humanTrafficking'] })
    .expect(201);
  // Registered by programme staff (who becomes its handler) as a witness of the trial.
  const witness = await request(url)
    .post('/api/witnesses')
    .set('Authorization', bearer(s.staff))
    .send({ codename: witnessCodename, identity: CANARY_IDENTITY, trialIds: [(trial.body as { id: string }).id], countryOfOrigin: s.fromCountry, languages: ['ro'], protectionStatus: 'active', riskLevel: 'high' })
    .expect(201);
  const t = trial.body as { id: string; defendants: { id: string }[] };
  return { witnessId: (witness.body as { id: string }).id, witnessCodename, trialId: t.id, defendantIds: t.defendants.map((d) => d.id) };
}

/** Creates the whole scenario; every call uses fresh names, so calls do not collide. */
export async function createScenario(svc: TestService, opts: ScenarioOptions = {}): Promise<Scenario> {
  const adminCreds = svc.config.auth.admin;
  if (!adminCreds) throw new Error('createScenario() needs ADMIN_USERNAME/ADMIN_PASSWORD (use SCENARIO_ADMIN_ENV)');
  const suffix = randomBytes(4).toString('hex');
  const adminToken = await login(svc.url, adminCreds.username, adminCreds.password);
  const me = await request(svc.url).get('/api/auth/me').set('Authorization', bearer(adminToken)).expect(200);
  const admin = { id: (me.body as { id: string }).id, username: adminCreds.username, password: adminCreds.password, token: adminToken };
  const users = await createUsers(svc.url, adminToken, suffix);
  const fromCountry = opts.fromCountry ?? 'MD';
  const courtCountry = opts.courtCountry ?? 'MK';
  const base = await createTrialAndWitness(svc.url, { admin: adminToken, staff: users.staff.token, prosecutor: users.prosecutor.token, judgeId: users.judge.id, prosecutorId: users.prosecutor.id, suffix, courtCountry, fromCountry });
  const start = new Date(Date.now() + (opts.startOffsetMs ?? -5 * 60_000));
  const end = new Date(start.getTime() + (opts.durationMs ?? 3600_000));
  const courtRoom = `Room ${suffix}`;
  const participantRoles = opts.participants ?? ['judge', 'prosecutor', 'defence', 'interpreter', 'operator'];
  const session = await request(svc.url)
    .post('/api/sessions')
    .set('Authorization', bearer(users.prosecutor.token))
    .send({
      trialId: base.trialId,
      witnessId: base.witnessId,
      fromCountry,
      courtCountry,
      courtRoom,
      start: start.toISOString(),
      end: end.toISOString(),
      timeZones: { witness: 'Europe/Chisinau', court: 'Europe/Skopje' },
      participants: participantRoles.map((r) => ({ userId: users[r].id, role: USER_SESSION_ROLE[r] })),
      measures: opts.measures ?? ['pseudonym', 'faceMask', 'voiceMask'],
      interpreterLanguage: 'ro',
    })
    .expect(201);
  const s = session.body as { id: string; participants: { participantId: string; role: ParticipantRole }[] };
  const participantIds = Object.fromEntries(s.participants.map((p) => [p.role, p.participantId]));
  const invitations: ScenarioInvitation[] = [];
  for (const role of opts.invitations ?? ['witness']) {
    const res = await request(svc.url).post(`/api/sessions/${s.id}/invitations`).set('Authorization', bearer(users.prosecutor.token)).send({ role }).expect(201);
    const body = res.body as { invitation: { id: string; participantId: string }; link: string };
    invitations.push({ id: body.invitation.id, role, participantId: body.invitation.participantId, link: body.link, token: /#token=([^&]+)/.exec(body.link)![1]! });
  }
  return { admin, users, ...base, sessionId: s.id, courtRoom, participantIds, invitations };
}

/** A service and a scenario shared by the tests of one describe block. */
export interface ScenarioContext {
  readonly svc: TestService;
  readonly sc: Scenario;
}

/**
 * Registers `before`/`after` hooks that start one service (with the scenario admin and `env`)
 * and build one scenario for the enclosing describe block; read `ctx.svc` and `ctx.sc` in tests.
 */
export function useScenario(env: Record<string, string | undefined> = {}): ScenarioContext {
  let svc: TestService | undefined;
  let sc: Scenario | undefined;
  before(async function () {
    this.timeout(60_000);
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, ...env });
    sc = await createScenario(svc);
  });
  after(async () => {
    await svc?.close();
  });
  const ready = <T>(v: T | undefined): T => {
    if (v === undefined) throw new Error('useScenario(): read ctx only inside tests');
    return v;
  };
  return {
    get svc() {
      return ready(svc);
    },
    get sc() {
      return ready(sc);
    },
  };
}
