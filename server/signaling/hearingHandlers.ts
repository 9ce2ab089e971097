/**
 * Room requests of the cross-border hearing: the requested authority's identity check, suspend
 * and resume; the judge's override and oath record. Each translates into one call on the hearing
 * port (which checks role and state, records and audits a success); a refusal is audited here.
 * `publishHearing` tells a session's room the new state, each receiver what its role may see.
 */
import { isDatabaseUnavailable } from '../../common/errors.js';
import { protectFirst } from './protectFirst.js';
import type { CallContext, Handlers } from './dispatch.js';
import { channel, type Hub } from './hub.js';
import type { RoomTicket } from './ports.js';

type HearingHandlers = Pick<Handlers, 'hearingState' | 'recordIdentityCheck' | 'overrideIdentityCheck' | 'recordOath' | 'suspendHearing' | 'resumeHearing'>;

/** Runs `change`, audits a refusal, and answers with the caller's view of the new state. */
async function change(ctx: CallContext, action: string, run: () => Promise<unknown>) {
  const sid = ctx.ticket.sessionId;
  try {
    await run();
  } catch (err) {
    // A refusal for want of the database is counted with the socket's other refusals (dispatch.ts),
    // not written one by one: a flood of them while it is away would fill what waits for it.
    if (!isDatabaseUnavailable(err)) await ctx.hub.access.audit({ actor: ctx.ticket, action, target: `session:${sid}`, outcome: 'failure' }).catch((e: unknown) => ctx.hub.log.error({ err: e, action }, 'audit() failed'));
    throw err;
  }
  return ctx.hub.access.hearing.state(sid, ctx.ticket);
}

export const hearingHandlers: HearingHandlers = {
  hearingState: (ctx) => ctx.hub.access.hearing.state(ctx.ticket.sessionId, ctx.ticket),
  recordIdentityCheck: (ctx, input) => change(ctx, 'hearing.identityCheck', () => ctx.hub.access.hearing.recordIdentityCheck(ctx.ticket.sessionId, input, ctx.ticket)),
  overrideIdentityCheck: (ctx, { reason }) => change(ctx, 'hearing.identityOverride', () => ctx.hub.access.hearing.overrideIdentityCheck(ctx.ticket.sessionId, reason, ctx.ticket)),
  recordOath: (ctx, { kind }) => change(ctx, 'hearing.oath', () => ctx.hub.access.hearing.recordOath(ctx.ticket.sessionId, kind, ctx.ticket)),
  // The suspension withholds the witness's side at once, before its record (which may fail while the database is away).
  suspendHearing: (ctx, { reason }) =>
    change(ctx, 'hearing.suspend', async () => {
      const room = ctx.hub.rooms.get(ctx.ticket.sessionId);
      const withhold = room && !room.suspended ? () => (room.setSuspended(true), () => room.setSuspended(false)) : undefined;
      ctx.hub.applySession(await protectFirst(withhold, () => ctx.hub.access.hearing.suspend(ctx.ticket.sessionId, reason, ctx.ticket)));
    }),
  resumeHearing: (ctx) => change(ctx, 'hearing.resume', async () => ctx.hub.applySession(await ctx.hub.access.hearing.resume(ctx.ticket.sessionId, ctx.ticket))),
};

/** Roles that receive the identity gate with the hearing state. */
const GATE_VIEWERS = new Set(['judge', 'operator', 'authority']);

/**
 * Sends the session's hearing state to everyone in its room: the judge, operator and authority
 * with the identity gate, everyone else without it.
 */
export async function publishHearing(hub: Hub, sessionId: string): Promise<void> {
  const inRoom = hub.participants(sessionId).filter((p) => p.connected);
  if (inRoom.length === 0) return;
  const viewer = (role: RoomTicket['role']): RoomTicket => ({ sessionId, participantId: '', role, displayName: '' });
  const [full, plain] = await Promise.all([hub.access.hearing.state(sessionId, viewer('judge')), hub.access.hearing.state(sessionId, viewer('witness'))]);
  for (const p of inRoom) hub.nsp.to(channel.participant(sessionId, p.participantId)).emit('hearing', GATE_VIEWERS.has(p.role) ? full : plain);
}
