/**
 * A testimony room: one router on the least-loaded worker, its peers, the masking pipelines of the
 * witness's streams, and the consumers the policy gives each peer. The server decides what each
 * client receives: the room creates consumers itself and announces them (`newConsumer`); clients
 * never pick a producer to receive.
 */
import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { ForbiddenError, InvalidStateError, NotFoundError, ValidationError } from '../common/errors.js';
import type { MaskingMode, MediaKind, ParticipantRole, ProtectiveMeasure } from '../common/vocabulary.js';
import type { types } from './mediasoup.js';
import type { MaskingPipeline, MaskingStatus } from './masking/pipeline.js';
import { MaskingPipelines } from './masking/pipelines.js';
import type { MaskingTools } from './masking/processes.js';
import { Holds, type MediaState } from './holds.js';
import { Peer, type TransportParams } from './peer.js';
import { Speakers } from './speakers.js';
import { canPublish, maskingOrdered, needsMasking, type Listening } from './policy.js';
import { stillWanted, wantedBy, type RoomState, type Stream, type Wanted } from './wanted.js';
import type { RouterAppData, WorkerPool } from './workerPool.js';

/** A consumer as its client needs it: the stream's owner, its variant, and mediasoup's parameters. */
export interface ConsumerInfo {
  readonly id: string;
  readonly producerId: string;
  readonly kind: MediaKind;
  readonly rtpParameters: types.RtpParameters;
  readonly producerPaused: boolean;
  readonly participantId: string;
  readonly role: ParticipantRole;
  readonly displayName: string;
  readonly variant: 'raw' | 'masked';
  /** The operator's preview of what the accused receives. */
  readonly preview: boolean;
  /** Floor audio under the interpretation the participant listens to: play it quietly. */
  readonly ducked: boolean;
}

/** Room events; `to` is the participant the event concerns. */
export interface RoomEvents {
  newConsumer: [{ to: string; consumer: ConsumerInfo }];
  consumerClosed: [{ to: string; consumerId: string; producerId: string; reason: 'producerClosed' | 'policy' }];
  consumerPaused: [{ to: string; consumerId: string; producerId: string; paused: boolean }];
  producerPaused: [{ to: string; producerId: string; paused: boolean }];
  maskingStatus: [MaskingStatus];
  /** A participant muted or unmuted themselves, or a controller held or released them. */
  mediaState: [{ participantId: string }];
  /** Who is speaking now, for those who hear them. */
  activeSpeaker: [{ to: string; participantId: string }];
  /** The router was rebuilt on another worker: every client must set up its media again. */
  mediaReset: [];
  closed: [];
}

/** Settings of `Room.create()`. */
export interface RoomOptions {
  readonly sessionId: string;
  readonly measures: readonly ProtectiveMeasure[];
  readonly pool: WorkerPool;
  /** The masking processes; without them masked viewers receive nothing of the witness. */
  readonly masking: MaskingTools | undefined;
  readonly logger: Logger;
}

export type { MediaState };

/** A stream whose consumer a client failed to set up is offered again after this (times the failures in a row)... */
const REOFFER_MS = 1000;
/** ...at most this many times in a row for one stream and participant (later passes of the room still offer it). */
const REOFFERS = 5;

export class Room extends EventEmitter<RoomEvents> {
  #closed = false;
  #router: types.Router<RouterAppData>;
  #measures: readonly ProtectiveMeasure[];
  #suspended = false;
  #interpreters: ReadonlySet<string> | undefined;
  readonly #peers = new Map<string, Peer>();
  readonly #masking: MaskingPipelines;
  readonly #holds = new Holds();
  readonly #speakers = new Speakers((p) => this.#announceSpeaker(p));
  #dirty = false;
  #delivering: Promise<void> | undefined;
  readonly #log: Logger;

  private constructor(
    private readonly opts: RoomOptions,
    router: types.Router<RouterAppData>,
  ) {
    super();
    this.#router = router;
    this.#measures = opts.measures;
    this.#log = opts.logger.child({ module: 'room', sessionId: opts.sessionId });
    this.#masking = new MaskingPipelines(opts.masking, this.#log);
    this.#masking.on('changed', () => {
      // A masked producer that appeared during a hold or a mute must be paused as its source is.
      void this.#applyAllPauses().finally(() => this.#deliver());
    });
    this.#masking.on('status', (s) => this.emit('maskingStatus', s));
    this.#orderMasking();
  }

  /** Pipelines run for the disguises the measures order and stand by for the others. */
  #orderMasking(): void {
    this.#masking.setOrdered({ video: maskingOrdered(this.#measures, 'video'), audio: maskingOrdered(this.#measures, 'audio') });
  }

  /** Creates the room's router on the least-loaded worker. */
  static async create(opts: RoomOptions): Promise<Room> {
    const router = await opts.pool.createRouter();
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
  get router(): types.Router<RouterAppData> {
    return this.#router;
  }
  get rtpCapabilities(): types.RtpCapabilities {
    return this.#router.rtpCapabilities;
  }
  get measures(): readonly ProtectiveMeasure[] {
    return this.#measures;
  }
  get maskingMode(): MaskingMode {
    return this.#masking.mode;
  }
  get peers(): readonly Peer[] {
    return [...this.#peers.values()];
  }
  /** The status of every masking pipeline (for the operator). */
  get maskingStatuses(): MaskingStatus[] {
    return this.#masking.statuses;
  }
  /** Resolves once the consumers match the policy (no delivery pass running or pending). */
  async delivered(): Promise<void> {
    while (this.#delivering) await this.#delivering;
  }

  /** The pipeline disguising `rawProducerId` (tests kill its processes). */
  pipelineOf(rawProducerId: string): MaskingPipeline | undefined {
    return this.#masking.of(rawProducerId);
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
    const params = await peer.createTransport(this.#router, this.opts.pool.webRtcServerOf(this.#router), direction);
    if (direction === 'recv') this.#deliver();
    return params;
  }

  /** The peer's device is loaded: from now on it receives what the policy gives it. */
  setReceiving(peerId: string, rtpCapabilities: types.RtpCapabilities): void {
    this.peer(peerId).rtpCapabilities = rtpCapabilities;
    this.#deliver();
  }

  /** Publishes a track; the witness's tracks also get a masking pipeline. */
  async produce(peerId: string, transportId: string, kind: MediaKind, rtpParameters: types.RtpParameters): Promise<string> {
    const peer = this.peer(peerId);
    if (!canPublish(peer.role, kind)) throw new ForbiddenError({ message: 'Your role does not publish media.', code: 'publish_forbidden' });
    // mediasoup would take a video codec for an audio stream, which every viewer then fails to set up.
    if (!rtpParameters.codecs.every((c) => c.mimeType.toLowerCase().startsWith(`${kind}/`))) throw new ValidationError({ message: `Every codec of a ${kind} stream must be a ${kind} codec.`, code: 'codec_kind_mismatch' });
    const producer = await peer.produce(transportId, kind, rtpParameters);
    if (this.#holds.paused(peerId, kind)) await producer.pause();
    if (this.#holds.isHeld(peerId, kind)) this.emit('producerPaused', { to: peer.id, producerId: producer.id, paused: true });
    if (kind === 'audio') await this.#speakers.add(this.#router, producer);
    this.emit('mediaState', { participantId: peer.id });
    if (needsMasking(peer.role)) this.#masking.start(this.#router, peer.id, producer);
    producer.observer.once('close', () => this.#deliver());
    this.#deliver();
    return producer.id;
  }

  /**
   * A client asks again for `producerId` (e.g. after failing to set up its consumer): refused
   * unless the policy gives that very producer to the participant now.
   */
  requestConsumer(peerId: string, producerId: string): void {
    const peer = this.peer(peerId);
    if (!this.#wanted(peer).has(producerId)) {
      throw new ForbiddenError({ message: 'You may not receive this stream.', code: 'consume_forbidden' });
    }
    for (const c of peer.consumers.values()) if (c.producerId === producerId) this.#closeConsumer(peer, c, 'policy');
    this.#deliver();
  }

  /** The client has set up its side of `consumerId`: media starts, if still allowed. */
  async consumerReady(peerId: string, consumerId: string): Promise<void> {
    const peer = this.#peers.get(peerId);
    const consumer = peer?.consumers.get(consumerId);
    if (!peer || !consumer || consumer.closed) return;
    peer.failedOffers.delete(consumer.producerId);
    if (!stillWanted(this.#wanted(peer), consumer)) {
      this.#closeConsumer(peer, consumer, 'policy');
      return;
    }
    await consumer.resume();
  }

  /**
   * The client did not set up `consumerId`: it is closed. When the client refused or did not
   * answer in time (a busy browser), the stream is offered again a little later, up to
   * `REOFFERS` times in a row; not when the participant had no connection left to answer.
   */
  consumerFailed(peerId: string, consumerId: string, why: 'refused' | 'timeout' | 'gone'): void {
    const peer = this.#peers.get(peerId);
    const consumer = peer?.consumers.get(consumerId);
    if (!peer || !consumer) return;
    this.#closeConsumer(peer, consumer, 'policy');
    if (why === 'gone') return;
    const failures = (peer.failedOffers.get(consumer.producerId) ?? 0) + 1;
    peer.failedOffers.set(consumer.producerId, failures);
    const again = failures <= REOFFERS;
    this.#log.warn({ peerId, producerId: consumer.producerId, why, failures, again }, 'consumerFailed() the client did not set up a stream');
    if (again) setTimeout(() => !peer.closed && this.#deliver(), REOFFER_MS * failures).unref();
  }

  /** Pauses or resumes a producer server-side (and its masked variant): no packet of it reaches anyone meanwhile. */
  async setProducerPaused(producerId: string, paused: boolean): Promise<{ participantId: string; kind: MediaKind; paused: boolean }> {
    const { owner, producer } = this.#findProducer(producerId);
    this.#holds.setHeld(owner.id, producer.kind, paused);
    await this.#applyPause(owner, producer);
    this.emit('producerPaused', { to: owner.id, producerId, paused });
    this.emit('mediaState', { participantId: owner.id });
    return { participantId: owner.id, kind: producer.kind, paused };
  }

  /**
   * A participant mutes or unmutes their own `kind` (microphone, camera). Unmuting does not undo
   * a controller's hold: the stream stays paused until the controller resumes it.
   */
  async setOwnPaused(peerId: string, kind: MediaKind, paused: boolean): Promise<MediaState> {
    const peer = this.peer(peerId);
    this.#holds.setMuted(peerId, kind, paused);
    for (const producer of peer.producers.values()) if (producer.kind === kind) await this.#applyPause(peer, producer);
    this.emit('mediaState', { participantId: peerId });
    return this.mediaState(peerId)[kind];
  }

  /** What each participant sends, by kind (for the operator's list). */
  mediaState(participantId: string): Record<MediaKind, MediaState> {
    const producers = [...(this.#peers.get(participantId)?.producers.values() ?? [])];
    const state = (kind: MediaKind): MediaState => this.#holds.state(participantId, kind, producers.some((p) => p.kind === kind));
    return { audio: state('audio'), video: state('video') };
  }

  async #applyAllPauses(): Promise<void> {
    for (const peer of this.#peers.values()) for (const p of [...peer.producers.values()]) await this.#applyPause(peer, p).catch(() => undefined);
  }

  /** A producer (and its masked variant) is paused while held or muted, and only then. */
  async #applyPause(owner: Peer, producer: types.Producer): Promise<void> {
    const paused = this.#holds.paused(owner.id, producer.kind);
    const masked = this.#masking.maskedOf(producer.id);
    for (const p of [producer, masked]) {
      if (p && !p.closed && p.paused !== paused) await (paused ? p.pause() : p.resume());
    }
  }

  /** The dominant speaker is told to everyone who hears them (their raw or masked voice), and to themselves. */
  #announceSpeaker(producer: types.Producer): void {
    const owner = this.#peers.get((producer.appData as { peerId?: string }).peerId ?? '');
    if (!owner) return;
    const masked = this.#masking.maskedOf(producer.id)?.id;
    for (const peer of this.#peers.values()) {
      const wanted = this.#wanted(peer);
      if (peer === owner || wanted.has(producer.id) || (masked && wanted.has(masked))) this.emit('activeSpeaker', { to: peer.id, participantId: owner.id });
    }
  }

  /**
   * Applies new measures: consumers the policy now forbids close at once, before anything else
   * happens; the newly allowed variants are then created.
   */
  setMeasures(measures: readonly ProtectiveMeasure[]): void {
    this.#measures = [...measures];
    this.#orderMasking();
    const streams = this.#streams();
    for (const peer of this.#peers.values()) {
      const wanted = wantedBy(peer, streams, this.#state());
      for (const c of [...peer.consumers.values()]) if (!stillWanted(wanted, c)) this.#closeConsumer(peer, c, 'policy');
    }
    this.#deliver();
    this.#log.info({ measures: this.#measures }, 'setMeasures() applied');
  }

  /**
   * The requested authority suspended or resumed the hearing: while suspended, nobody outside
   * the witness's side receives their media (closed at once, like a measure).
   */
  get suspended(): boolean {
    return this.#suspended;
  }

  setSuspended(suspended: boolean): void {
    if (suspended === this.#suspended) return;
    this.#suspended = suspended;
    this.setMeasures(this.#measures);
  }

  /** Simultaneous interpretation by these participants, or none (consecutive counts as none). */
  setInterpretation(simultaneousInterpreters: readonly string[] | undefined): void {
    this.#interpreters = simultaneousInterpreters && simultaneousInterpreters.length > 0 ? new Set(simultaneousInterpreters) : undefined;
    this.setMeasures(this.#measures);
  }

  /** A participant chooses the floor or the interpretation. */
  setListening(peerId: string, listening: Listening): void {
    const peer = this.peer(peerId);
    if (peer.listening === listening) return;
    peer.listening = listening;
    this.setMeasures(this.#measures);
  }

  /**
   * Switches how the witness's video is disguised: the masking processes restart in the new mode,
   * so the masked producer closes and masked viewers get a new one a moment later.
   */
  setMaskingMode(mode: MaskingMode): void {
    this.#masking.setMode(mode);
  }

  /** Builds a fresh router (after its worker died); every peer's media must be set up again. */
  async rebuild(): Promise<void> {
    this.#assertOpen();
    this.#masking.closeAll();
    this.#speakers.reset();
    for (const peer of this.#peers.values()) peer.resetMedia();
    if (!this.#router.closed) this.#router.close();
    this.#router = await this.opts.pool.createRouter();
    this.#log.warn({ routerId: this.#router.id }, 'rebuildRoom() router replaced');
    this.emit('mediaReset');
  }

  /** Closes every peer, pipeline and the router. Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#masking.closeAll();
    for (const id of [...this.#peers.keys()]) this.removePeer(id);
    this.#router.close();
    this.#log.info('closeRoom() closed');
    this.emit('closed');
  }

  #streams(): Stream[] {
    const out: Stream[] = [];
    for (const peer of this.#peers.values()) {
      for (const raw of peer.producers.values()) {
        out.push({ ownerId: peer.id, ownerRole: peer.role, raw, masked: this.#masking.maskedOf(raw.id) });
      }
    }
    return out;
  }

  /**
   * Brings every peer's consumers in line with the policy, one pass at a time (passes never
   * overlap; a change during a pass schedules another).
   */
  #deliver(): void {
    this.#dirty = true;
    // A change that lands after the last pass ended but before it was forgotten starts another.
    this.#delivering ??= this.#deliverAll().finally(() => {
      this.#delivering = undefined;
      if (this.#dirty && !this.#closed) this.#deliver();
    });
  }

  async #deliverAll(): Promise<void> {
    while (this.#dirty && !this.#closed) {
      this.#dirty = false;
      for (const peer of [...this.#peers.values()]) {
        try {
          await this.#deliverTo(peer);
        } catch (err) {
          this.#log.warn({ err, peerId: peer.id }, 'deliver() failed for a participant');
        }
      }
    }
  }

  async #deliverTo(peer: Peer): Promise<void> {
    if (!peer.receiving) return;
    const wanted = this.#wanted(peer);
    for (const c of [...peer.consumers.values()]) if (!stillWanted(wanted, c)) this.#closeConsumer(peer, c, 'policy');
    for (const producerId of [...peer.failedOffers.keys()]) if (!wanted.has(producerId)) peer.failedOffers.delete(producerId);
    const have = new Set([...peer.consumers.values()].map((c) => c.producerId));
    for (const want of wanted.values()) {
      if (have.has(want.producer.id)) continue;
      const consumer = await peer.consume(this.#router, want.producer, { variant: want.variant, sourceProducerId: want.stream.raw.id, preview: want.preview, ducked: want.ducked });
      if (!consumer) continue;
      // The measures, the streams or the peer may have changed while the worker created it.
      if (this.#closed || peer.closed || !stillWanted(this.#wanted(peer), consumer)) {
        consumer.close();
        continue;
      }
      this.emit('newConsumer', { to: peer.id, consumer: this.#info(want, consumer) });
    }
  }

  #info(want: Wanted, consumer: types.Consumer): ConsumerInfo {
    const owner = this.#peers.get(want.stream.ownerId);
    return {
      id: consumer.id,
      producerId: consumer.producerId,
      kind: consumer.kind,
      rtpParameters: consumer.rtpParameters,
      producerPaused: consumer.producerPaused,
      participantId: want.stream.ownerId,
      role: want.stream.ownerRole,
      displayName: owner?.displayName ?? '',
      variant: want.variant,
      preview: want.preview,
      ducked: want.ducked,
    };
  }

  #state(): RoomState {
    return { measures: this.#measures, suspended: this.#suspended, simultaneousInterpreters: this.#interpreters };
  }

  #wanted(peer: Peer): Map<string, Wanted> {
    return wantedBy(peer, this.#streams(), this.#state());
  }

  #closeConsumer(peer: Peer, consumer: types.Consumer, reason: 'policy'): void {
    consumer.close();
    this.emit('consumerClosed', { to: peer.id, consumerId: consumer.id, producerId: consumer.producerId, reason });
  }

  #findProducer(producerId: string): { owner: Peer; producer: types.Producer } {
    for (const owner of this.#peers.values()) {
      const producer = owner.producers.get(producerId);
      if (producer) return { owner, producer };
    }
    throw new NotFoundError({ message: 'No such producer.', code: 'producer_not_found' });
  }

  #assertOpen(): void {
    if (this.#closed) throw new InvalidStateError({ message: 'The room is closed.', code: 'room_closed' });
  }
}
