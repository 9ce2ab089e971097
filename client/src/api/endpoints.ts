/**
 * Typed calls of the records API. The only module that knows URLs and response envelopes.
 */
import { requestBlob, requestJson } from './http.js';
import type {
  Invitation,
  LoginResult,
  NewSentence,
  NewSession,
  ReportSummary,
  TestimonySession,
  Trial,
  User,
  Witness,
} from './types.js';

/** Lists come back either bare or as `{ items }`. */
function items<T>(body: readonly T[] | { readonly items: readonly T[] }): readonly T[] {
  return Array.isArray(body) ? body : (body as { items: readonly T[] }).items;
}

export const api = {
  login: (username: string, password: string) =>
    requestJson<LoginResult>('POST', '/auth/login', { body: { username, password }, anonymous: true }),
  me: () => requestJson<User | { user: User }>('GET', '/auth/me').then((b) => ('user' in b ? b.user : b)),
  users: async () => items(await requestJson<User[] | { items: User[] }>('GET', '/users')),
  witnesses: async () => items(await requestJson<Witness[] | { items: Witness[] }>('GET', '/witnesses')),
  trials: async () => items(await requestJson<Trial[] | { items: Trial[] }>('GET', '/trials')),
  sessions: async () => items(await requestJson<TestimonySession[] | { items: TestimonySession[] }>('GET', '/sessions')),
  session: (id: string) => requestJson<TestimonySession>('GET', `/sessions/${encodeURIComponent(id)}`),
  setStatus: (id: string, status: 'lobby' | 'live' | 'ended' | 'cancelled') =>
    requestJson<TestimonySession>('POST', `/sessions/${encodeURIComponent(id)}/status`, { body: { status } }),
  createSession: (s: NewSession) => requestJson<TestimonySession>('POST', '/sessions', { body: s }),
  invite: (sessionId: string, role: string) =>
    requestJson<Invitation>('POST', `/sessions/${encodeURIComponent(sessionId)}/invitations`, { body: { role } }),
  recordSentence: (s: NewSentence) => requestJson<unknown>('POST', '/sentences', { body: s }),
  report: (from: number, to: number, groupBy: 'year' | 'countryPair') =>
    requestJson<ReportSummary>('GET', `/reports/summary?from=${from}&to=${to}&groupBy=${groupBy}`),
  reportCsv: (from: number, to: number, groupBy: 'year' | 'countryPair') =>
    requestBlob(`/reports/summary?from=${from}&to=${to}&groupBy=${groupBy}`, 'text/csv'),
};

/** The join link for an invitation: the token only ever travels in the URL fragment. */
export function joinLink(inv: Invitation, origin: string): string {
  if (inv.token) return `${origin}/join#token=${encodeURIComponent(inv.token)}`;
  if (inv.url) return inv.url.startsWith('http') ? inv.url : origin + inv.url;
  return '';
}
