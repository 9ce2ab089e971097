/**
 * THE Socket.IO contract of the `/rooms` namespace, used by the server's `Server<…>` and the
 * client's `io<…>()`. Every request carries an acknowledgement and is validated at runtime with
 * the schemas below; the TypeScript types are derived from them.
 */
import { z } from 'zod';
import {
  IDENTITY_DOCUMENT_TYPES,
  LIVE_MEASURES,
  MASKING_MODES,
  OATH_KINDS,
  type MaskingMode,
  type MediaKind,
  type ParticipantRole,
  type ProtectiveMeasure,
  type SessionStatus,
} from '../../common/vocabulary.js';
import type { HearingState, RoomTicket } from './ports.js';

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
/**
 * What a publisher says of its codec and its RTCP reaches every viewer's SDP (and the masking
 * processes' SDP files): names and values are tokens, never free text (a line break in one would
 * break the viewers' receive transports).
 */
const sdpToken = z.string().regex(/^[\x21-\x3a\x3c-\x7e]{1,128}$/);
const codecParameters = z.record(z.string().regex(/^[\w-]{1,32}$/), z.union([z.number(), sdpToken]));
const rtpParameters = z.looseObject({
  mid: z.string().max(32).optional(),
  codecs: z.array(z.looseObject({ mimeType: z.string().max(64), payloadType: z.number().int(), clockRate: z.number().int(), parameters: codecParameters.optional() })).min(1).max(16),
  encodings: z.array(json).max(8).optional(),
  headerExtensions: z.array(json).max(32).optional(),
  // Chrome's name is base64, Firefox's a UUID in braces; an empty one is replaced by mediasoup.
  rtcp: z.object({ cname: z.string().regex(/^[\w.+/={}-]{0,64}$/).optional(), reducedSize: z.boolean().optional(), mux: z.boolean().optional() }).optional(),
});
const rtpCapabilities = z.looseObject({
  codecs: z.array(z.looseObject({ kind: z.enum(['audio', 'video']), mimeType: z.string().max(64), clockRate: z.number().int() })).max(64),
  headerExtensions: z.array(json).max(64).optional(),
});
const empty = z.strictObject({});
const participant = z.strictObject({ participantId: id });
const producer = z.strictObject({ producerId: id });

// ---------------------------------------------------------------- the hearing (MLA), server/signaling/hearingHandlers.ts
/** Why: a sentence for the minutes and, for a suspension, for everyone in the room. */
const reason = z.string().trim().min(1).max(500);
/** Requests of the cross-border hearing: identity check, override, oath, suspend, resume. */
export const hearingRequestSchemas = {
  /** The hearing's state (the identity gate only for the judge, the operator and the authority). */
  hearingState: empty,
  /** The requested authority records how it checked the witness's identity (never the identity). */
  recordIdentityCheck: z.strictObject({ documentType: z.enum(IDENTITY_DOCUMENT_TYPES), matched: z.boolean(), note: z.string().trim().max(500) }),
  /** The judge lets the hearing go live without a confirmed identity check. */
  overrideIdentityCheck: z.strictObject({ reason }),
  /** The judge records that the witness was informed of their rights and took the oath or declaration. */
  recordOath: z.strictObject({ kind: z.enum(OATH_KINDS), rightsInformed: z.literal(true) }),
  /** The requested authority suspends the live hearing (its law's principles infringed). */
  suspendHearing: z.strictObject({ reason }),
  /** The requested authority resumes it. */
  resumeHearing: empty,
} as const;
/** Hearing requests a participant still waiting in the lobby may make (the authority checks identity there). */
export const HEARING_LOBBY_REQUESTS = ['hearingState', 'recordIdentityCheck'] as const;
/** Data of each successful hearing acknowledgement: the state after the request. */
export type HearingResponseData = { [K in keyof typeof hearingRequestSchemas]: HearingState };
/** Hearing events the server sends. */
export interface HearingServerEvents {
  /** The hearing's state changed (each receiver gets what its role may see). */
  hearing: (e: HearingState) => void;
}
// ---------------------------------------------------------------- end of the hearing's block

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
  /** Mutes or unmutes one's own microphone (`audio`) or camera (`video`); a controller's hold outranks it. */
  setOwnMedia: z.strictObject({ kind: z.enum(['audio', 'video']), paused: z.boolean() }),
  /** Under simultaneous interpretation: listen to the floor or to the interpreter (floor ducked). */
  setListening: z.strictObject({ channel: z.enum(['floor', 'interpretation']) }),
  /** Asks again for a stream the server gave (e.g. after failing to set it up); refused unless the policy gives it. */
  consume: producer,
  listParticipants: empty,
  admit: participant,
  deny: participant,
  remove: participant,
  pauseProducer: producer,
  resumeProducer: producer,
  setClosedSession: z.strictObject({ closed: z.boolean() }),
  /** The judge orders or lifts a measure during the hearing (closed session: the operator too). */
  setMeasure: z.strictObject({ measure: z.enum(LIVE_MEASURES), on: z.boolean() }),
  setMaskingMode: z.strictObject({ mode: z.enum(MASKING_MODES) }),
  getMaskingStatus: empty,
  startSession: empty,
  endSession: empty,
  ...hearingRequestSchemas,
} as const;
export type RequestName = keyof typeof requestSchemas;
export type RequestPayload<K extends RequestName> = z.output<(typeof requestSchemas)[K]>;

/** Roles that run the hearing: once admitted, they may use the controls. */
export const CONTROL_ROLES: ReadonlySet<ParticipantRole> = new Set(['operator', 'judge']);
/** Requests only the courtroom operator or the judge may make. */
export const CONTROL_REQUESTS: ReadonlySet<RequestName> = new Set([
  'listParticipants', 'admit', 'deny', 'remove', 'pauseProducer', 'resumeProducer', 'setClosedSession', 'setMeasure', 'setMaskingMode', 'getMaskingStatus', 'startSession', 'endSession',
]);
/** Requests a participant still waiting in the lobby may make. */
export const LOBBY_REQUESTS: ReadonlySet<RequestName> = new Set(['hello', ...HEARING_LOBBY_REQUESTS]);

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
  /** What they send: live, muted by themselves, held by a controller, or nothing. */
  readonly media: { readonly audio: MediaStateView; readonly video: MediaStateView };
}
export type MediaStateView = 'live' | 'muted' | 'held' | 'none';
/** A stream paused or resumed by a controller. */
export interface ProducerPauseView {
  readonly producerId: string;
  readonly participantId: string;
  readonly kind: MediaKind;
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
/** A stream the server gives a participant: whose it is, which variant, and what mediasoup-client needs. */
export interface ConsumerView {
  readonly id: string;
  readonly producerId: string;
  readonly kind: MediaKind;
  readonly rtpParameters: Json;
  readonly producerPaused: boolean;
  readonly participantId: string;
  readonly role: ParticipantRole;
  readonly displayName: string;
  /** `masked`: disguised by the server (face hidden, voice shifted). */
  readonly variant: 'raw' | 'masked';
  /** The operator's preview of what the accused receives. */
  readonly preview: boolean;
  /** Floor audio while this participant listens to the interpretation: play it quietly. */
  readonly ducked: boolean;
}
/** The masking of one of the witness's streams, as the operator sees it. */
export interface MaskingStatusView {
  readonly participantId: string;
  readonly sourceProducerId: string;
  readonly kind: MediaKind;
  readonly mode: MaskingMode;
  readonly state: 'starting' | 'standby' | 'running' | 'restarting' | 'closed';
  readonly facePercent: number | null;
  readonly wholeFramePercent: number | null;
  readonly framesPerSecond: number | null;
  readonly restarts: number;
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
export interface ResponseData extends HearingResponseData {
  hello: { participantId: string; role: ParticipantRole; displayName: string; admission: Admission; session: SessionInfo };
  getRouterRtpCapabilities: { rtpCapabilities: Json };
  join: Record<string, never>;
  createTransport: TransportView;
  connectTransport: Record<string, never>;
  restartIce: { iceParameters: Json };
  produce: { producerId: string };
  closeProducer: Record<string, never>;
  consume: Record<string, never>;
  setListening: { channel: 'floor' | 'interpretation' };
  setOwnMedia: { kind: MediaKind; state: MediaStateView };
  listParticipants: { participants: ParticipantView[] };
  admit: Record<string, never>;
  deny: Record<string, never>;
  remove: Record<string, never>;
  pauseProducer: ProducerPauseView;
  resumeProducer: ProducerPauseView;
  setClosedSession: SessionInfo;
  setMeasure: SessionInfo;
  setMaskingMode: { mode: MaskingMode };
  getMaskingStatus: { mode: MaskingMode; streams: MaskingStatusView[] };
  startSession: SessionInfo;
  endSession: SessionInfo;
}

/** Every acknowledgement. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: { code: string; message: string; details?: readonly { path: string; message: string }[] } };

export type ClientToServerEvents = {
  [K in RequestName]: (payload: z.input<(typeof requestSchemas)[K]>, ack: (res: Ack<ResponseData[K]>) => void) => void;
};

export interface ServerToClientEvents extends HearingServerEvents {
  admission: (e: { admission: Admission }) => void;
  session: (e: SessionInfo) => void;
  sessionEnded: () => void;
  participants: (e: { participants: ParticipantView[] }) => void;
  /** A stream to receive: set it up, then acknowledge (`ok: false` if it could not be set up). */
  newConsumer: (e: ConsumerView, ack: (res: { ok: boolean }) => void) => void;
  consumerClosed: (e: { consumerId: string; producerId: string; reason: 'producerClosed' | 'policy' }) => void;
  consumerPaused: (e: { consumerId: string; producerId: string; paused: boolean }) => void;
  producerPaused: (e: { producerId: string; paused: boolean }) => void;
  /** The media server was replaced: set up transports, producers and consumers again. */
  mediaReset: () => void;
  /** Operator only, once a second. */
  telemetry: (e: { at: string; participants: ParticipantStatsView[] }) => void;
  /** Who is speaking now (only to those who hear them). */
  activeSpeaker: (e: { participantId: string }) => void;
  /** Operator only: the masking of the witness's streams changed state (or a second passed). */
  maskingStatus: (e: MaskingStatusView) => void;
  /**
   * Sent just before the server cuts the socket because its credential ended: the user token
   * expired (`token_expired`: sign in again and reconnect) or the account was deactivated or
   * changed role or password (`account_changed`).
   */
  signedOut: (e: { code: 'token_expired' | 'account_changed' }) => void;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface InterServerEvents {}

/** Per-socket data set by the handshake. */
export interface SocketData {
  ticket: RoomTicket;
}
