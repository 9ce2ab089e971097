/**
 * THE Socket.IO contract of the `/rooms` namespace, used by the server's `Server<…>` and the
 * client's `io<…>()`. Every request carries an acknowledgement and is validated at runtime with
 * the schemas below; the TypeScript types are derived from them.
 */
import { z } from 'zod';
import type { ParticipantRole, ProtectiveMeasure, RoomTicket, SessionStatus } from './ports.js';

/** Largest accepted request payload (serialized JSON characters). */
export const MAX_PAYLOAD_CHARS = 16 * 1024;

const id = z.string().min(1).max(64);
const json = z.record(z.string(), z.unknown());

/** The handshake's `auth` object. */
export const handshakeSchema = z.object({
  token: z.string().min(1).max(4096),
  sessionId: id.optional(),
  /** With an invitation: a random key the browser generated and keeps (binds the one-time link to it). */
  deviceKey: z.string().min(22).max(128).optional(),
});
export type HandshakeAuth = z.input<typeof handshakeSchema>;

const dtlsParameters = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(z.looseObject({ algorithm: z.string().max(32), value: z.string().max(256) })).min(1).max(8),
});
const rtpParameters = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z.array(z.looseObject({ mimeType: z.string().max(64), payloadType: z.number().int(), clockRate: z.number().int() })).min(1).max(16),
  encodings: z.array(json).max(8).optional(),
  headerExtensions: z.array(json).max(32).optional(),
  rtcp: json.optional(),
});
const rtpCapabilities = z.looseObject({
  codecs: z.array(z.looseObject({ kind: z.enum(['audio', 'video']), mimeType: z.string().max(64), clockRate: z.number().int() })).max(64),
  headerExtensions: z.array(json).max(64).optional(),
});
const empty = z.strictObject({});
const participant = z.strictObject({ participantId: id });
const producer = z.strictObject({ producerId: id });

/** Schemas of every request, by event name. */
export const requestSchemas = {
  hello: empty,
  getRouterRtpCapabilities: empty,
  join: z.strictObject({ rtpCapabilities }),
  createTransport: z.strictObject({ direction: z.enum(['send', 'recv']) }),
  connectTransport: z.strictObject({ transportId: id, dtlsParameters }),
  restartIce: z.strictObject({ transportId: id }),
  produce: z.strictObject({ transportId: id, kind: z.enum(['audio', 'video']), rtpParameters }),
  closeProducer: producer,
  consume: z.strictObject({ transportId: id, producerId: id }),
  resumeConsumer: z.strictObject({ consumerId: id }),
  listParticipants: empty,
  admit: participant,
  deny: participant,
  remove: participant,
  pauseProducer: producer,
  resumeProducer: producer,
  setClosedSession: z.strictObject({ closed: z.boolean() }),
  startSession: empty,
  endSession: empty,
} as const;
export type RequestName = keyof typeof requestSchemas;
export type RequestPayload<K extends RequestName> = z.output<(typeof requestSchemas)[K]>;

/** Roles that run the hearing: once admitted, they may use the controls. */
export const CONTROL_ROLES: ReadonlySet<ParticipantRole> = new Set(['operator', 'judge']);
/** Requests only the courtroom operator or the judge may make. */
export const CONTROL_REQUESTS: ReadonlySet<RequestName> = new Set([
  'listParticipants', 'admit', 'deny', 'remove', 'pauseProducer', 'resumeProducer', 'setClosedSession', 'startSession', 'endSession',
]);
/** Requests a participant still waiting in the lobby may make. */
export const LOBBY_REQUESTS: ReadonlySet<RequestName> = new Set(['hello']);

/** Where a participant stands in the lobby. */
export type Admission = 'waiting' | 'admitted' | 'denied' | 'removed';
/** The session as the room shows it. */
export interface SessionInfo {
  readonly status: SessionStatus;
  readonly measures: readonly ProtectiveMeasure[];
}
/** A participant as the operator sees them: no address, no protected identity. */
export interface ParticipantView {
  readonly participantId: string;
  readonly role: ParticipantRole;
  readonly displayName: string;
  readonly admission: Admission;
  readonly connected: boolean;
}
/** A stream someone publishes, as offered to those allowed to receive it. */
export interface ProducerView {
  readonly producerId: string;
  readonly participantId: string;
  readonly role: ParticipantRole;
  readonly displayName: string;
  readonly kind: 'audio' | 'video';
  readonly paused: boolean;
}
/** Wire shape of mediasoup structures (opaque JSON to signalling; mediasoup-client reads them). */
export type Json = Record<string, unknown>;
export interface TransportView {
  readonly id: string;
  readonly iceParameters: Json;
  readonly iceCandidates: readonly Json[];
  readonly dtlsParameters: Json;
}
export interface ConsumerView {
  readonly id: string;
  readonly producerId: string;
  readonly kind: 'audio' | 'video';
  readonly rtpParameters: Json;
  readonly producerPaused: boolean;
}
export interface ParticipantStatsView {
  readonly participantId: string;
  readonly role: ParticipantRole;
  readonly displayName: string;
  readonly bitrateIn: number;
  readonly bitrateOut: number;
  readonly packetLoss: number;
  readonly rttMs: number | null;
}

/** Data of each successful acknowledgement, by event name. */
export interface ResponseData {
  hello: { participantId: string; role: ParticipantRole; displayName: string; admission: Admission; session: SessionInfo };
  getRouterRtpCapabilities: { rtpCapabilities: Json };
  join: { producers: ProducerView[] };
  createTransport: TransportView;
  connectTransport: Record<string, never>;
  restartIce: { iceParameters: Json };
  produce: { producerId: string };
  closeProducer: Record<string, never>;
  consume: ConsumerView;
  resumeConsumer: Record<string, never>;
  listParticipants: { participants: ParticipantView[] };
  admit: Record<string, never>;
  deny: Record<string, never>;
  remove: Record<string, never>;
  pauseProducer: ProducerView;
  resumeProducer: ProducerView;
  setClosedSession: SessionInfo;
  startSession: SessionInfo;
  endSession: SessionInfo;
}

/** Every acknowledgement. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; details?: readonly { path: string; message: string }[] } };

export type ClientToServerEvents = {
  [K in RequestName]: (payload: z.input<(typeof requestSchemas)[K]>, ack: (res: Ack<ResponseData[K]>) => void) => void;
};

export interface ServerToClientEvents {
  admission: (e: { admission: Admission }) => void;
  session: (e: SessionInfo) => void;
  sessionEnded: () => void;
  participants: (e: { participants: ParticipantView[] }) => void;
  newProducer: (e: ProducerView) => void;
  consumerClosed: (e: { consumerId: string; producerId: string; reason: 'producerClosed' | 'policy' }) => void;
  consumerPaused: (e: { consumerId: string; producerId: string; paused: boolean }) => void;
  producerPaused: (e: { producerId: string; paused: boolean }) => void;
  /** The media server was replaced: set up transports, producers and consumers again. */
  mediaReset: () => void;
  /** Operator only, once a second. */
  telemetry: (e: { at: string; participants: ParticipantStatsView[] }) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface InterServerEvents {}

/** Per-socket data set by the handshake. */
export interface SocketData {
  ticket: RoomTicket;
}
