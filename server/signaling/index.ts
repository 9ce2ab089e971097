/**
 * Socket.IO signalling: translates messages into calls on services and `media/`.
 */
import type { Server } from 'socket.io';
import type { Config } from '../../config/index.js';
import type { WorkerPool } from '../../media/workerPool.js';
import type { Api } from '../api.js';
import type { Logger } from '../logger.js';

/** What `attachSignaling()` needs. */
export interface SignalingDeps {
  readonly io: Server;
  readonly config: Config;
  readonly logger: Logger;
  readonly media: WorkerPool;
  readonly api: Api;
}

/** The attached signalling layer. */
export interface Signaling {
  /** Disconnects every socket and closes every room. */
  close(): Promise<void>;
}

/** Attaches the `/rooms` namespace to `io`. */
export function attachSignaling(_deps: SignalingDeps): Signaling {
  return { close: async () => {} };
}
