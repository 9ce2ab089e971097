/**
 * System (b): a bare mediasoup router on the same worker binary, with the same codecs, the same
 * transport settings and a WebRtcServer like the rooms' — no signalling, policy or telemetry.
 * The benchmark calls mediasoup directly, so this is the floor our rooms are measured against.
 */
import { loadMediasoup, type types } from '../../../media/mediasoup.js';
import { ROUTER_MEDIA_CODECS, TRANSPORT_LIMITS } from '../../../media/codecs.js';
import type { LoadClient } from '../loadClient.js';
import { newSsrc, publisherRtpParameters, SUBSCRIBER_RTP_CAPABILITIES } from '../rtp.js';
import type { MediaSystem } from '../system.js';

export class BareRouter implements MediaSystem {
  readonly name = 'bare mediasoup router';
  readonly #worker: types.Worker;
  readonly #server: types.WebRtcServer;
  readonly #rooms = new Map<string, { router: types.Router; producers: types.Producer[] }>();
  readonly #transports = new Map<string, types.WebRtcTransport>();

  private constructor(worker: types.Worker, server: types.WebRtcServer) {
    this.#worker = worker;
    this.#server = server;
  }

  /** Starts one worker with a WebRtcServer listening on `listenIp`. */
  static async create(workerBin: string, listenIp: string): Promise<BareRouter> {
    const ms = await loadMediasoup(workerBin);
    const worker = await ms.createWorker({ logLevel: 'warn' });
    const server = await worker.createWebRtcServer({
      listenInfos: [
        { protocol: 'udp', ip: listenIp },
        { protocol: 'tcp', ip: listenIp },
      ],
    });
    return new BareRouter(worker, server);
  }

  mediaPids(): number[] {
    return [this.#worker.pid];
  }

  async #transport(router: types.Router, peer: string): Promise<types.WebRtcTransport> {
    const t = await router.createWebRtcTransport({
      webRtcServer: this.#server,
      enableUdp: true,
      enableTcp: true,
      preferUdp: true,
      initialAvailableOutgoingBitrate: TRANSPORT_LIMITS.initialAvailableOutgoingBitrate,
    });
    this.#transports.set(peer, t);
    return t;
  }

  async openRoom(lc: LoadClient): Promise<string> {
    const router = await this.#worker.createRouter({ mediaCodecs: ROUTER_MEDIA_CODECS });
    const peer = `bare-pub-${router.id}`;
    const t = await this.#transport(router, peer);
    await t.setMaxIncomingBitrate(TRANSPORT_LIMITS.maxIncomingBitrate);
    await t.connect({ dtlsParameters: await lc.ortcTransport(peer, t) });
    const producers: types.Producer[] = [];
    for (const kind of ['audio', 'video'] as const) {
      const ssrc = newSsrc();
      const pt = await lc.ortcSend(peer, kind, ssrc);
      producers.push(await t.produce({ kind, rtpParameters: publisherRtpParameters(kind, ssrc, pt) }));
    }
    await lc.ortcStart(peer);
    this.#rooms.set(router.id, { router, producers });
    return router.id;
  }

  async subscribe(lc: LoadClient, room: string, peer: string, opts: { trace?: boolean } = {}): Promise<void> {
    const r = this.#rooms.get(room);
    if (!r) throw new Error(`subscribe(): no room ${room}`);
    const t = await this.#transport(r.router, peer);
    await t.connect({ dtlsParameters: await lc.ortcTransport(peer, t, opts.trace) });
    const consumers = await Promise.all(r.producers.map((p) => t.consume({ producerId: p.id, rtpCapabilities: SUBSCRIBER_RTP_CAPABILITIES, paused: true })));
    await lc.ortcStart(peer);
    await Promise.all(consumers.map((c) => lc.ortcReceive(peer, c.kind, c.rtpParameters.encodings![0]!.ssrc!, c.rtpParameters.codecs[0]!.payloadType)));
    await Promise.all(consumers.map((c) => c.resume()));
  }

  async unsubscribe(peer: string): Promise<void> {
    this.#transports.get(peer)?.close();
    this.#transports.delete(peer);
  }

  async close(): Promise<void> {
    this.#worker.close();
  }
}
