/**
 * Shared signalling state: who is in which session's lobby or room (kept across socket
 * reconnects), the media rooms, and the translation of room events into socket messages.
 */
import { atMost } from '../../common/atMost.js';
import type { Namespace, Socket } from 'socket.io';
import type { ConsumerInfo, Room } from '../../media/room.js';
import type { Rooms } from '../../media/rooms.js';
import type { Logger } from '../logger.js';
import {
  CONTROL_ROLES,
  type Admission,
  type ClientToServerEvents,
  type ConsumerView,
  type InterServerEvents,
  type Json,
  type ParticipantView,
  type ServerToClientEvents,
  type SessionInfo,
  type SocketData,
} from './contract.js';
import type { AttendanceEvent, RoomAccess, RoomTicket, SessionView } from './ports.js';

export type RoomNamespace = Namespace<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;
export type RoomSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

interface ParticipantRecord {
  ticket: RoomTicket;
  admission: Admission;
  /** The socket currently speaking for this participant, if connected. */
  socketId: string | undefined;
}

/** How long a client has to set up a consumer it was given. */
const CONSUMER_ACK_MS = 10_000;

/** Socket.IO room names. */
export const channel = {
  all: (sessionId: string) => `s:${sessionId}`,
  control: (sessionId: string) => `ctl:${sessionId}`,
  operators: (sessionId: string) => `ops:${sessionId}`,
  participant: (sessionId: string, participantId: string) => `p:${sessionId}:${participantId}`,
};

/** How long ending a session waits for the room's figures to be recorded. */
const BEFORE_END_MS = 2000;

export class Hub {
  readonly #sessions = new Map<string, Map<string, ParticipantRecord>>();
  readonly #ending = new Set<string>();

  constructor(
    readonly nsp: RoomNamespace,
    readonly rooms: Rooms,
    readonly access: RoomAccess,
    readonly log: Logger,
    /** Records what the room knows that the minutes read (its telemetry), before the end is stored. */
    private readonly beforeEnd: (sessionId: string) => Promise<void> = () => Promise.resolve(),
  ) {}

  #records(sessionId: string): Map<string, ParticipantRecord> {
    let m = this.#sessions.get(sessionId);
    if (!m) this.#sessions.set(sessionId, (m = new Map()));
    return m;
  }

  /** Whether the participant has been seen in this session's lobby or room. */
  knows(sessionId: string, participantId: string): boolean {
    return this.#sessions.get(sessionId)?.has(participantId) ?? false;
  }

  /** How many participants the session's lobby and room hold (connected or not, not denied or removed). */
  participantCount(sessionId: string): number {
    let n = 0;
    for (const r of this.#sessions.get(sessionId)?.values() ?? []) if (r.admission === 'waiting' || r.admission === 'admitted') n++;
    return n;
  }

  /** Holds a place for a participant whose handshake passed (waiting, not connected yet). */
  reserve(ticket: RoomTicket): void {
    const records = this.#records(ticket.sessionId);
    if (!records.has(ticket.participantId)) records.set(ticket.participantId, { ticket, admission: 'waiting', socketId: undefined });
  }

  /** Where `ticket`'s participant stands; unknown participants are waiting. */
  admission(ticket: RoomTicket): Admission {
    return this.#sessions.get(ticket.sessionId)?.get(ticket.participantId)?.admission ?? 'waiting';
  }

  /**
   * Registers a connected socket; returns the socket it replaced, if any. The courtroom operator
   * is admitted at once; so is the judge when no operator is in the room to admit them (someone
   * has to run the lobby). Everyone else waits, and a returning participant keeps their place.
   */
  connect(ticket: RoomTicket, socketId: string): string | undefined {
    const records = this.#records(ticket.sessionId);
    const prior = records.get(ticket.participantId);
    const replaced = prior?.socketId;
    const atOnce = ticket.role === 'operator' || (ticket.role === 'judge' && !this.#operatorPresent(ticket.sessionId));
    const admission: Admission = prior?.admission === 'admitted' || atOnce ? 'admitted' : 'waiting';
    records.set(ticket.participantId, { ticket, admission, socketId });
    return replaced;
  }

  #operatorPresent(sessionId: string): boolean {
    for (const r of this.#sessions.get(sessionId)?.values() ?? []) {
      if (r.ticket.role === 'operator' && r.admission === 'admitted' && r.socketId !== undefined) return true;
    }
    return false;
  }

  /**
   * When the last operator leaves, a judge waiting for them is admitted so that the hearing is
   * not left without anyone to run it. Returns the judges admitted.
   */
  admitJudgesWithoutOperator(sessionId: string): RoomTicket[] {
    if (this.#operatorPresent(sessionId)) return [];
    const admitted: RoomTicket[] = [];
    for (const r of this.#sessions.get(sessionId)?.values() ?? []) {
      if (r.ticket.role !== 'judge' || r.admission !== 'waiting' || r.socketId === undefined) continue;
      r.admission = 'admitted';
      admitted.push(r.ticket);
    }
    return admitted;
  }

  /** Forgets a socket; false when another socket already speaks for the participant. */
  disconnect(ticket: RoomTicket, socketId: string): boolean {
    const rec = this.#sessions.get(ticket.sessionId)?.get(ticket.participantId);
    if (!rec || rec.socketId !== socketId) return false;
    rec.socketId = undefined;
    return true;
  }

  setAdmission(sessionId: string, participantId: string, admission: Admission): RoomTicket | undefined {
    const rec = this.#sessions.get(sessionId)?.get(participantId);
    if (rec) rec.admission = admission;
    return rec?.ticket;
  }

  /**
   * Admits, denies or removes a participant: tells them, and unless admitted takes their media
   * down and disconnects them. Recorded as attendance; the controllers see the new list.
   */
  decide(sessionId: string, participantId: string, admission: 'admitted' | 'denied' | 'removed'): void {
    this.setAdmission(sessionId, participantId, admission);
    this.tellAdmission(sessionId, participantId, admission);
    if (admission !== 'admitted') {
      this.rooms.get(sessionId)?.removePeer(participantId);
      this.nsp.in(channel.participant(sessionId, participantId)).disconnectSockets(true);
    }
    const event = admission === 'admitted' ? 'admit' : admission === 'denied' ? 'deny' : 'remove';
    this.#record(sessionId, participantId, event);
    this.broadcastParticipants(sessionId);
  }

  /** Tells a participant where they stand; an admitted judge or operator joins the controllers. */
  tellAdmission(sessionId: string, participantId: string, admission: Admission): void {
    const own = channel.participant(sessionId, participantId);
    this.nsp.to(own).emit('admission', { admission });
    const role = this.#sessions.get(sessionId)?.get(participantId)?.ticket.role;
    if (admission === 'admitted' && role && CONTROL_ROLES.has(role)) this.nsp.in(own).socketsJoin(channel.control(sessionId));
  }

  participants(sessionId: string): ParticipantView[] {
    return [...(this.#sessions.get(sessionId)?.values() ?? [])].map((r) => ({
      participantId: r.ticket.participantId,
      role: r.ticket.role,
      displayName: r.ticket.displayName,
      admission: r.admission,
      connected: r.socketId !== undefined,
      media: this.rooms.get(sessionId)?.mediaState(r.ticket.participantId) ?? { audio: 'none', video: 'none' },
    }));
  }

  /** Tells the controllers of a session who is where. */
  broadcastParticipants(sessionId: string): void {
    this.nsp.to(channel.control(sessionId)).emit('participants', { participants: this.participants(sessionId) });
  }

  /** The session's room, created (once, serialized) with the session's current measures. */
  async room(sessionId: string): Promise<Room> {
    const existing = this.rooms.get(sessionId);
    if (existing) return existing;
    const session = await this.access.getSession(sessionId);
    return this.rooms.getOrCreate(sessionId, session.measures, (room) => {
      this.#wire(room);
      room.setSuspended(session.suspended);
      void this.applyInterpretation(sessionId);
    });
  }

  /**
   * Gives the session's room the interpretation plan on record (simultaneous: who interprets).
   * Never rejects: a plan that cannot be read now (the database is away) is logged, and read
   * again when the database is back.
   */
  async applyInterpretation(sessionId: string): Promise<void> {
    const room = this.rooms.get(sessionId);
    if (!room) return;
    const viewer: RoomTicket = { sessionId, participantId: '', role: 'witness', displayName: '' };
    try {
      const plan = (await this.access.hearing.state(sessionId, viewer)).interpretation;
      room.setInterpretation(plan?.mode === 'simultaneous' ? plan.interpreterParticipantIds : undefined);
    } catch (err) {
      this.log.warn({ err, sessionId }, 'applyInterpretation() could not read the plan');
    }
  }

  #wire(room: Room): void {
    const sid = room.sessionId;
    const to = (participantId: string) => this.nsp.to(channel.participant(sid, participantId));
    room.on('newConsumer', ({ to: who, consumer }) => this.#offer(room, who, consumer));
    room.on('consumerClosed', ({ to: who, ...e }) => to(who).emit('consumerClosed', e));
    room.on('consumerPaused', ({ to: who, ...e }) => to(who).emit('consumerPaused', e));
    room.on('producerPaused', ({ to: who, ...e }) => to(who).emit('producerPaused', e));
    room.on('mediaState', () => this.broadcastParticipants(sid));
    room.on('activeSpeaker', ({ to: who, participantId }) => to(who).emit('activeSpeaker', { participantId }));
    room.on('maskingStatus', (status) => this.nsp.to(channel.operators(sid)).emit('maskingStatus', status));
    room.on('mediaReset', () => this.nsp.to(channel.all(sid)).emit('mediaReset'));
  }

  /**
   * Gives a participant a consumer (mediasoup-demo's newConsumer): their client sets it up and
   * acknowledges, then the room starts its media; no answer in time closes it.
   */
  #offer(room: Room, participantId: string, consumer: ConsumerInfo): void {
    const view: ConsumerView = { ...consumer, rtpParameters: consumer.rtpParameters as unknown as Json };
    this.nsp
      .to(channel.participant(room.sessionId, participantId))
      .timeout(CONSUMER_ACK_MS)
      .emit('newConsumer', view, (err, answers: readonly unknown[]) => {
        // The answers are the clients' own: anything but `{ ok: true }` is a refusal (never a crash).
        if (!err && answers.some((a) => typeof a === 'object' && a !== null && (a as { ok?: unknown }).ok === true)) {
          room.consumerReady(participantId, consumer.id).catch((e: unknown) => this.log.warn({ err: e }, 'consumerReady() failed'));
        } else {
          room.consumerFailed(participantId, consumer.id, err ? 'timeout' : answers.length > 0 ? 'refused' : 'gone');
        }
      });
  }

  /** Applies a session change made anywhere (HTTP or a room). */
  applySession(view: SessionView): void {
    const info: SessionInfo = { status: view.status, measures: view.measures };
    // A room still being created gets the change once it exists (it was created with older measures).
    const apply = (room: Room) => {
      room.setMeasures(view.measures);
      room.setSuspended(view.suspended);
    };
    const open = this.rooms.get(view.id);
    if (open) apply(open);
    void this.rooms.whenOpen(view.id)?.then(apply, () => undefined);
    // The room opens with the lobby, so the first participant does not wait for a router.
    if (view.status === 'lobby' && !this.rooms.get(view.id)) {
      this.room(view.id).catch((err: unknown) => this.log.error({ err }, 'openRoom() failed'));
    }
    this.nsp.to(channel.all(view.id)).emit('session', info);
    // A room's own endSession request disconnects everyone itself, after its acknowledgement.
    if ((view.status === 'ended' || view.status === 'cancelled') && !this.#ending.has(view.id)) this.endSession(view.id);
  }

  /**
   * Runs `end` (which ends the session) while changes it causes do not disconnect anyone yet; first
   * records the room's figures for the minutes (waiting at most `BEFORE_END_MS` for them).
   */
  async ending<T>(sessionId: string, end: () => Promise<T>): Promise<T> {
    this.#ending.add(sessionId);
    try {
      await atMost(BEFORE_END_MS, this.beforeEnd(sessionId));
      return await end();
    } finally {
      this.#ending.delete(sessionId);
    }
  }

  /** Ends the hearing: everyone is told and disconnected, the room closes. */
  endSession(sessionId: string): void {
    this.nsp.to(channel.all(sessionId)).emit('sessionEnded');
    this.nsp.in(channel.all(sessionId)).disconnectSockets(true);
    this.rooms.close(sessionId);
    this.#sessions.delete(sessionId);
  }

  /** Records `ticket`'s own attendance without letting a failure break the room. */
  attend(ticket: RoomTicket, event: AttendanceEvent): void {
    this.#record(ticket.sessionId, ticket.participantId, event);
  }

  #record(sessionId: string, participantId: string, event: AttendanceEvent): void {
    this.access.recordAttendance(sessionId, participantId, event, new Date()).catch((err: unknown) => {
      this.log.error({ err, event }, 'recordAttendance() failed');
    });
  }
}
