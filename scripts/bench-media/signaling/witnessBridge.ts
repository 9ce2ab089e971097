/**
 * The load client's adapter to Witness Bridge's `/rooms` contract (server/signaling/contract.ts):
 * one participant's socket, its lobby wait, publishing on a send transport and receiving on a
 * recv transport the consumers the server pushes (`newConsumer`, acknowledged once the client
 * can receive them). This is the only bench module that knows the room's contract.
 */
import { randomBytes } from 'node:crypto';
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ConsumerView, HandshakeAuth, RequestName, ResponseData, ServerToClientEvents } from '../../../server/signaling/contract.js';
import type { types } from '../../../media/mediasoup.js';
import type { LoadClient } from '../loadClient.js';
import { newSsrc, publisherRtpParameters, SUBSCRIBER_RTP_CAPABILITIES } from '../rtp.js';

type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
type Payload<K extends RequestName> = Parameters<ClientToServerEvents[K]>[0];

/** A random device key, as a browser tab makes one for an invitation. */
export const newDeviceKey = (): string => randomBytes(24).toString('base64url');

/** One participant in a room, over its own Socket.IO connection. */
export class RoomParticipant {
  #admitted: Promise<void>;
  /** Resolves with the load-client peer once the recv transport is up (see `receive()`). */
  #recv: Promise<string>;
  #recvReady: (peer: string) => void = () => undefined;

  private constructor(
    private readonly socket: RoomSocket,
    private readonly lc: LoadClient,
  ) {
    this.#admitted = new Promise((resolve, reject) => {
      socket.on('admission', ({ admission }) => {
        if (admission === 'admitted') resolve();
        else if (admission !== 'waiting') reject(new Error(`room: ${admission}`));
      });
    });
    this.#admitted.catch(() => undefined);
    this.#recv = new Promise((resolve) => (this.#recvReady = resolve));
    // The server pushes every stream the policy gives; the client acknowledges once it can
    // receive it, and the server then starts it.
    socket.on('newConsumer', (c, ack) => {
      this.#accept(c).then(
        () => ack({ ok: true }),
        () => ack({ ok: false }),
      );
    });
  }

  /** Connects with a user's JWT (`sessionId`) or an invitation (`deviceKey`); fails on refusal. */
  static async connect(url: string, auth: HandshakeAuth, lc: LoadClient): Promise<RoomParticipant> {
    const socket: RoomSocket = io(`${url}/rooms`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', () => resolve());
      socket.once('connect_error', (err) => reject(new Error(`room refused the connection: ${err.message}`)));
    });
    return new RoomParticipant(socket, lc);
  }

  /** Sends a request and returns its acknowledged data. */
  request<K extends RequestName>(name: K, payload: Payload<K>): Promise<ResponseData[K]> {
    return new Promise((resolve, reject) => {
      const emit = this.socket.timeout(15_000).emit as unknown as (e: string, p: unknown, ack: (err: Error | null, res: Ack<ResponseData[K]>) => void) => void;
      emit.call(this.socket.timeout(15_000), name, payload, (err, res) => {
        if (err) reject(new Error(`${name}: no answer`));
        else if (res.ok) resolve(res.data);
        else reject(new Error(`${name}: ${res.error.code}`));
      });
    });
  }

  /** Greets the room; a participant in the lobby then waits for `admitted()`. */
  hello(): Promise<ResponseData['hello']> {
    return this.request('hello', {});
  }

  /** Resolves once the operator (or judge) has let this participant in. */
  admitted(): Promise<void> {
    return this.#admitted;
  }

  /** Publishes the load client's audio and video from `peer` on a send transport. */
  async publish(peer: string): Promise<void> {
    const t = await this.request('createTransport', { direction: 'send' });
    const dtls = await this.lc.ortcTransport(peer, t);
    await this.request('connectTransport', { transportId: t.id, dtlsParameters: dtls as unknown as Record<string, unknown> as Payload<'connectTransport'>['dtlsParameters'] });
    for (const kind of ['audio', 'video'] as const) {
      const ssrc = newSsrc();
      const pt = await this.lc.ortcSend(peer, kind, ssrc);
      const rtpParameters = publisherRtpParameters(kind, ssrc, pt) as unknown as Payload<'produce'>['rtpParameters'];
      await this.request('produce', { transportId: t.id, kind, rtpParameters });
    }
    await this.lc.ortcStart(peer);
  }

  /** Enters the room's media (after admission); needed before publishing or receiving. */
  async join(): Promise<void> {
    await this.request('join', { rtpCapabilities: SUBSCRIBER_RTP_CAPABILITIES as unknown as Payload<'join'>['rtpCapabilities'] });
  }

  /** Opens the recv transport on `peer`; the server then pushes what this participant may receive. */
  async receive(peer: string, trace = false): Promise<void> {
    const t = await this.request('createTransport', { direction: 'recv' });
    const dtls = await this.lc.ortcTransport(peer, t, trace);
    await this.request('connectTransport', { transportId: t.id, dtlsParameters: dtls as unknown as Payload<'connectTransport'>['dtlsParameters'] });
    await this.lc.ortcStart(peer);
    this.#recvReady(peer);
  }

  async #accept(c: ConsumerView): Promise<void> {
    const peer = await this.#recv;
    const rtp = c.rtpParameters as unknown as types.RtpParameters;
    await this.lc.ortcReceive(peer, c.kind, rtp.encodings![0]!.ssrc!, rtp.codecs[0]!.payloadType);
  }

  close(): void {
    this.socket.close();
  }
}
