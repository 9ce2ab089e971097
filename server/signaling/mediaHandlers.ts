/**
 * Participant requests: lobby greeting and media set-up. Each translates into a call on the
 * session's `Room`, which applies the media policy.
 */
import type { types } from '../../media/mediasoup.js';
import type { CallContext, Handlers } from './dispatch.js';
import type { ConsumerView, Json, TransportView } from './contract.js';

type MediaHandlers = Pick<
  Handlers,
  'hello' | 'getRouterRtpCapabilities' | 'join' | 'createTransport' | 'connectTransport' | 'restartIce' | 'produce' | 'closeProducer' | 'consume' | 'resumeConsumer'
>;

const room = (ctx: CallContext) => ctx.hub.room(ctx.ticket.sessionId);

export const mediaHandlers: MediaHandlers = {
  async hello(ctx) {
    const session = await ctx.hub.access.getSession(ctx.ticket.sessionId);
    const { participantId, role, displayName } = ctx.ticket;
    return { participantId, role, displayName, admission: ctx.hub.admission(ctx.ticket), session: { status: session.status, measures: session.measures } };
  },

  async getRouterRtpCapabilities(ctx) {
    return { rtpCapabilities: (await room(ctx)).rtpCapabilities as unknown as Json };
  },

  async join(ctx, { rtpCapabilities }) {
    const r = await room(ctx);
    const peer = r.addPeer(ctx.ticket.participantId, ctx.ticket.role, ctx.ticket.displayName);
    peer.rtpCapabilities = rtpCapabilities as unknown as types.RtpCapabilities;
    return { producers: r.producersFor(peer.id) };
  },

  async createTransport(ctx, { direction }) {
    const t = await (await room(ctx)).createTransport(ctx.ticket.participantId, direction);
    // Only the server's own candidates: nobody learns another participant's address.
    const view: TransportView = {
      id: t.id,
      iceParameters: t.iceParameters as unknown as Json,
      iceCandidates: t.iceCandidates as unknown as Json[],
      dtlsParameters: t.dtlsParameters as unknown as Json,
    };
    return view;
  },

  async connectTransport(ctx, { transportId, dtlsParameters }) {
    const peer = (await room(ctx)).peer(ctx.ticket.participantId);
    await peer.connectTransport(transportId, dtlsParameters as unknown as types.DtlsParameters);
    return {};
  },

  async restartIce(ctx, { transportId }) {
    const peer = (await room(ctx)).peer(ctx.ticket.participantId);
    return { iceParameters: (await peer.restartIce(transportId)) as unknown as Json };
  },

  async produce(ctx, { transportId, kind, rtpParameters }) {
    const r = await room(ctx);
    const producerId = await r.produce(ctx.ticket.participantId, transportId, kind, rtpParameters as unknown as types.RtpParameters);
    return { producerId };
  },

  async closeProducer(ctx, { producerId }) {
    (await room(ctx)).peer(ctx.ticket.participantId).closeProducer(producerId);
    return {};
  },

  async consume(ctx, { transportId, producerId }) {
    const c = await (await room(ctx)).consume(ctx.ticket.participantId, transportId, producerId);
    const view: ConsumerView = { ...c, rtpParameters: c.rtpParameters as unknown as Json };
    return view;
  },

  async resumeConsumer(ctx, { consumerId }) {
    await (await room(ctx)).peer(ctx.ticket.participantId).consumer(consumerId).resume();
    return {};
  },
};
