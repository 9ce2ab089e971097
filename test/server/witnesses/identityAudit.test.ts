import { expect } from 'chai';
import request from 'supertest';
import { CANARY_IDENTITY, bearer, useScenario } from '../../support/scenario.js';

interface Event {
  readonly seq: number;
  readonly actor: { kind: string; id?: string; role?: string };
  readonly action: string;
  readonly target: string;
  readonly outcome: string;
  readonly details: unknown;
}

/** Roles that may not read the protected identity (issue 3: admin and staff only). */
const REFUSED = ['prosecutor', 'judge', 'operator', 'defence', 'interpreter'] as const;

describe('identity reads are audited, refused ones too', () => {
  const ctx = useScenario();

  /** Identity-read events newer than `afterSeq`, oldest first. */
  async function identityReads(target: string, afterSeq = 0): Promise<Event[]> {
    const res = await request(ctx.svc.url).get(`/api/audit?action=witness.identityRead&target=${target}&limit=200`).set('Authorization', bearer(ctx.sc.admin.token)).expect(200);
    return (res.body.items as Event[]).filter((e) => e.seq > afterSeq).reverse();
  }
  const lastSeq = async (): Promise<number> => {
    const res = await request(ctx.svc.url).get('/api/audit?limit=1').set('Authorization', bearer(ctx.sc.admin.token)).expect(200);
    return (res.body.items as Event[])[0]!.seq;
  };

  for (const role of REFUSED) {
    it(`GET /api/witnesses/:id/identity refused for ${role} (403) writes one failure event naming the caller`, async () => {
      const since = await lastSeq();
      const user = ctx.sc.users[role];
      const res = await request(ctx.svc.url).get(`/api/witnesses/${ctx.sc.witnessId}/identity`).set('Authorization', bearer(user.token)).expect(403);
      for (const part of Object.values(CANARY_IDENTITY)) expect(JSON.stringify(res.body)).not.to.include(part);
      const events = await identityReads(`witness:${ctx.sc.witnessId}`, since);
      expect(events).to.have.length(1);
      expect(events[0]).to.deep.include({ action: 'witness.identityRead', target: `witness:${ctx.sc.witnessId}`, outcome: 'failure', details: { reason: 'forbidden' } });
      expect(events[0]!.actor).to.deep.include({ kind: 'user', id: user.id, role });
    });
  }

  it('a refused read of a malformed id is recorded against witness:unknown, never the raw input', async () => {
    const since = await lastSeq();
    await request(ctx.svc.url).get('/api/witnesses/$where-1/identity').set('Authorization', bearer(ctx.sc.users.defence.token)).expect(403);
    const events = await identityReads('witness:unknown', since);
    expect(events).to.have.length(1);
    expect(events[0]).to.deep.include({ outcome: 'failure', details: { reason: 'forbidden' } });
    expect(events[0]!.actor).to.deep.include({ id: ctx.sc.users.defence.id });
  });

  it('an allowed read writes exactly one event, a success', async () => {
    const since = await lastSeq();
    await request(ctx.svc.url).get(`/api/witnesses/${ctx.sc.witnessId}/identity`).set('Authorization', bearer(ctx.sc.users.staff.token)).expect(200);
    const events = await identityReads(`witness:${ctx.sc.witnessId}`, since);
    expect(events.map((e) => [e.outcome, e.actor.id])).to.deep.equal([['success', ctx.sc.users.staff.id]]);
  });
});
