/**
 * Socket.IO signalling: the `/rooms` namespace. Translates messages into calls on the records
 * domains (through the RoomAccess port) and on `media/`; it holds no media logic itself.
 */
import type { Server } from 'socket.io';
import type { Config } from '../../config/index.js';
import { Rooms } from '../../media/rooms.js';
import type { WorkerPool } from '../../media/workerPool.js';
import type { Api } from '../api.js';
import { ConflictError, ForbiddenError, InvalidStateError, toErrorBody } from '../../common/errors.js';
import type { Logger } from '../logger.js';
import { validationError } from './ack.js';
import { CONTROL_ROLES, handshakeSchema, type ClientToServerEvents, type InterServerEvents, type ServerToClientEvents, type SocketData } from './contract.js';
import { controlHandlers } from './controlHandlers.js';
import { registerHandlers } from './dispatch.js';
import { Hub, channel, type RoomSocket } from './hub.js';
import { hearingHandlers, publishHearing } from './hearingHandlers.js';
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
  /** The database's state changes: when it is back, open rooms follow their stored sessions again. */
  readonly database?: { on(event: 'state', listener: (state: string) => void): unknown; off(event: 'state', listener: (state: string) => void): unknown };
}

/** The attached signalling layer. */
export interface Signaling {
  /** What an open room applies now (its measures, whether suspended); undefined when not open. */
  inForce(sessionId: string): { readonly measures: readonly string[]; readonly suspended: boolean } | undefined;
  /** Disconnects every socket and closes every room. */
  close(): Promise<void>;
}

/** Roles the participant cap never keeps out. */
const UNCAPPED: ReadonlySet<string> = new Set(['judge', 'operator', 'witness', 'authority']);

/** Reads of an open room's session after an outage before giving up (500 ms apart). */
const RESYNC_ATTEMPTS = 10;

/** Sessions whose rooms accept connections. */
const OPEN_STATUSES = new Set(['lobby', 'live']);

/** Attaches the `/rooms` namespace to `io`. */
export function attachSignaling(deps: SignalingDeps): Signaling {
  const log = deps.logger.child({ module: 'signaling' });
  const nsp = deps.io.of('/rooms');
  const rooms = new Rooms(deps.media, deps.config.media.masking, log);
  const access = deps.api.roomAccess;
  // The room's own end request records its telemetry first: the minutes are made at the end.
  const hub = new Hub(nsp, rooms, access, log, (sessionId) => telemetry.record(sessionId));
  nsp.use((socket, next) => {
    authenticate(hub, access, socket, deps.config.media.roomMaxParticipants).then(
      () => next(),
      (err: unknown) => next(handshakeError(err)),
    );
  });
  const telemetry = startTelemetry(hub, log);
  nsp.on('connection', (socket) => {
    cutWhenTokenExpires(socket);
    onConnection(hub, socket, log, (participantId) => telemetry.flush(socket.data.ticket.sessionId, participantId));
  });
  // Session changes from HTTP (or a room) reach every open room; deferred so a request that
  // caused the change is answered before its sender is disconnected.
  const unsubscribe = access.subscribe((view) => setImmediate(() => hub.applySession(view)));
  // Back after an outage: every open room follows its stored session again, so a change stored
  // while its answer was lost (a 503 after the write) reaches the room, and a protection applied
  // ahead of a write that failed yields to the record.
  const resyncRoom = (sessionId: string, attempt: number): void => {
    if (!rooms.get(sessionId)) return;
    access.getSession(sessionId).then(
      (view) => {
        hub.applySession(view);
        void hub.applyInterpretation(sessionId);
      },
      (err: unknown) => {
        // The first reads after an outage can still meet the driver's cleared connections.
        if (attempt < RESYNC_ATTEMPTS) setTimeout(() => resyncRoom(sessionId, attempt + 1), 500).unref();
        else log.warn({ err, sessionId }, 'resync() could not read the session');
      },
    );
  };
  const resync = (state: string): void => {
    if (state !== 'up') return;
    for (const room of rooms.list()) resyncRoom(room.sessionId, 1);
  };
  deps.database?.on('state', resync);
  const unsubscribeRevocations = access.subscribeRevocations(({ sessionId, participantId }) =>
    setImmediate(() => {
      if (hub.knows(sessionId, participantId)) hub.decide(sessionId, participantId, 'removed');
    }),
  );
  const unsubscribeHearing = access.hearing.subscribe((sessionId) =>
    setImmediate(() => {
      publishHearing(hub, sessionId).catch((err: unknown) => log.error({ err, sessionId }, 'publishHearing() failed'));
      void hub.applyInterpretation(sessionId);
    }),
  );
  // An account's tokens ended (deactivated, new role or password): its sockets go at once.
  const unsubscribeAccounts = access.subscribeAccountChanges(({ userId }) => {
    for (const socket of nsp.sockets.values()) if (socket.data.ticket?.userId === userId) signOut(socket, 'account_changed');
  });
  return {
    inForce: (sessionId) => {
      const room = rooms.get(sessionId);
      return room && { measures: room.measures, suspended: room.suspended };
    },
    close: async () => {
      deps.database?.off('state', resync);
      unsubscribe();
      unsubscribeRevocations();
      unsubscribeHearing();
      unsubscribeAccounts();
      telemetry.stop();
      nsp.disconnectSockets(true);
      rooms.closeAll();
    },
  };
}

/** Tells the socket why, then cuts it (its disconnect handler takes its media down). */
function signOut(socket: RoomSocket, code: 'token_expired' | 'account_changed'): void {
  socket.emit('signedOut', { code });
  socket.disconnect(true);
}

/** A socket opened with a user token lives no longer than the token. */
function cutWhenTokenExpires(socket: RoomSocket): void {
  const expiresAt = socket.data.ticket.expiresAt;
  if (expiresAt === undefined) return;
  // setTimeout holds at most ~24.8 days; user tokens live an hour at most.
  const timer = setTimeout(() => signOut(socket, 'token_expired'), Math.max(0, expiresAt - Date.now()));
  socket.once('disconnect', () => clearTimeout(timer));
}

async function authenticate(hub: Hub, access: RoomAccess, socket: RoomSocket, maxParticipants: number): Promise<void> {
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
  // Checked and reserved with no await in between, so racing handshakes cannot overfill the
  // room. The court and the witness always get in; everyone else only while there is space.
  if (!hub.knows(ticket.sessionId, ticket.participantId) && !UNCAPPED.has(ticket.role) && hub.participantCount(ticket.sessionId) >= maxParticipants) {
    throw new ConflictError({ message: 'The room is full.', code: 'room_full' });
  }
  hub.reserve(ticket);
  socket.data.ticket = ticket;
}

/** A refused handshake: the client's `connect_error` carries the message and `data.code`. */
function handshakeError(err: unknown): Error & { data: { code: string } } {
  const { body } = toErrorBody(err);
  return Object.assign(new Error(body.error.message), { data: { code: body.error.code } });
}

/** `onLeave`: the participant's connection ended (their telemetry summary is recorded). */
function onConnection(hub: Hub, socket: RoomSocket, log: Logger, onLeave: (participantId: string) => void): void {
  const ticket = socket.data.ticket;
  const sid = ticket.sessionId;
  const replaced = hub.connect(ticket, socket.id);
  const control = CONTROL_ROLES.has(ticket.role) && hub.admission(ticket) === 'admitted';
  // A participant has one voice: a reconnect takes over from a socket that has not noticed yet.
  if (replaced) hub.nsp.sockets.get(replaced)?.disconnect(true);
  void socket.join([channel.all(sid), channel.participant(sid, ticket.participantId)]);
  if (control) void socket.join(channel.control(sid));
  if (ticket.role === 'operator') void socket.join(channel.operators(sid));
  registerHandlers({ socket, ticket, hub }, { ...mediaHandlers, ...controlHandlers, ...hearingHandlers }, log.child({ sessionId: sid }));
  hub.attend(ticket, 'join');
  hub.broadcastParticipants(sid);
  socket.on('disconnect', () => {
    if (!hub.disconnect(ticket, socket.id)) return;
    hub.rooms.get(sid)?.removePeer(ticket.participantId);
    hub.attend(ticket, 'leave');
    onLeave(ticket.participantId);
    for (const judge of hub.admitJudgesWithoutOperator(sid)) {
      hub.tellAdmission(sid, judge.participantId, 'admitted');
      hub.attend(judge, 'admit');
    }
    hub.broadcastParticipants(sid);
  });
}
