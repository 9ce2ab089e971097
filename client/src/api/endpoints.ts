/**
 * Typed calls of the records API. The only module that knows URLs and response envelopes.
 */
import { requestBlob, requestJson } from './http.js';
import type {
  DirectoryUser,
  IssuedInvitation,
  LoginResult,
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
  witnesses: () => all<Witness>('/witnesses'),
  trials: () => all<Trial>('/trials'),
  sessions: () => all<TestimonySession>('/sessions'),
  session: (id: string) => requestJson<TestimonySession>('GET', `/sessions/${enc(id)}`),
  setStatus: (id: string, status: 'lobby' | 'live' | 'ended' | 'cancelled') =>
    requestJson<TestimonySession>('POST', `/sessions/${enc(id)}/status`, { body: { status } }),
  createSession: (s: NewSession) => requestJson<TestimonySession>('POST', '/sessions', { body: s }),
  invite: (sessionId: string, role: string) => requestJson<IssuedInvitation>('POST', `/sessions/${enc(sessionId)}/invitations`, { body: { role } }),
  recordSentence: (s: NewSentence) => requestJson<Sentence>('POST', '/sentences', { body: s }),
  report: (from: number, to: number, groupBy: 'year' | 'countryPair') =>
    requestJson<ReportSummary>('GET', `/reports/summary?from=${from}&to=${to}&groupBy=${groupBy}`),
  reportCsv: (from: number, to: number, groupBy: 'year' | 'countryPair') =>
    requestBlob(`/reports/summary?from=${from}&to=${to}&groupBy=${groupBy}`, 'text/csv'),
};

/** The absolute join link; the token only ever travels in the URL fragment. */
export function joinLink(inv: IssuedInvitation, origin: string): string {
  return /^https?:\/\//.test(inv.link) ? inv.link : origin + inv.link;
}
