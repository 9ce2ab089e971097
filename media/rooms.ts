/**
 * All live rooms, one per testimony session. Creation is serialized per session so concurrent
 * joins get the same room; rooms on a worker that died are rebuilt on a live one.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import type { ProtectiveMeasure } from '../common/vocabulary.js';
import type { MaskingTools } from './masking/processes.js';
import { Room } from './room.js';
import type { WorkerPool } from './workerPool.js';

/** How long a room whose worker died keeps trying to get a new router. */
const REBUILD_DEADLINE_MS = 15_000;
const REBUILD_RETRY_MS = 100;

export class Rooms {
  #closed = false;
  readonly #rooms = new Map<string, Room>();
  readonly #creating = new Map<string, Promise<Room>>();
  readonly #log: Logger;
  readonly #onDied = ({ routerIds }: { routerIds: string[] }): void => this.#rebuildAll(routerIds);

  constructor(
    private readonly pool: WorkerPool,
    private readonly masking: MaskingTools | undefined,
    logger: Logger,
  ) {
    this.#log = logger.child({ module: 'rooms' });
    pool.on('workerDied', this.#onDied);
  }

  /** The open room of `sessionId`, if any. */
  get(sessionId: string): Room | undefined {
    const room = this.#rooms.get(sessionId);
    return room && !room.closed ? room : undefined;
  }

  /** The room of `sessionId` once it exists, also while it is still being created. */
  whenOpen(sessionId: string): Promise<Room> | undefined {
    const room = this.get(sessionId);
    return room ? Promise.resolve(room) : this.#creating.get(sessionId);
  }

  /** Every open room. */
  list(): Room[] {
    return [...this.#rooms.values()].filter((r) => !r.closed);
  }

  /**
   * The room of `sessionId`, created on first use. Concurrent callers share one creation;
   * `onCreated` runs once, before any caller sees the room, to wire its events.
   */
  getOrCreate(sessionId: string, measures: readonly ProtectiveMeasure[], onCreated: (room: Room) => void): Promise<Room> {
    const existing = this.get(sessionId);
    if (existing) return Promise.resolve(existing);
    let pending = this.#creating.get(sessionId);
    if (!pending) {
      pending = this.#create(sessionId, measures, onCreated).finally(() => this.#creating.delete(sessionId));
      this.#creating.set(sessionId, pending);
    }
    return pending;
  }

  async #create(sessionId: string, measures: readonly ProtectiveMeasure[], onCreated: (room: Room) => void): Promise<Room> {
    if (this.#closed) throw new Error('createRoom(): rooms closed');
    const room = await Room.create({ sessionId, measures, pool: this.pool, masking: this.masking, logger: this.#log });
    room.once('closed', () => {
      if (this.#rooms.get(sessionId) === room) this.#rooms.delete(sessionId);
    });
    this.#rooms.set(sessionId, room);
    onCreated(room);
    return room;
  }

  /** Closes the room of `sessionId`, if open. */
  close(sessionId: string): void {
    this.get(sessionId)?.close();
  }

  #rebuildAll(routerIds: readonly string[]): void {
    for (const room of this.#rooms.values()) {
      if (!routerIds.includes(room.router.id)) continue;
      this.#rebuild(room).catch((err: unknown) => {
        this.#log.error({ err, sessionId: room.sessionId }, 'rebuildRoom() failed; closing the room');
        room.close();
      });
    }
  }

  async #rebuild(room: Room): Promise<void> {
    const deadline = Date.now() + REBUILD_DEADLINE_MS;
    for (;;) {
      try {
        await room.rebuild();
        return;
      } catch (err) {
        // With a single worker there is no live one until the pool's replacement is up.
        if (this.#closed || room.closed || Date.now() > deadline) throw err;
        await delay(REBUILD_RETRY_MS);
      }
    }
  }

  /** Closes every room. Idempotent. */
  closeAll(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.pool.off('workerDied', this.#onDied);
    for (const room of [...this.#rooms.values()]) room.close();
    this.#rooms.clear();
  }
}
