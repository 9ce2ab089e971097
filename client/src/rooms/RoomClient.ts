/**
 * A framework-free client for a live testimony room: connects to `/rooms`, waits in the lobby,
 * sets up mediasoup-client transports, publishes local tracks, receives what the server allows,
 * and repairs itself (ICE restart, media reset after a server-side rebuild, socket reconnect).
 */
import { Device, type types } from 'mediasoup-client';
import type {
  Admission,
  ConsumerView,
  MaskingStatusView,
  ParticipantStatsView,
  ParticipantView,
  RequestName,
  ResponseData,
  SessionInfo,
} from '../../../server/signaling/contract.js';
import type { ParticipantRole } from '../../../common/vocabulary.js';
import type { HearingState } from '../../../server/signaling/ports.js';
import { TypedEmitter } from './emitter.js';
import { deviceKey } from './deviceKey.js';
import { connectSocket, request, RoomRequestError, type RequestInput, type RoomSocket } from './signaling.js';

export { RoomRequestError };
export type { Admission, HearingState, MaskingStatusView, ParticipantStatsView, ParticipantView, SessionInfo };

/** A stream received from another participant. */
export interface RemoteMedia {
  readonly consumerId: string;
  readonly producerId: string;
  readonly participantId: string;
  readonly role: ParticipantRole;
  readonly displayName: string;
  readonly kind: 'audio' | 'video';
  readonly track: MediaStreamTrack;
  /** True while the server (operator) or the publisher has paused the stream. */
  readonly paused: boolean;
  /** `masked`: disguised by the server (face hidden, voice shifted). */
  readonly variant: 'raw' | 'masked';
  /** The operator's preview of what the accused receives. */
  readonly preview: boolean;
  /** Floor audio while listening to the interpretation: play it quietly (about 15 %). */
  readonly ducked: boolean;
}

/** Events of a RoomClient. */
export type RoomClientEvents = {
  admission: [Admission];
  session: [SessionInfo];
  participants: [ParticipantView[]];
  telemetry: [{ at: string; participants: ParticipantStatsView[] }];
  /** Operators: the masking of one of the witness's streams changed. */
  maskingStatus: [MaskingStatusView];
  /** Who is speaking now (among those this client hears). */
  activeSpeaker: [{ participantId: string }];
  remoteAdded: [RemoteMedia];
  remoteRemoved: [{ consumerId: string; producerId: string; reason: 'producerClosed' | 'policy' | 'reset' }];
  remotePaused: [RemoteMedia];
  /** One of this client's own producers was paused or resumed by the server. */
  localPaused: [{ producerId: string; kind: 'audio' | 'video'; paused: boolean }];
  /** Media is being set up again (server rebuilt the room, or the socket reconnected). */
  mediaReset: [];
  /** A media transport's connection state changed (`connected`, `disconnected`, `failed`, …). */
  transportState: [{ direction: 'send' | 'recv'; state: string }];
  /** A failed or disconnected transport was given new ICE credentials by the server. */
  iceRestarted: [{ direction: 'send' | 'recv' }];
  /** The session ended, or this participant was denied or removed: the client is closed. */
  closed: [{ reason: 'ended' | 'denied' | 'removed' | 'disconnected' | 'local' }];
  error: [Error];
  /** The hearing's state changed (identity gate, oath, suspension, interpretation). */
  hearing: [HearingState];
  /** The server is about to cut this user's connection: the token expired or the account changed. */
  signedOut: [{ code: 'token_expired' | 'account_changed' }];
};

/** Options of `RoomClient.connect()`. */
export interface RoomClientOptions {
  /** Origin of the service, e.g. `https://court.example` (default: the page's origin). */
  readonly origin?: string;
  /** A user JWT (then `sessionId` is required) or an invitation token. */
  readonly token: string;
  readonly sessionId?: string;
  /** Sent with an invitation (default: this tab's own key, see deviceKey.ts). */
  readonly deviceKey?: string;
}

interface Remote {
  consumer: types.Consumer;
  info: ConsumerView;
}

export class RoomClient extends TypedEmitter<RoomClientEvents> {
  #closed = false;
  #joined = false;
  #self: ResponseData['hello'];
  #device: Device | undefined;
  #send: types.Transport | undefined;
  #recv: types.Transport | undefined;
  readonly #tracks = new Map<'audio' | 'video', MediaStreamTrack>();
  readonly #producers = new Map<'audio' | 'video', types.Producer>();
  readonly #remotes = new Map<string, Remote>();
  /** Consumers announced by the server whose set-up has not finished yet. */
  readonly #settingUp = new Set<string>();
  /** Of those, the ones the server closed meanwhile: never shown. */
  readonly #closedEarly = new Set<string>();
  /** Of those, whether their producer was paused or resumed meanwhile (the latest word). */
  readonly #pausedEarly = new Map<string, boolean>();
  /** Media set-up steps run one at a time so resets and new streams cannot interleave. */
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly socket: RoomSocket,
    hello: ResponseData['hello'],
  ) {
    super();
    this.#self = hello;
    this.#listen();
  }

  /** Connects and greets the room; rejects with RoomRequestError when the handshake is refused. */
  static async connect(opts: RoomClientOptions): Promise<RoomClient> {
    const auth = { token: opts.token, deviceKey: opts.deviceKey ?? deviceKey(), ...(opts.sessionId ? { sessionId: opts.sessionId } : {}) };
    const socket = await connectSocket(opts.origin ?? location.origin, auth);
    try {
      return new RoomClient(socket, await request(socket, 'hello', {}));
    } catch (err) {
      socket.close();
      throw err;
    }
  }

  get participantId(): string {
    return this.#self.participantId;
  }
  get role(): ParticipantRole {
    return this.#self.role;
  }
  get displayName(): string {
    return this.#self.displayName;
  }
  get admission(): Admission {
    return this.#self.admission;
  }
  get session(): SessionInfo {
    return this.#self.session;
  }
  get closed(): boolean {
    return this.#closed;
  }
  /** Streams currently received. */
  get remotes(): RemoteMedia[] {
    return [...this.#remotes.values()].map((r) => this.#view(r));
  }
  /** Ids of this client's own producers by kind. */
  get producerIds(): Partial<Record<'audio' | 'video', string>> {
    return Object.fromEntries([...this.#producers].map(([k, p]) => [k, p.id]));
  }

  /** Resolves once admitted; rejects if denied, removed or closed first. */
  waitUntilAdmitted(): Promise<void> {
    if (this.admission === 'admitted') return Promise.resolve();
    return new Promise((resolve, reject) => {
      const offA = this.on('admission', (a) => {
        if (a !== 'admitted') return;
        offA();
        offC();
        resolve();
      });
      const offC = this.on('closed', ({ reason }) => {
        offA();
        offC();
        reject(new RoomRequestError(reason, `The room closed (${reason}).`));
      });
    });
  }

  /** Enters the room's media (after admission): receives every stream the server allows. */
  join(): Promise<void> {
    return this.#serial(async () => {
      if (!this.#device) {
        const { rtpCapabilities } = await this.request('getRouterRtpCapabilities', {});
        const device = new Device();
        await device.load({ routerRtpCapabilities: rtpCapabilities as unknown as types.RtpCapabilities });
        this.#device = device;
      }
      await this.#setUpMedia();
      this.#joined = true;
    });
  }

  /** Publishes the audio and video tracks of `stream` (kept and re-published after a reset). */
  publish(stream: MediaStream): Promise<void> {
    return this.#serial(async () => {
      for (const track of stream.getTracks()) {
        const kind = track.kind === 'audio' ? 'audio' : 'video';
        this.#tracks.set(kind, track);
        await this.#produce(kind, track);
      }
    });
  }

  /**
   * Mutes or unmutes this client's own microphone or camera: the server pauses the stream for
   * everyone (and tells the operator), which a local pause alone would not. A controller's hold
   * stays in force through an unmute.
   */
  async setMediaPaused(kind: 'audio' | 'video', paused: boolean): Promise<'live' | 'muted' | 'held' | 'none'> {
    const producer = this.#producers.get(kind);
    if (producer) {
      if (paused) producer.pause();
      else producer.resume();
    }
    return (await this.request('setOwnMedia', { kind, paused })).state;
  }

  /** Switches the camera or microphone being sent (device choice) without setting media up again. */
  replaceTrack(track: MediaStreamTrack): Promise<void> {
    return this.#serial(async () => {
      const kind = track.kind === 'audio' ? 'audio' : 'video';
      this.#tracks.set(kind, track);
      const producer = this.#producers.get(kind);
      if (producer && !producer.closed) await producer.replaceTrack({ track });
      else await this.#produce(kind, track);
    });
  }

  /** Sends any request of the contract (operator controls included) and returns its data. */
  request<K extends RequestName>(name: K, payload: RequestInput<K>): Promise<ResponseData[K]> {
    return request(this.socket, name, payload);
  }

  /** RTCStatsReport of a received stream (for quality displays and tests). */
  async consumerStats(consumerId: string): Promise<RTCStatsReport | undefined> {
    return this.#remotes.get(consumerId)?.consumer.getStats();
  }

  /** Leaves the room. Idempotent. */
  close(): void {
    this.#shutdown('local');
  }

  #serial<T>(step: () => Promise<T>): Promise<T> {
    const run = this.#queue.then(step, step);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Enters the room's media; once the receive transport exists the server sends its streams (newConsumer). */
  async #setUpMedia(): Promise<void> {
    const device = this.#device!;
    await this.request('join', { rtpCapabilities: device.rtpCapabilities as unknown as Record<string, unknown> & { codecs: [] } });
    this.#recv = await this.#createTransport('recv');
    for (const [kind, track] of this.#tracks) await this.#produce(kind, track);
  }

  async #createTransport(direction: 'send' | 'recv'): Promise<types.Transport> {
    const params = await this.request('createTransport', { direction });
    const options = {
      id: params.id,
      iceParameters: params.iceParameters as unknown as types.IceParameters,
      iceCandidates: params.iceCandidates as unknown as types.IceCandidate[],
      dtlsParameters: params.dtlsParameters as unknown as types.DtlsParameters,
    };
    const transport = direction === 'send' ? this.#device!.createSendTransport(options) : this.#device!.createRecvTransport(options);
    transport.on('connect', ({ dtlsParameters }, ok, fail) => {
      this.request('connectTransport', { transportId: transport.id, dtlsParameters: dtlsParameters as never }).then(() => ok(), fail);
    });
    transport.on('produce', ({ kind, rtpParameters }, ok, fail) => {
      this.request('produce', { transportId: transport.id, kind, rtpParameters: rtpParameters as never }).then(({ producerId }) => ok({ id: producerId }), fail);
    });
    transport.on('connectionstatechange', (state) => this.#onConnectionState(transport, direction, state));
    return transport;
  }

  /** A failed (or lasting disconnected) transport gets new ICE credentials from the server. */
  #onConnectionState(transport: types.Transport, direction: 'send' | 'recv', state: string): void {
    this.emit('transportState', { direction, state });
    if (state !== 'failed' && state !== 'disconnected') return;
    const restart = () => {
      if (transport.closed || (transport.connectionState !== 'failed' && transport.connectionState !== 'disconnected')) return;
      this.request('restartIce', { transportId: transport.id })
        .then(({ iceParameters }) => transport.restartIce({ iceParameters: iceParameters as unknown as types.IceParameters }))
        .then(() => this.emit('iceRestarted', { direction }))
        .catch((err: unknown) => this.emit('error', err instanceof Error ? err : new Error(String(err))));
    };
    if (state === 'failed') restart();
    else setTimeout(restart, 2000);
  }

  async #produce(kind: 'audio' | 'video', track: MediaStreamTrack): Promise<void> {
    if (!this.#send || this.#send.closed) this.#send = await this.#createTransport('send');
    this.#producers.get(kind)?.close();
    // The track outlives its producer so it can be re-published after a reset.
    const producer = await this.#send.produce({ track, stopTracks: false });
    this.#producers.set(kind, producer);
  }

  /** Sets up a stream the server gave; the server starts its media once this resolves. */
  async #consume(info: ConsumerView): Promise<void> {
    if (this.#closedEarly.delete(info.id)) return;
    const recv = this.#recv;
    if (!recv || recv.closed) throw new Error('a stream arrived before the receive transport');
    const consumer = await recv.consume({ id: info.id, producerId: info.producerId, kind: info.kind, rtpParameters: info.rtpParameters as unknown as types.RtpParameters });
    // The server may have closed it while the client set it up.
    if (this.#closedEarly.delete(info.id)) {
      consumer.close();
      return;
    }
    if (this.#pausedEarly.get(info.id) ?? info.producerPaused) consumer.pause();
    const remote: Remote = { consumer, info };
    this.#remotes.set(consumer.id, remote);
    this.emit('remoteAdded', this.#view(remote));
  }

  #view(r: Remote): RemoteMedia {
    const { consumer, info } = r;
    return {
      consumerId: consumer.id,
      producerId: info.producerId,
      participantId: info.participantId,
      role: info.role,
      displayName: info.displayName,
      kind: consumer.kind,
      track: consumer.track,
      paused: consumer.paused,
      variant: info.variant,
      preview: info.preview,
      ducked: info.ducked,
    };
  }

  #dropRemote(consumerId: string, reason: 'producerClosed' | 'policy' | 'reset'): void {
    const r = this.#remotes.get(consumerId);
    if (!r) {
      if (this.#settingUp.has(consumerId)) this.#closedEarly.add(consumerId);
      return;
    }
    this.#remotes.delete(consumerId);
    r.consumer.close();
    this.emit('remoteRemoved', { consumerId, producerId: r.info.producerId, reason });
  }

  /** Drops every transport and sets media up again (server rebuilt the room or socket reconnected). */
  #resetMedia(): Promise<void> {
    return this.#serial(async () => {
      if (!this.#joined || this.#closed) return;
      this.emit('mediaReset');
      for (const id of [...this.#remotes.keys()]) this.#dropRemote(id, 'reset');
      this.#producers.clear();
      this.#send?.close();
      this.#recv?.close();
      this.#send = this.#recv = undefined;
      await this.#setUpMedia();
    });
  }

  #listen(): void {
    const s = this.socket;
    const fail = (err: unknown) => this.emit('error', err instanceof Error ? err : new Error(String(err)));
    s.on('admission', ({ admission }) => {
      this.#self = { ...this.#self, admission };
      this.emit('admission', admission);
      if (admission === 'denied' || admission === 'removed') this.#shutdown(admission);
    });
    s.on('session', (session) => {
      this.#self = { ...this.#self, session };
      this.emit('session', session);
    });
    s.on('sessionEnded', () => this.#shutdown('ended'));
    s.on('hearing', (h) => this.emit('hearing', h));
    s.on('signedOut', (e) => this.emit('signedOut', e));
    s.on('participants', ({ participants }) => this.emit('participants', participants));
    s.on('telemetry', (t) => this.emit('telemetry', t));
    s.on('newConsumer', (info, ack) => {
      this.#settingUp.add(info.id);
      this.#serial(() => this.#consume(info))
        .finally(() => {
          this.#settingUp.delete(info.id);
          this.#closedEarly.delete(info.id);
          this.#pausedEarly.delete(info.id);
        })
        .then(
          () => ack({ ok: true }),
          (err: unknown) => {
            ack({ ok: false });
            fail(err);
          },
        );
    });
    s.on('maskingStatus', (status) => this.emit('maskingStatus', status));
    s.on('activeSpeaker', (e) => this.emit('activeSpeaker', e));
    s.on('consumerClosed', ({ consumerId, reason }) => this.#dropRemote(consumerId, reason));
    s.on('consumerPaused', ({ consumerId, paused }) => this.#onRemotePaused(consumerId, paused));
    s.on('producerPaused', ({ producerId, paused }) => {
      const entry = [...this.#producers].find(([, p]) => p.id === producerId);
      if (entry) this.emit('localPaused', { producerId, kind: entry[0], paused });
    });
    s.on('mediaReset', () => void this.#resetMedia().catch(fail));
    s.io.on('reconnect', () => void this.#onReconnect().catch(fail));
    s.on('disconnect', (reason) => {
      if (reason === 'io server disconnect') this.#shutdown('disconnected');
    });
  }

  #onRemotePaused(consumerId: string, paused: boolean): void {
    const r = this.#remotes.get(consumerId);
    if (!r) {
      if (this.#settingUp.has(consumerId)) this.#pausedEarly.set(consumerId, paused);
      return;
    }
    if (paused) r.consumer.pause();
    else r.consumer.resume();
    this.emit('remotePaused', this.#view(r));
  }

  /** The server kept our participant state; media must be set up again on the new socket. */
  async #onReconnect(): Promise<void> {
    this.#self = await this.request('hello', {});
    this.emit('admission', this.#self.admission);
    if (this.#self.admission === 'admitted') await this.#resetMedia();
  }

  #shutdown(reason: RoomClientEvents['closed'][0]['reason']): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const id of [...this.#remotes.keys()]) this.#dropRemote(id, 'reset');
    this.#send?.close();
    this.#recv?.close();
    this.socket.close();
    this.emit('closed', { reason });
  }
}
