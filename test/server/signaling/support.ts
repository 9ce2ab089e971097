/** Node-side Socket.IO clients of the `/rooms` namespace for signalling tests. */
import { io, type Socket } from 'socket.io-client';
import type { Ack, ClientToServerEvents, ServerToClientEvents } from '../../../server/signaling/contract.js';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** The device key test clients present with invitations unless a test passes its own. */
export const TEST_DEVICE_KEY = 'test-device-key-0123456789';

/** Connects without reconnection; resolves the socket or the handshake's refusal. */
export function tryConnect(url: string, auth: unknown): Promise<{ socket: ClientSocket } | { refused: { message: string; code: string | undefined } }> {
  const withDevice = auth && typeof auth === 'object' && !('deviceKey' in auth) ? { ...auth, deviceKey: TEST_DEVICE_KEY } : auth;
  const socket: ClientSocket = io(`${url}/rooms`, { auth: withDevice as Record<string, unknown>, transports: ['websocket'], reconnection: false, forceNew: true });
  return new Promise((resolve) => {
    socket.once('connect', () => resolve({ socket }));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => {
      socket.close();
      resolve({ refused: { message: err.message, code: err.data?.code } });
    });
  });
}

/** Connects or fails the test. */
export async function connect(url: string, auth: { token: string; sessionId?: string; deviceKey?: string }): Promise<ClientSocket> {
  const r = await tryConnect(url, auth);
  if ('refused' in r) throw new Error(`handshake refused: ${r.refused.message}`);
  return r.socket;
}

/** Sends any event (valid or not) and returns its acknowledgement. */
export function send(socket: ClientSocket, event: string, payload: unknown): Promise<Ack<unknown>> {
  const emit = socket.timeout(5000).emitWithAck as unknown as (e: string, p: unknown) => Promise<Ack<unknown>>;
  return emit.call(socket.timeout(5000), event, payload);
}

/** Resolves with the next `event` on `socket` (or rejects after `ms`). */
export function next<T>(socket: ClientSocket, event: keyof ServerToClientEvents, ms = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${ms} ms`)), ms);
    socket.once(event, ((e: T) => {
      clearTimeout(timer);
      resolve(e);
    }) as never);
  });
}
