/** A cross-border hearing set up through the real API and real sockets, for the hearing tests. */
import { expect } from 'chai';
import request from 'supertest';
import { bearer, createScenario, type Scenario, type ScenarioOptions } from '../../support/scenario.js';
import type { TestService } from '../../support/service.js';
import { connect, next, send, type ClientSocket } from '../signaling/support.js';

/** The scenario and a connected, admitted socket per role. */
export interface Hearing {
  readonly sc: Scenario;
  readonly operator: ClientSocket;
  readonly judge: ClientSocket;
  readonly authority: ClientSocket;
  readonly witness: ClientSocket;
  readonly authorityId: string;
  readonly witnessId: string;
  close(): void;
}

/** Sends a request that must succeed; returns its data. */
export async function ok<T = unknown>(socket: ClientSocket, event: string, payload: unknown): Promise<T> {
  const ack = await send(socket, event, payload);
  expect(ack, `${event} ${JSON.stringify(ack)}`).to.have.property('ok', true);
  return (ack as { data: T }).data;
}

/** Sends a request that must be refused with `code`. */
export async function refused(socket: ClientSocket, event: string, payload: unknown, code: string): Promise<void> {
  const ack = await send(socket, event, payload);
  expect(ack, `${event} ${JSON.stringify(ack)}`).to.deep.nested.include({ ok: false, 'error.code': code });
}

/** Moves the session on over HTTP as the operator. */
export function setStatus(svc: TestService, sc: Scenario, status: string) {
  return request(svc.url).post(`/api/sessions/${sc.sessionId}/status`).set('Authorization', bearer(sc.users.operator.token)).send({ status });
}

/**
 * Schedules a session with a witness, a requested authority and an interpreter on links, opens
 * the lobby and connects the operator, the judge, the authority and the witness; the operator
 * admits everyone (`admit: false` leaves the authority and the witness waiting).
 */
export async function openHearing(svc: TestService, opts: ScenarioOptions & { admit?: boolean } = {}): Promise<Hearing> {
  const sc = await createScenario(svc, { invitations: ['witness', 'authority', 'interpreter'], ...opts });
  await setStatus(svc, sc, 'lobby').expect(200);
  const inv = (role: string) => sc.invitations.find((i) => i.role === role)!;
  const operator = await connect(svc.url, { token: sc.users.operator.token, sessionId: sc.sessionId });
  const judge = await connect(svc.url, { token: sc.users.judge.token, sessionId: sc.sessionId });
  const authority = await connect(svc.url, { token: inv('authority').token });
  const witness = await connect(svc.url, { token: inv('witness').token });
  const sockets = [operator, judge, authority, witness];
  const h: Hearing = { sc, operator, judge, authority, witness, authorityId: inv('authority').participantId, witnessId: inv('witness').participantId, close: () => sockets.forEach((s) => s.close()) };
  const admitted = next(judge, 'admission');
  await ok(operator, 'admit', { participantId: sc.participantIds.judge });
  await admitted;
  if (opts.admit !== false) {
    await ok(operator, 'admit', { participantId: h.authorityId });
    await ok(operator, 'admit', { participantId: h.witnessId });
  }
  return h;
}

/** Audit events of the session with `action`, newest first (as an admin reads them). */
export async function auditOf(svc: TestService, sc: Scenario, action: string): Promise<{ outcome: string; details: Record<string, unknown>; actor: { role?: string } ; seq: number }[]> {
  const res = await request(svc.url).get(`/api/audit?action=${action}&target=session:${sc.sessionId}`).set('Authorization', bearer(sc.admin.token)).expect(200);
  return (res.body as { items: never[] }).items;
}
