/**
 * Operator (and judge) controls. Every action is audited, successful or not.
 */
import { InvalidStateError, NotFoundError } from '../errors.js';
import type { CallContext, Handlers } from './dispatch.js';
import type { SessionInfo } from './contract.js';
import type { SessionView } from './ports.js';

type ControlHandlers = Pick<
  Handlers,
  'listParticipants' | 'admit' | 'deny' | 'remove' | 'pauseProducer' | 'resumeProducer' | 'setClosedSession' | 'startSession' | 'endSession'
>;

/**
 * Runs `action`, then audits it with its outcome. `successAuditedByAccess`: the RoomAccess call
 * inside already records the success, so only a failure is recorded here (no duplicate events).
 */
async function audited<T>(
  ctx: CallContext,
  action: string,
  target: string,
  details: Record<string, unknown>,
  run: () => Promise<T>,
  opts: { successAuditedByAccess?: boolean } = {},
): Promise<T> {
  const record = (outcome: 'success' | 'failure') =>
    ctx.hub.access.audit({ actor: ctx.ticket, action, target, outcome, details }).catch((err: unknown) => {
      ctx.hub.log.error({ err, action }, 'audit() failed');
    });
  try {
    const result = await run();
    if (!opts.successAuditedByAccess) await record('success');
    return result;
  } catch (err) {
    await record('failure');
    throw err;
  }
}

function knownParticipant(ctx: CallContext, participantId: string): void {
  if (!ctx.hub.participants(ctx.ticket.sessionId).some((p) => p.participantId === participantId)) {
    throw new NotFoundError({ message: 'No such participant in this session.', code: 'participant_not_found' });
  }
  if (participantId === ctx.ticket.participantId) throw new InvalidStateError({ message: 'You cannot do this to yourself.', code: 'self_target' });
}

const decide = (ctx: CallContext, participantId: string, admission: 'admitted' | 'denied' | 'removed'): void =>
  ctx.hub.decide(ctx.ticket.sessionId, participantId, admission);

const info = (v: SessionView): SessionInfo => ({ status: v.status, measures: v.measures });

async function setProducerPaused(ctx: CallContext, producerId: string, paused: boolean) {
  const action = paused ? 'room.pauseProducer' : 'room.resumeProducer';
  return audited(ctx, action, `producer:${producerId}`, {}, async () => {
    const r = ctx.hub.rooms.get(ctx.ticket.sessionId);
    if (!r) throw new InvalidStateError({ message: 'The room is not open.', code: 'room_not_open' });
    return r.setProducerPaused(producerId, paused);
  });
}

export const controlHandlers: ControlHandlers = {
  async listParticipants(ctx) {
    return { participants: ctx.hub.participants(ctx.ticket.sessionId) };
  },
  async admit(ctx, { participantId }) {
    return audited(ctx, 'room.admit', `participant:${participantId}`, {}, async () => {
      knownParticipant(ctx, participantId);
      decide(ctx, participantId, 'admitted');
      return {};
    });
  },
  async deny(ctx, { participantId }) {
    return audited(ctx, 'room.deny', `participant:${participantId}`, {}, async () => {
      knownParticipant(ctx, participantId);
      decide(ctx, participantId, 'denied');
      return {};
    });
  },
  async remove(ctx, { participantId }) {
    return audited(ctx, 'room.remove', `participant:${participantId}`, {}, async () => {
      knownParticipant(ctx, participantId);
      await ctx.hub.access.revokeParticipant(ctx.ticket.sessionId, participantId, ctx.ticket);
      decide(ctx, participantId, 'removed');
      return {};
    });
  },
  pauseProducer: (ctx, { producerId }) => setProducerPaused(ctx, producerId, true),
  resumeProducer: (ctx, { producerId }) => setProducerPaused(ctx, producerId, false),
  async setClosedSession(ctx, { closed }) {
    const sid = ctx.ticket.sessionId;
    return audited(ctx, 'room.closedSession', `session:${sid}`, { closed }, async () => {
      const view = await ctx.hub.access.setClosedSession(sid, closed, ctx.ticket);
      ctx.hub.applySession(view);
      return info(view);
    }, { successAuditedByAccess: true });
  },
  async startSession(ctx) {
    const sid = ctx.ticket.sessionId;
    return audited(ctx, 'room.start', `session:${sid}`, {}, async () => {
      const view = await ctx.hub.access.setStatus(sid, 'live', ctx.ticket);
      ctx.hub.applySession(view);
      return info(view);
    });
  },
  async endSession(ctx) {
    const sid = ctx.ticket.sessionId;
    const view = await ctx.hub.ending(sid, () =>
      audited(ctx, 'room.end', `session:${sid}`, {}, () => ctx.hub.access.setStatus(sid, 'ended', ctx.ticket)),
    );
    // Answer first, then tell and disconnect everyone (the caller included).
    setImmediate(() => ctx.hub.applySession(view));
    return info(view);
  },
};
