/**
 * Typed calls of the records API. The only module that knows URLs and response envelopes.
 */
import { requestBlob, requestJson } from './http.js';
import type {
  DirectoryUser,
  Invitation,
  InvitationLanguage,
  InvitationRole,
  NewTrial,
  NewWitness,
  SessionChange,
  TrialChange,
  WitnessChange,
  WitnessIdentity,
  IssuedInvitation,
  LoginResult,
  MinutesView,
  NewSentence,
  NewSession,
  NewUser,
  Page,
  ReportSummary,
  Sentence,
  TestimonySession,
  Trial,
  User,
  Witness,
} from './types.js';

/** Follows `next` cursors (up to `max` items) so screens see whole lists. */
async function all<T>(path: string, max = 1000): Promise<readonly T[]> {
  const out: T[] = [];
  let after: string | null = null;
  do {
    const sep = path.includes('?') ? '&' : '?';
    const page: Page<T> = await requestJson<Page<T>>('GET', `${path}${sep}limit=200${after ? `&after=${encodeURIComponent(after)}` : ''}`);
    out.push(...page.items);
    after = page.next ?? page.nextAfter ?? null;
  } while (after && out.length < max);
  return out;
}

const enc = encodeURIComponent;

export const api = {
  login: (username: string, password: string) =>
    requestJson<LoginResult>('POST', '/auth/login', { body: { username, password }, anonymous: true }),
  me: () => requestJson<User>('GET', '/auth/me'),
  /** Colleagues who can be made participants (id, display name, role). */
  directory: () => requestJson<{ items: DirectoryUser[] }>('GET', '/users/directory?limit=200').then((r) => r.items),
  /** Accounts, for administrators (the API lists at most 200). */
  users: () => requestJson<{ items: User[] }>('GET', '/users?limit=200').then((r) => r.items),
  createUser: (u: NewUser) => requestJson<User>('POST', '/users', { body: u }),
  setUserActive: (id: string, active: boolean) => requestJson<User>('PATCH', `/users/${enc(id)}`, { body: { active } }),
  /** The caller's own password; every earlier token of the account ends, the answer carries a new one. */
  changePassword: (currentPassword: string, newPassword: string) => requestJson<LoginResult>('POST', '/auth/password', { body: { currentPassword, newPassword } }),
  /** An administrator resets another account's password; the one-time password is in this answer only. */
  resetPassword: (id: string) => requestJson<{ user: User; password: string }>('POST', `/users/${enc(id)}/password`),
  witnesses: () => all<Witness>('/witnesses'),
  createWitness: (w: NewWitness) => requestJson<Witness>('POST', '/witnesses', { body: w }),
  updateWitness: (id: string, w: WitnessChange) => requestJson<Witness>('PATCH', `/witnesses/${enc(id)}`, { body: w }),
  /** The protected identity; every read is audited by the API. */
  witnessIdentity: (id: string) => requestJson<WitnessIdentity>('GET', `/witnesses/${enc(id)}/identity`),
  trials: () => all<Trial>('/trials'),
  createTrial: (x: NewTrial) => requestJson<Trial>('POST', '/trials', { body: x }),
  trial: (id: string) => requestJson<Trial>('GET', `/trials/${enc(id)}`),
  updateTrial: (id: string, x: TrialChange) => requestJson<Trial>('PATCH', `/trials/${enc(id)}`, { body: x }),
  sessions: () => all<TestimonySession>('/sessions'),
  session: (id: string) => requestJson<TestimonySession>('GET', `/sessions/${enc(id)}`),
  setStatus: (id: string, status: 'lobby' | 'live' | 'ended' | 'cancelled') =>
    requestJson<TestimonySession>('POST', `/sessions/${enc(id)}/status`, { body: { status } }),
  createSession: (s: NewSession) => requestJson<TestimonySession>('POST', '/sessions', { body: s }),
  updateSession: (id: string, s: SessionChange) => requestJson<TestimonySession>('PATCH', `/sessions/${enc(id)}`, { body: s }),
  /** A one-time link; `language` is the language of the pages it opens (the server puts it in the link). */
  invite: (sessionId: string, body: { role: InvitationRole; language?: InvitationLanguage; displayName?: string }) =>
    requestJson<IssuedInvitation>('POST', `/sessions/${enc(sessionId)}/invitations`, { body }),
  invitations: (sessionId: string) => requestJson<{ items: Invitation[] }>('GET', `/sessions/${enc(sessionId)}/invitations`).then((r) => r.items),
  revokeInvitation: (sessionId: string, invitationId: string) => requestJson<void>('DELETE', `/sessions/${enc(sessionId)}/invitations/${enc(invitationId)}`),
  minutes: (sessionId: string) => requestJson<MinutesView>('GET', `/sessions/${enc(sessionId)}/minutes`),
  generateMinutes: (sessionId: string) => requestJson<MinutesView>('POST', `/sessions/${enc(sessionId)}/minutes`),
  /** The PDF exactly as issued. */
  minutesPdf: (sessionId: string) => requestBlob(`/sessions/${enc(sessionId)}/minutes/pdf`, 'application/pdf'),
  minutesRemarks: (sessionId: string, version: number, remarks: string) =>
    requestJson<MinutesView>('PUT', `/sessions/${enc(sessionId)}/minutes/remarks`, { body: { version, remarks } }),
  sealMinutes: (sessionId: string, version: number) => requestJson<MinutesView>('POST', `/sessions/${enc(sessionId)}/minutes/seal`, { body: { version } }),
  recordSentence: (s: NewSentence) => requestJson<Sentence>('POST', '/sentences', { body: s }),
  report: (from: number, to: number, groupBy: 'year' | 'countryPair') =>
    requestJson<ReportSummary>('GET', `/reports/summary?from=${from}&to=${to}&groupBy=${groupBy}`),
  reportCsv: (from: number, to: number, groupBy: 'year' | 'countryPair') =>
    requestBlob(`/reports/summary?from=${from}&to=${to}&groupBy=${groupBy}`, 'text/csv'),
};

/**
 * The absolute join link; the token only ever travels in the URL fragment, and so do the language
 * of the person's pages (`lang`, put there by the server) and `start` (added here: shown in the
 * person's own time zone when they come early).
 */
export function joinLink(inv: IssuedInvitation, origin: string, extra: { start?: string } = {}): string {
  const base = /^https?:\/\//.test(inv.link) ? inv.link : origin + inv.link;
  return extra.start ? `${base}&start=${encodeURIComponent(extra.start)}` : base;
}
