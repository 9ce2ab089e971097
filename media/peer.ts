/**
 * One participant's media inside a room: at most one send and one receive WebRTC transport, at
 * most one producer per kind, and the consumers the room decided to give them. A Peer knows
 * nothing about policy; the Room asks it to do things only after checking.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { InvalidStateError, NotFoundError } from '../common/errors.js';
import type { MediaKind, ParticipantRole } from '../common/vocabulary.js';
import type { types } from './mediasoup.js';
import { TRANSPORT_LIMITS } from './codecs.js';
import type { Listening } from './policy.js';

/** What a client needs to build its side of a transport (server address only, never a peer's). */
export interface TransportParams {
  readonly id: string;
  readonly iceParameters: types.IceParameters;
  readonly iceCandidates: types.IceCandidate[];
  readonly dtlsParameters: types.DtlsParameters;
}

/** What every transport and producer of a peer carries in its appData. */
export interface PeerAppData extends types.AppData {
  readonly peerId: string;
}
interface TransportAppData extends PeerAppData {
  readonly direction: 'send' | 'recv';
}
/** Which variant of whose stream a consumer is. */
export interface ConsumerMeta {
  readonly variant: 'raw' | 'masked';
  readonly sourceProducerId: string;
  readonly preview: boolean;
  /** Floor audio played quietly under the interpretation the peer chose. */
  readonly ducked: boolean;
}
/** What a consumer carries in its appData. */
export type ConsumerAppData = PeerAppData & ConsumerMeta;

/** Events of a peer, re-emitted by the room with the peer's id. */
export interface PeerEvents {
  /** A consumer closed because its producer went away. */
  consumerClosed: [{ consumerId: string; producerId: string }];
  /** The producer behind a consumer was paused or resumed (server-side or by its owner). */
  consumerPaused: [{ consumerId: string; producerId: string; paused: boolean }];
}

export class Peer extends EventEmitter<PeerEvents> {
  #closed = false;
  readonly transports = new Map<string, types.WebRtcTransport<TransportAppData>>();
  readonly producers = new Map<string, types.Producer<PeerAppData>>();
  readonly consumers = new Map<string, types.Consumer<ConsumerAppData>>();
  /** Set by the client once its device is loaded; needed before it can receive. */
  rtpCapabilities: types.RtpCapabilities | undefined;
  /** What the participant listens to under simultaneous interpretation. */
  listening: Listening = 'floor';
  /** Per producer, the consumers of it offered in a row that the client did not set up (until one it did). */
  readonly failedOffers = new Map<string, number>();

  constructor(
    readonly id: string,
    readonly role: ParticipantRole,
    readonly displayName: string,
    private readonly log: Logger,
  ) {
    super();
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** The open transport of `direction`, if any. */
  transportFor(direction: 'send' | 'recv'): types.WebRtcTransport<TransportAppData> | undefined {
    return [...this.transports.values()].find((t) => t.appData.direction === direction && !t.closed);
  }

  /**
   * Creates a WebRTC transport on `router`, listening on its worker's shared `webRtcServer`. A
   * peer has one transport per direction: a new one replaces the old (with what it carried).
   */
  async createTransport(router: types.Router, webRtcServer: types.WebRtcServer, direction: 'send' | 'recv'): Promise<TransportParams> {
    this.#assertOpen();
    this.transportFor(direction)?.close();
    const transport = await router.createWebRtcTransport<TransportAppData>({
      webRtcServer,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: TRANSPORT_LIMITS.initialAvailableOutgoingBitrate,
      appData: { peerId: this.id, direction },
    });
    if (this.#closed) {
      transport.close();
      this.#assertOpen();
    }
    if (direction === 'send') await transport.setMaxIncomingBitrate(TRANSPORT_LIMITS.maxIncomingBitrate);
    this.transports.set(transport.id, transport);
    transport.observer.once('close', () => this.transports.delete(transport.id));
    return { id: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters };
  }

  transport(id: string): types.WebRtcTransport<TransportAppData> {
    const t = this.transports.get(id);
    if (!t) throw new NotFoundError({ message: 'No such transport.', code: 'transport_not_found' });
    return t;
  }

  async connectTransport(id: string, dtlsParameters: types.DtlsParameters): Promise<void> {
    await this.transport(id).connect({ dtlsParameters });
  }

  /** New ICE credentials for a transport whose connection failed or dropped. */
  async restartIce(id: string): Promise<types.IceParameters> {
    return this.transport(id).restartIce();
  }

  /** Publishes on the send transport `transportId`; a second producer of a kind replaces the first. */
  async produce(transportId: string, kind: MediaKind, rtpParameters: types.RtpParameters): Promise<types.Producer<PeerAppData>> {
    const transport = this.transport(transportId);
    if (transport.appData.direction !== 'send') throw new InvalidStateError({ message: 'Publish on your sending transport.', code: 'wrong_transport' });
    const producer = await transport.produce<PeerAppData>({ kind, rtpParameters, appData: { peerId: this.id } });
    for (const old of this.producers.values()) if (old.kind === kind) old.close();
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
    return producer;
  }

  producer(id: string): types.Producer<PeerAppData> {
    const p = this.producers.get(id);
    if (!p) throw new NotFoundError({ message: 'No such producer.', code: 'producer_not_found' });
    return p;
  }

  closeProducer(id: string): void {
    this.producer(id).close();
  }

  /** Whether the peer can receive: device loaded and a receive transport. */
  get receiving(): boolean {
    return !this.#closed && this.rtpCapabilities !== undefined && this.transportFor('recv') !== undefined;
  }

  /**
   * Creates a paused consumer of `producer` on the receive transport; the room resumes it once
   * the client has set up its side. Undefined when this device cannot decode the stream.
   */
  async consume(router: types.Router, producer: types.Producer, meta: ConsumerMeta): Promise<types.Consumer<ConsumerAppData> | undefined> {
    const transport = this.transportFor('recv');
    const caps = this.rtpCapabilities;
    if (!transport || !caps || !router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) return undefined;
    const consumer = await transport.consume<ConsumerAppData>({ producerId: producer.id, rtpCapabilities: caps, paused: true, appData: { ...meta, peerId: this.id } });
    this.consumers.set(consumer.id, consumer);
    const producerId = producer.id;
    consumer.observer.once('close', () => this.consumers.delete(consumer.id));
    consumer.on('producerclose', () => this.emit('consumerClosed', { consumerId: consumer.id, producerId }));
    consumer.on('producerpause', () => this.emit('consumerPaused', { consumerId: consumer.id, producerId, paused: true }));
    consumer.on('producerresume', () => this.emit('consumerPaused', { consumerId: consumer.id, producerId, paused: false }));
    return consumer;
  }

  /** Drops every transport (and with them producers and consumers); the peer stays. */
  resetMedia(): void {
    for (const t of [...this.transports.values()]) t.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
    this.failedOffers.clear();
  }

  /** Closes all media. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.resetMedia();
    this.log.debug({ peerId: this.id }, 'closePeer() closed');
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError({ message: 'This participant has left the room.', code: 'peer_closed' });
  }
}
