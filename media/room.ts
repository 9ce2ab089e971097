/**
 * A testimony room: one router on the least-loaded worker, its peers, and the media policy
 * applied to every consume request and every change of protective measures.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { ForbiddenError, InvalidStateError, NotFoundError } from '../server/errors.js';
import type { ParticipantRole, ProtectiveMeasure } from '../server/signaling/ports.js';
import type { types } from './mediasoup.js';
import { Peer, type ConsumerParams, type ListenSettings, type TransportParams } from './peer.js';
import { canConsume, canPublish, type MediaKind } from './policy.js';
import type { WorkerPool } from './workerPool.js';

/** A producer as other participants see it: no addresses, only who and what. */
export interface ProducerInfo {
  readonly producerId: string;
  readonly participantId: string;
  readonly role: ParticipantRole;
  readonly displayName: string;
  readonly kind: MediaKind;
  readonly paused: boolean;
}

/** Room events; `to` is the participant the event concerns. */
export interface RoomEvents {
  newProducer: [{ to: string; producer: ProducerInfo }];
  consumerClosed: [{ to: string; consumerId: string; producerId: string; reason: 'producerClosed' | 'policy' }];
  consumerPaused: [{ to: string; consumerId: string; producerId: string; paused: boolean }];
  producerPaused: [{ to: string; producerId: string; paused: boolean }];
  /** The router was rebuilt on another worker: every client must set up its media again. */
  mediaReset: [];
  closed: [];
}

/** Settings of `Room.create()`. */
export interface RoomOptions {
  readonly sessionId: string;
  readonly measures: readonly ProtectiveMeasure[];
  readonly pool: WorkerPool;
  readonly listen: ListenSettings;
  readonly logger: Logger;
}

export class Room extends EventEmitter<RoomEvents> {
  #closed = false;
  #router: types.Router;
  #measures: readonly ProtectiveMeasure[];
  readonly #peers = new Map<string, Peer>();
  /**
   * Kinds a controller paused, per participant: a stream published again (after closing it,
   * reconnecting or a room rebuild) starts paused too, so a participant cannot undo the pause.
   */
  readonly #held = new Map<string, Set<MediaKind>>();
  readonly #log: Logger;

  private constructor(
    private readonly opts: RoomOptions,
    router: types.Router,
  ) {
    super();
    this.#router = router;
    this.#measures = opts.measures;
    this.#log = opts.logger.child({ module: 'room', sessionId: opts.sessionId });
  }

  /** Creates the room's router on the least-loaded worker. */
  static async create(opts: RoomOptions): Promise<Room> {
    const router = await opts.pool.createRouter({ sessionId: opts.sessionId });
    const room = new Room(opts, router);
    room.#log.info({ routerId: router.id }, 'createRoom() ready');
    return room;
  }

  get sessionId(): string {
    return this.opts.sessionId;
  }
  get closed(): boolean {
    return this.#closed;
  }
  get router(): types.Router {
    return this.#router;
  }
  get rtpCapabilities(): types.RtpCapabilities {
    return this.#router.rtpCapabilities;
  }
  get measures(): readonly ProtectiveMeasure[] {
    return this.#measures;
  }
  get peers(): readonly Peer[] {
    return [...this.#peers.values()];
  }

  /** Adds a participant's media presence; a reconnecting participant replaces their old one. */
  addPeer(id: string, role: ParticipantRole, displayName: string): Peer {
    this.#assertOpen();
    this.removePeer(id);
    const peer = new Peer(id, role, displayName, this.#log);
    peer.on('consumerClosed', (e) => this.emit('consumerClosed', { to: id, ...e, reason: 'producerClosed' }));
    peer.on('consumerPaused', (e) => this.emit('consumerPaused', { to: id, ...e }));
    this.#peers.set(id, peer);
    return peer;
  }

  /** Closes a participant's media (their producers' consumers close with them). */
  removePeer(id: string): void {
    const peer = this.#peers.get(id);
    if (!peer) return;
    this.#peers.delete(id);
    peer.close();
  }

  peer(id: string): Peer {
    const p = this.#peers.get(id);
    if (!p || p.closed) throw new InvalidStateError({ message: 'Join the room first.', code: 'not_joined' });
    return p;
  }

  async createTransport(peerId: string, direction: 'send' | 'recv'): Promise<TransportParams> {
    const peer = this.peer(peerId);
    if (direction === 'send' && !canPublish(peer.role, 'audio')) {
      throw new ForbiddenError({ message: 'Your role does not publish media.', code: 'publish_forbidden' });
    }
    return peer.createTransport(this.#router, this.opts.listen, direction);
  }

  /** Publishes a track and offers it to everyone the policy allows. */
  async produce(peerId: string, transportId: string, kind: MediaKind, rtpParameters: types.RtpParameters): Promise<string> {
    const peer = this.peer(peerId);
    if (!canPublish(peer.role, kind)) throw new ForbiddenError({ message: 'Your role does not publish media.', code: 'publish_forbidden' });
    const producer = await peer.produce(transportId, kind, rtpParameters);
    if (this.#held.get(peerId)?.has(kind)) {
      await producer.pause();
      this.emit('producerPaused', { to: peer.id, producerId: producer.id, paused: true });
    }
    const info = this.#info(peer, producer);
    for (const other of this.#peers.values()) {
      if (other !== peer && this.#allowed(other, info)) this.emit('newProducer', { to: other.id, producer: info });
    }
    return producer.id;
  }

  /** Consumes a producer if, and only if, the policy allows it now. */
  async consume(peerId: string, transportId: string, producerId: string): Promise<ConsumerParams> {
    const peer = this.peer(peerId);
    const { owner, producer } = this.#findProducer(producerId);
    if (owner === peer || !this.#allowed(peer, this.#info(owner, producer))) {
      throw new ForbiddenError({ message: 'You may not receive this stream.', code: 'consume_forbidden' });
    }
    return peer.consume(this.#router, transportId, producer);
  }

  /** Everything `peerId` may receive now. */
  producersFor(peerId: string): ProducerInfo[] {
    const peer = this.peer(peerId);
    const out: ProducerInfo[] = [];
    for (const owner of this.#peers.values()) {
      if (owner === peer) continue;
      for (const p of owner.producers.values()) {
        const info = this.#info(owner, p);
        if (this.#allowed(peer, info)) out.push(info);
      }
    }
    return out;
  }

  /** Pauses or resumes a producer server-side: no packet of it reaches anyone meanwhile. */
  async setProducerPaused(producerId: string, paused: boolean): Promise<ProducerInfo> {
    const { owner, producer } = this.#findProducer(producerId);
    const held = this.#held.get(owner.id) ?? new Set<MediaKind>();
    if (paused) held.add(producer.kind);
    else held.delete(producer.kind);
    this.#held.set(owner.id, held);
    if (paused) await producer.pause();
    else await producer.resume();
    this.emit('producerPaused', { to: owner.id, producerId, paused });
    return this.#info(owner, producer);
  }

  /** Applies new measures: consumers the policy now forbids close at once; newly allowed streams are offered. */
  setMeasures(measures: readonly ProtectiveMeasure[]): void {
    this.#measures = [...measures];
    for (const peer of this.#peers.values()) {
      for (const consumer of [...peer.consumers.values()]) {
        const found = this.#ownerOf(consumer.producerId);
        if (found && this.#allowed(peer, this.#info(found.owner, found.producer))) continue;
        consumer.close();
        this.emit('consumerClosed', { to: peer.id, consumerId: consumer.id, producerId: consumer.producerId, reason: 'policy' });
      }
      const consuming = new Set([...peer.consumers.values()].map((c) => c.producerId));
      for (const info of this.producersFor(peer.id)) {
        if (!consuming.has(info.producerId)) this.emit('newProducer', { to: peer.id, producer: info });
      }
    }
    this.#log.info({ measures: this.#measures }, 'setMeasures() applied');
  }

  /** Builds a fresh router (after its worker died); every peer's media must be set up again. */
  async rebuild(): Promise<void> {
    this.#assertOpen();
    for (const peer of this.#peers.values()) peer.resetMedia();
    if (!this.#router.closed) this.#router.close();
    this.#router = await this.opts.pool.createRouter({ sessionId: this.opts.sessionId });
    this.#log.warn({ routerId: this.#router.id }, 'rebuildRoom() router replaced');
    this.emit('mediaReset');
  }

  /** Closes every peer and the router. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const id of [...this.#peers.keys()]) this.removePeer(id);
    this.#router.close();
    this.#log.info('closeRoom() closed');
    this.emit('closed');
  }

  #allowed(consumer: Peer, info: ProducerInfo): boolean {
    return canConsume({ consumerRole: consumer.role, producerRole: info.role, kind: info.kind, measures: this.#measures });
  }

  #info(owner: Peer, p: types.Producer): ProducerInfo {
    return { producerId: p.id, participantId: owner.id, role: owner.role, displayName: owner.displayName, kind: p.kind, paused: p.paused };
  }

  #ownerOf(producerId: string): { owner: Peer; producer: types.Producer } | undefined {
    for (const owner of this.#peers.values()) {
      const producer = owner.producers.get(producerId);
      if (producer) return { owner, producer };
    }
    return undefined;
  }

  #findProducer(producerId: string): { owner: Peer; producer: types.Producer } {
    const found = this.#ownerOf(producerId);
    if (!found) throw new NotFoundError({ message: 'No such producer.', code: 'producer_not_found' });
    return found;
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError({ message: 'The room is closed.', code: 'room_closed' });
  }
}
