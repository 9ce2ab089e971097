/**
 * Operator (and judge) controls. Every action is audited, successful or not.
 */
import { protectFirst } from './protectFirst.js';
import { InvalidStateError, isDatabaseUnavailable, NotFoundError } from '../../common/errors.js';
import type { CallContext, Handlers } from './dispatch.js';
import type { SessionInfo } from './contract.js';
import type { SessionView } from './ports.js';
import type { LiveMeasure } from '../../common/vocabulary.js';

type ControlHandlers = Pick<
  Handlers,
  | 'listParticipants'
  | 'admit'
  | 'deny'
  | 'remove'
  | 'pauseProducer'
  | 'resumeProducer'
  | 'setClosedSession'
  | 'setMeasure'
  | 'setMaskingMode'
  | 'getMaskingStatus'
  | 'startSession'
  | 'endSession'
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
    // Refusals for want of the database are counted per socket instead (dispatch.ts).
    if (!isDatabaseUnavailable(err)) await record('failure');
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

function openRoom(ctx: CallContext) {
  const r = ctx.hub.rooms.get(ctx.ticket.sessionId);
  if (!r) throw new InvalidStateError({ message: 'The room is not open.', code: 'room_not_open' });
  return r;
}

async function setProducerPaused(ctx: CallContext, producerId: string, paused: boolean) {
  const action = paused ? 'room.pauseProducer' : 'room.resumeProducer';
  // The minutes list pauses per session: whose stream, which kind (filled in once known).
  const details: Record<string, unknown> = { sessionId: ctx.ticket.sessionId };
  return audited(ctx, action, `producer:${producerId}`, details, async () => {
    const r = await openRoom(ctx).setProducerPaused(producerId, paused);
    Object.assign(details, { participantId: r.participantId, kind: r.kind });
    return { producerId, ...r };
  });
}

/**
 * Stores the measure (which publishes the change) and applies it to the room before answering.
 * A measure turned on protects at once, before the write: were the database away, the room stays
 * protected (the caller is told the record failed and tries again), never the other way round.
 */
async function setMeasure(ctx: CallContext, measure: LiveMeasure, on: boolean) {
  const sid = ctx.ticket.sessionId;
  const [action, details] = measure === 'closedSession' ? ['room.closedSession', { closed: on }] : ['room.measure', { measure, on }];
  return audited(ctx, action, `session:${sid}`, details, async () => {
    const room = ctx.hub.rooms.get(sid);
    const tighten =
      on && room && !room.measures.includes(measure)
        ? () => {
            const before = room.measures;
            room.setMeasures([...before, measure]);
            return () => room.setMeasures(before);
          }
        : undefined;
    const view = await protectFirst(tighten, () => ctx.hub.access.setMeasure(sid, measure, on, ctx.ticket));
    ctx.hub.applySession(view);
    return info(view);
  }, { successAuditedByAccess: true });
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
      // Out of the room first: a failed write (database away) must not leave them in it.
      decide(ctx, participantId, 'removed');
      await ctx.hub.access.revokeParticipant(ctx.ticket.sessionId, participantId, ctx.ticket);
      return {};
    });
  },
  pauseProducer: (ctx, { producerId }) => setProducerPaused(ctx, producerId, true),
  resumeProducer: (ctx, { producerId }) => setProducerPaused(ctx, producerId, false),
  setClosedSession: (ctx, { closed }) => setMeasure(ctx, 'closedSession', closed),
  setMeasure: (ctx, { measure, on }) => setMeasure(ctx, measure, on),
  async setMaskingMode(ctx, { mode }) {
    const sid = ctx.ticket.sessionId;
    return audited(ctx, 'room.maskingMode', `session:${sid}`, { mode }, async () => {
      openRoom(ctx).setMaskingMode(mode);
      return { mode };
    });
  },
  async getMaskingStatus(ctx) {
    const r = openRoom(ctx);
    return { mode: r.maskingMode, streams: r.maskingStatuses };
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
