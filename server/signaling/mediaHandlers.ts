/**
 * Participant requests: lobby greeting and media set-up. Each translates into a call on the
 * session's `Room`, which applies the media policy.
 */
import type { types } from '../../media/mediasoup.js';
import type { CallContext, Handlers } from './dispatch.js';
import type { Json, TransportView } from './contract.js';

type MediaHandlers = Pick<
  Handlers,
  'hello' | 'getRouterRtpCapabilities' | 'join' | 'createTransport' | 'connectTransport' | 'restartIce' | 'produce' | 'closeProducer' | 'consume' | 'setListening' | 'setOwnMedia'
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

  /**
   * Enters (or re-enters, after a reset) the room's media with fresh state: once the receive
   * transport exists, the server sends what the policy gives (newConsumer).
   */
  async join(ctx, { rtpCapabilities }) {
    const r = await room(ctx);
    const { participantId, role, displayName } = ctx.ticket;
    r.addPeer(participantId, role, displayName);
    r.setReceiving(participantId, rtpCapabilities as unknown as types.RtpCapabilities);
    return {};
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

  async setOwnMedia(ctx, { kind, paused }) {
    const state = await (await room(ctx)).setOwnPaused(ctx.ticket.participantId, kind, paused);
    return { kind, state };
  },

  async setListening(ctx, { channel }) {
    (await room(ctx)).setListening(ctx.ticket.participantId, channel);
    return { channel };
  },

  async consume(ctx, { producerId }) {
    (await room(ctx)).requestConsumer(ctx.ticket.participantId, producerId);
    return {};
  },
};
