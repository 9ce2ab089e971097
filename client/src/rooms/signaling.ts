/**
 * The client end of the `/rooms` contract: a typed request helper over a Socket.IO socket.
 */
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, HandshakeAuth, RequestName, ResponseData, ServerToClientEvents } from '../../../server/signaling/contract.js';

export type RoomSocket = Socket<ServerToClientEvents, ClientToServerEvents>;
export type RequestInput<K extends RequestName> = Parameters<ClientToServerEvents[K]>[0];

/** A request the server refused, or that timed out (`code: 'timeout'`). */
export class RoomRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'RoomRequestError';
  }
}

/** How long a request may wait for its acknowledgement. */
export const REQUEST_TIMEOUT_MS = 10_000;

/** Sends `name` and resolves with the acknowledged data, or rejects with RoomRequestError. */
export function request<K extends RequestName>(socket: RoomSocket, name: K, payload: RequestInput<K>): Promise<ResponseData[K]> {
  return new Promise((resolve, reject) => {
    const timed = socket.timeout(REQUEST_TIMEOUT_MS);
    const emit = timed.emit as unknown as (
      event: string,
      payload: unknown,
      ack: (err: Error | null, res: Ack<ResponseData[K]>) => void,
    ) => void;
    emit.call(timed, name, payload, (err, res) => {
      if (err) reject(new RoomRequestError('timeout', `${name}: no answer from the server`));
      else if (res.ok) resolve(res.data);
      else reject(new RoomRequestError(res.error.code, res.error.message));
    });
  });
}

/** Opens a socket to the `/rooms` namespace and waits for the handshake's verdict. */
export function connectSocket(origin: string, auth: HandshakeAuth): Promise<RoomSocket> {
  const socket: RoomSocket = io(`${origin}/rooms`, { auth, transports: ['websocket'], reconnectionDelay: 250, reconnectionDelayMax: 2000 });
  return new Promise((resolve, reject) => {
    const onError = (err: Error & { data?: { code?: string } }) => {
      socket.off('connect', onConnect);
      socket.close();
      reject(new RoomRequestError(err.data?.code ?? 'connect_failed', err.message));
    };
    const onConnect = () => {
      socket.off('connect_error', onError);
      resolve(socket);
    };
    socket.once('connect', onConnect);
    socket.once('connect_error', onError);
  });
}
