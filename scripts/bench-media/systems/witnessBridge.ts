/**
 * System (a): Witness Bridge rooms through their real signalling — the service (HTTP API,
 * `/rooms` Socket.IO, media policy, telemetry to the operator once a second) on an embedded
 * database, one media worker, and every participant a Socket.IO connection of its own that
 * enters through the lobby. The service runs inside the benchmark's Node process; its media
 * worker is a process of its own, pinned like the other systems' media processes.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { loadConfig } from '../../../config/index.js';
import type { ParticipantRole, ProtectiveMeasure } from '../../../common/vocabulary.js';
import { EmbeddedDatabase } from '../../../server/db/embedded.js';
import { createLogger } from '../../../server/logger.js';
import { Service } from '../../../server/service.js';
import { bearer, createScenario, SCENARIO_ADMIN_ENV, type Scenario } from '../../../test/support/scenario.js';
import type { LoadClient } from '../loadClient.js';
import { newDeviceKey, RoomParticipant } from '../signaling/witnessBridge.js';
import type { MediaSystem } from '../system.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..', '..', '..');

interface OpenRoom {
  readonly scenario: Scenario;
  readonly operator: RoomParticipant;
  readonly participants: RoomParticipant[];
}

export class WitnessBridgeRooms implements MediaSystem {
  readonly name = 'Witness Bridge room';
  readonly #rooms = new Map<string, OpenRoom>();
  readonly #subscribers = new Map<string, RoomParticipant>();
  readonly #prepared = new Map<string, { token: string; participantId: string }>();
  #closed = false;

  private constructor(
    readonly service: Service,
    private readonly db: EmbeddedDatabase,
    private readonly dir: string,
    readonly url: string,
  ) {}

  /** Starts the service with one media worker (`workerBin`) listening on `listenIp`. */
  static async create(listenIp: string, workerBin: string): Promise<WitnessBridgeRooms> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-bench-'));
    const logger = createLogger('silent');
    const db = await EmbeddedDatabase.create({ bin: path.join(ROOT, 'tools/ferretdb/bin/ferretdb'), dataDir: path.join(dir, 'db'), port: 0, logger });
    // The ramp puts hundreds of viewers in one room: the participant cap (60 by default) is raised to its maximum.
    const config = loadConfig({ NODE_ENV: 'test', PORT: '0', HOST: '127.0.0.1', MONGODB_URI: db.uri, DATA_DIR: dir, MEDIA_WORKERS: '1', MEDIA_LISTEN_IP: listenIp, MEDIASOUP_WORKER_BIN: workerBin, ...SCENARIO_ADMIN_ENV, ROOM_MAX_PARTICIPANTS: '1000' });
    const service = await Service.create(config, logger);
    return new WitnessBridgeRooms(service, db, dir, `http://127.0.0.1:${service.port}`);
  }

  mediaPids(): number[] {
    return this.service.media.statuses().map((s) => s.pid);
  }

  /**
   * Opens a session's room: scenario through the HTTP API, lobby opened, the operator in the
   * room (so telemetry runs) and joined; returns the operator's connection.
   */
  async openHearing(lc: LoadClient, opts: { measures: readonly ProtectiveMeasure[]; invitations: readonly ParticipantRole[] }): Promise<{ room: string; scenario: Scenario; operator: RoomParticipant }> {
    const svc = { service: this.service, config: this.service.config, url: this.url, close: () => Promise.resolve() };
    const scenario = await createScenario(svc, { measures: opts.measures, invitations: opts.invitations, participants: ['judge', 'prosecutor', 'defence', 'interpreter', 'operator'] });
    await request(this.url).post(`/api/sessions/${scenario.sessionId}/status`).set('Authorization', bearer(scenario.users.operator.token)).send({ status: 'lobby' }).expect(200);
    const operator = await RoomParticipant.connect(this.url, { token: scenario.users.operator.token, sessionId: scenario.sessionId }, lc);
    await operator.hello();
    await operator.join();
    this.#rooms.set(scenario.sessionId, { scenario, operator, participants: [operator] });
    return { room: scenario.sessionId, scenario, operator };
  }

  /** Connects a participant and lets the room's operator admit them; resolves once admitted. */
  async enter(lc: LoadClient, room: string, auth: { token: string; sessionId?: string; deviceKey?: string }): Promise<RoomParticipant> {
    const r = this.#room(room);
    const p = await RoomParticipant.connect(this.url, auth, lc);
    r.participants.push(p);
    const hello = await p.hello();
    if (hello.admission === 'waiting') await r.operator.request('admit', { participantId: hello.participantId });
    await p.admitted();
    return p;
  }

  async openRoom(lc: LoadClient): Promise<string> {
    const { room, scenario } = await this.openHearing(lc, { measures: [], invitations: ['witness'] });
    const inv = scenario.invitations[0]!;
    const witness = await this.enter(lc, room, { token: inv.token, deviceKey: newDeviceKey() });
    await witness.join();
    await witness.publish(`wb-pub-${room}`);
    return room;
  }

  /** Issues the subscriber's invitation (public gallery) before the timed part of a join. */
  async prepare(room: string, peer: string): Promise<void> {
    const r = this.#room(room);
    const res = await request(this.url)
      .post(`/api/sessions/${room}/invitations`)
      .set('Authorization', bearer(r.scenario.users.prosecutor.token))
      .send({ role: 'public' })
      .expect(201);
    const body = res.body as { invitation: { participantId: string }; link: string };
    this.#prepared.set(peer, { token: /#token=([^&]+)/.exec(body.link)![1]!, participantId: body.invitation.participantId });
  }

  async subscribe(lc: LoadClient, room: string, peer: string, opts: { trace?: boolean } = {}): Promise<void> {
    if (!this.#prepared.has(peer)) await this.prepare(room, peer);
    const inv = this.#prepared.get(peer)!;
    this.#prepared.delete(peer);
    const p = await this.enter(lc, room, { token: inv.token, deviceKey: newDeviceKey() });
    this.#subscribers.set(peer, p);
    await p.join();
    await p.receive(peer, opts.trace);
  }

  async unsubscribe(peer: string): Promise<void> {
    this.#subscribers.get(peer)?.close();
    this.#subscribers.delete(peer);
  }

  #room(room: string): OpenRoom {
    const r = this.#rooms.get(room);
    if (!r) throw new Error(`no room ${room}`);
    return r;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const r of this.#rooms.values()) for (const p of r.participants) p.close();
    await this.service.close();
    await this.db.close();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
