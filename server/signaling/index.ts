/**
 * Socket.IO signalling: the `/rooms` namespace. Translates messages into calls on the records
 * domains (through the RoomAccess port) and on `media/`; it holds no media logic itself.
 */
import type { Server } from 'socket.io';
import type { Config } from '../../config/index.js';
import { Rooms } from '../../media/rooms.js';
import type { WorkerPool } from '../../media/workerPool.js';
import type { Api } from '../api.js';
import { ForbiddenError, InvalidStateError, toErrorBody } from '../errors.js';
import type { Logger } from '../logger.js';
import { validationError } from './ack.js';
import { CONTROL_ROLES, handshakeSchema, type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData } from './contract.js';
import { controlHandlers } from './controlHandlers.js';
import { registerHandlers } from './dispatch.js';
import { Hub, channel, type RoomSocket } from './hub.js';
import { mediaHandlers } from './mediaHandlers.js';
import type { RoomAccess } from './ports.js';
import { startTelemetry } from './telemetry.js';

/** The Socket.IO server typed with the one signalling contract. */
export type SignalingServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

/** What `attachSignaling()` needs. */
export interface SignalingDeps {
  readonly io: SignalingServer;
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

/** Sessions whose rooms accept connections. */
const OPEN_STATUSES = new Set(['lobby', 'live']);

/** Attaches the `/rooms` namespace to `io`. */
export function attachSignaling(deps: SignalingDeps): Signaling {
  const log = deps.logger.child({ module: 'signaling' });
  const nsp = deps.io.of('/rooms');
  const rooms = new Rooms(deps.media, { listenIp: deps.config.media.listenIp, announcedIp: deps.config.media.announcedIp }, log);
  const access = deps.api.roomAccess;
  const hub = new Hub(nsp, rooms, access, log);
  nsp.use((socket, next) => {
    authenticate(hub, access, socket).then(
      () => next(),
      (err: unknown) => next(handshakeError(err)),
    );
  });
  nsp.on('connection', (socket) => onConnection(hub, socket, log));
  // Session changes from HTTP (or a room) reach every open room; deferred so a request that
  // caused the change is answered before its sender is disconnected.
  const unsubscribe = access.subscribe((view) => setImmediate(() => hub.applySession(view)));
  const unsubscribeRevocations = access.subscribeRevocations(({ sessionId, participantId }) =>
    setImmediate(() => {
      if (hub.knows(sessionId, participantId)) hub.decide(sessionId, participantId, 'removed');
    }),
  );
  const telemetry = startTelemetry(hub, log);
  return {
    close: async () => {
      unsubscribe();
      unsubscribeRevocations();
      telemetry.stop();
      nsp.disconnectSockets(true);
      rooms.closeAll();
    },
  };
}

async function authenticate(hub: Hub, access: RoomAccess, socket: RoomSocket): Promise<void> {
  const auth = handshakeSchema.safeParse(socket.handshake.auth);
  if (!auth.success) throw validationError(auth.error);
  const ticket = await access.authenticate(auth.data);
  const admission = hub.admission(ticket);
  if (admission === 'denied' || admission === 'removed') {
    throw new ForbiddenError({ message: 'You were not admitted to this session.', code: 'not_admitted' });
  }
  const session = await access.getSession(ticket.sessionId);
  if (!OPEN_STATUSES.has(session.status)) {
    const message = session.status === 'scheduled' ? 'The room is not open yet: it opens when the court opens the lobby.' : 'The room is not open: this session is over.';
    throw new InvalidStateError({ message, code: 'room_not_open' });
  }
  socket.data.ticket = ticket;
}

/** A refused handshake: the client's `connect_error` carries the message and `data.code`. */
function handshakeError(err: unknown): Error & { data: { code: string } } {
  const { body } = toErrorBody(err);
  return Object.assign(new Error(body.error.message), { data: { code: body.error.code } });
}

function onConnection(hub: Hub, socket: RoomSocket, log: Logger): void {
  const ticket = socket.data.ticket;
  const sid = ticket.sessionId;
  const replaced = hub.connect(ticket, socket.id);
  const control = CONTROL_ROLES.has(ticket.role) && hub.admission(ticket) === 'admitted';
  // A participant has one voice: a reconnect takes over from a socket that has not noticed yet.
  if (replaced) hub.nsp.sockets.get(replaced)?.disconnect(true);
  void socket.join([channel.all(sid), channel.participant(sid, ticket.participantId)]);
  if (control) void socket.join(channel.control(sid));
  if (ticket.role === 'operator') void socket.join(channel.operators(sid));
  registerHandlers({ socket, ticket, hub }, { ...mediaHandlers, ...controlHandlers }, log.child({ sessionId: sid }));
  hub.attend(ticket, 'join');
  hub.broadcastParticipants(sid);
  socket.on('disconnect', () => {
    if (!hub.disconnect(ticket, socket.id)) return;
    hub.rooms.get(sid)?.removePeer(ticket.participantId);
    hub.attend(ticket, 'leave');
    for (const judge of hub.admitJudgesWithoutOperator(sid)) {
      hub.tellAdmission(sid, judge.participantId, 'admitted');
      hub.attend(judge, 'admit');
    }
    hub.broadcastParticipants(sid);
  });
}
