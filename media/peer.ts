/**
 * One participant's media inside a room: their WebRTC transports, producers and consumers.
 * A Peer knows nothing about policy; the Room asks it to do things only after checking.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { InvalidStateError, NotFoundError } from '../server/errors.js';
import type { ParticipantRole } from '../server/signaling/ports.js';
import type { types } from './mediasoup.js';
import { TRANSPORT_LIMITS } from './codecs.js';
import type { MediaKind } from './policy.js';

/** Where transports listen and which IP they announce. */
export interface ListenSettings {
  readonly listenIp: string;
  readonly announcedIp: string | undefined;
}

/** What a client needs to build its side of a transport (server address only, never a peer's). */
export interface TransportParams {
  readonly id: string;
  readonly iceParameters: types.IceParameters;
  readonly iceCandidates: types.IceCandidate[];
  readonly dtlsParameters: types.DtlsParameters;
}

/** What a client needs to build a consumer. */
export interface ConsumerParams {
  readonly id: string;
  readonly producerId: string;
  readonly kind: MediaKind;
  readonly rtpParameters: types.RtpParameters;
  readonly producerPaused: boolean;
}

/** Events of a peer, re-emitted by the room with the peer's id. */
export interface PeerEvents {
  /** A consumer closed because its producer went away. */
  consumerClosed: [{ consumerId: string; producerId: string }];
  /** The producer behind a consumer was paused or resumed (server-side or by its owner). */
  consumerPaused: [{ consumerId: string; producerId: string; paused: boolean }];
}

export class Peer extends EventEmitter<PeerEvents> {
  #closed = false;
  readonly transports = new Map<string, types.WebRtcTransport>();
  readonly producers = new Map<string, types.Producer>();
  readonly consumers = new Map<string, types.Consumer>();
  /** Set by the client once its device is loaded; needed before it can consume. */
  rtpCapabilities: types.RtpCapabilities | undefined;

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

  /** Creates a WebRTC transport on `router`. */
  async createTransport(router: types.Router, listen: ListenSettings, direction: 'send' | 'recv'): Promise<TransportParams> {
    this.#assertOpen();
    const transport = await router.createWebRtcTransport({
      listenIps: [{ ip: listen.listenIp, announcedIp: listen.announcedIp }],
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: TRANSPORT_LIMITS.initialAvailableOutgoingBitrate,
      appData: { peerId: this.id, direction },
    });
    if (direction === 'send') await transport.setMaxIncomingBitrate(TRANSPORT_LIMITS.maxIncomingBitrate);
    this.transports.set(transport.id, transport);
    transport.observer.once('close', () => this.transports.delete(transport.id));
    return { id: transport.id, iceParameters: transport.iceParameters, iceCandidates: transport.iceCandidates, dtlsParameters: transport.dtlsParameters };
  }

  transport(id: string): types.WebRtcTransport {
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

  async produce(transportId: string, kind: MediaKind, rtpParameters: types.RtpParameters): Promise<types.Producer> {
    const producer = await this.transport(transportId).produce({ kind, rtpParameters, appData: { peerId: this.id } });
    this.producers.set(producer.id, producer);
    producer.observer.once('close', () => this.producers.delete(producer.id));
    return producer;
  }

  producer(id: string): types.Producer {
    const p = this.producers.get(id);
    if (!p) throw new NotFoundError({ message: 'No such producer.', code: 'producer_not_found' });
    return p;
  }

  closeProducer(id: string): void {
    this.producer(id).close();
  }

  /** Creates a paused consumer of `producer`; the client resumes it once its track is ready. */
  async consume(router: types.Router, transportId: string, producer: types.Producer): Promise<ConsumerParams> {
    const transport = this.transport(transportId);
    const caps = this.rtpCapabilities;
    if (!caps || !router.canConsume({ producerId: producer.id, rtpCapabilities: caps })) {
      throw new InvalidStateError({ message: 'This device cannot receive that stream.', code: 'cannot_consume' });
    }
    const consumer = await transport.consume({ producerId: producer.id, rtpCapabilities: caps, paused: true, appData: { peerId: this.id } });
    this.consumers.set(consumer.id, consumer);
    const producerId = producer.id;
    consumer.observer.once('close', () => this.consumers.delete(consumer.id));
    consumer.on('producerclose', () => this.emit('consumerClosed', { consumerId: consumer.id, producerId }));
    consumer.on('producerpause', () => this.emit('consumerPaused', { consumerId: consumer.id, producerId, paused: true }));
    consumer.on('producerresume', () => this.emit('consumerPaused', { consumerId: consumer.id, producerId, paused: false }));
    return { id: consumer.id, producerId, kind: consumer.kind, rtpParameters: consumer.rtpParameters, producerPaused: consumer.producerPaused };
  }

  consumer(id: string): types.Consumer {
    const c = this.consumers.get(id);
    if (!c) throw new NotFoundError({ message: 'No such consumer.', code: 'consumer_not_found' });
    return c;
  }

  /** Closes every consumer of `producerId` (policy change); returns the closed consumer ids. */
  closeConsumersOf(producerId: string): string[] {
    const closed: string[] = [];
    for (const c of [...this.consumers.values()]) {
      if (c.producerId !== producerId) continue;
      c.close();
      closed.push(c.id);
    }
    return closed;
  }

  /** Drops every transport (and with them producers and consumers); the peer stays. */
  resetMedia(): void {
    for (const t of [...this.transports.values()]) t.close();
    this.transports.clear();
    this.producers.clear();
    this.consumers.clear();
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
