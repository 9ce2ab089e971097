/**
 * The thin seam between the screens and the live room. Screens see only `RoomPort` and its
 * immutable `RoomSnapshot`; `room/connect.ts` implements it on top of the rooms helper's
 * RoomClient (client/src/rooms/).
 */
import { useSyncExternalStore } from 'react';
import type { LiveMeasure, MaskingMode, ProtectiveMeasure } from '../../../common/vocabulary.js';
import type { MaskingStatusView, MediaStateView } from '../../../server/signaling/contract.js';
import type { HearingState, IdentityCheckInput } from '../../../server/signaling/ports.js';

export type { HearingState, IdentityCheckInput, MaskingStatusView };

/** What a participant sends of one kind: live, muted by themselves, held by a controller, or nothing. */
export type MediaState = MediaStateView;
/** What a listener hears under simultaneous interpretation. */
export type Listening = 'floor' | 'interpretation';

export type RoomPhase =
  | 'connecting'
  | 'lobby'
  | 'admitted'
  | 'denied'
  | 'removed'
  | 'ended'
  | 'left'
  | 'refused'
  | 'error'
  /** The server ended this sign-in's connection (token expired, account changed). */
  | 'signedOut';

/** Link figures of one participant, from the operator telemetry. */
export interface LinkStats {
  readonly bitrateInKbps: number;
  readonly bitrateOutKbps: number;
  readonly lossPercent: number;
  readonly rttMs: number;
}

export interface RoomParticipant {
  readonly id: string;
  readonly role: string;
  /** Codename for the witness, a name or role label otherwise. */
  readonly displayName: string;
  readonly inLobby: boolean;
  /** e.g. `connected`, `disconnected`, `failed`. */
  readonly connection: string;
  /** What they send (controllers see it): live, muted by themselves, held, or nothing. */
  readonly media: { readonly audio: MediaState; readonly video: MediaState };
  readonly stats?: LinkStats;
}

/** One remote media track this client receives. */
export interface RoomFeed {
  /** The producer's id (what the operator pauses). */
  readonly producerId: string;
  readonly participantId: string;
  readonly role: string;
  readonly displayName: string;
  readonly kind: 'audio' | 'video';
  readonly track: MediaStreamTrack;
  readonly paused: boolean;
  /** `masked`: disguised by the server (the witness's face hidden, voice shifted). */
  readonly variant: 'raw' | 'masked';
  /** The operator's copy of what the accused receives (not a stream to follow). */
  readonly preview: boolean;
  /** Floor audio while this participant listens to the interpretation: played quietly. */
  readonly ducked: boolean;
}

/** What a producer looks like to the operator, even when the operator does not consume it. */
export interface RoomProducer {
  readonly producerId: string;
  readonly participantId: string;
  readonly kind: 'audio' | 'video';
  readonly paused: boolean;
}

export interface RoomSnapshot {
  readonly phase: RoomPhase;
  readonly self?: { readonly id: string; readonly role: string; readonly displayName: string };
  readonly sessionStatus?: string;
  /** Protective measures in force now (they change live). */
  readonly measures: readonly ProtectiveMeasure[];
  /** `closedSession` is among the measures. */
  readonly closedSession: boolean;
  /** What this client sends, by kind. */
  readonly own: { readonly audio: MediaState; readonly video: MediaState };
  /** The participant speaking now (among those this client hears). */
  readonly activeSpeaker?: string;
  /** Floor or interpretation (simultaneous interpretation only). */
  readonly listening: Listening;
  /** Operators and the judge: the masking mode and the state of each of the witness's masked streams. */
  readonly masking?: { readonly mode: MaskingMode; readonly streams: readonly MaskingStatusView[] };
  /** The server ended this sign-in's connection: the token expired or the account changed. */
  readonly signedOut?: 'token_expired' | 'account_changed';
  readonly participants: readonly RoomParticipant[];
  readonly producers: readonly RoomProducer[];
  readonly feeds: readonly RoomFeed[];
  /** A human sentence (English) when `phase` is `refused` or `error`. */
  readonly error?: string;
  /** The refusal's code (e.g. `invitation_used`), for pages that say it in another language. */
  readonly errorCode?: string;
  /** While waiting for the room to open: why (the client retries by itself). */
  readonly waitingReason?: string;
  /** The code behind `waitingReason`: `room_not_open` or `invitation_not_yet_valid`. */
  readonly waitingCode?: string;
  /** The cross-border hearing: identity gate (judge, operator, authority), oath, suspension, interpretation. */
  readonly hearing?: HearingState;
}

export const EMPTY_SNAPSHOT: RoomSnapshot = {
  phase: 'connecting',
  measures: [],
  closedSession: false,
  own: { audio: 'none', video: 'none' },
  listening: 'floor',
  participants: [],
  producers: [],
  feeds: [],
};

/** A live room connection. Commands reject with an Error whose message is a human sentence. */
export interface RoomPort {
  snapshot(): RoomSnapshot;
  subscribe(listener: () => void): () => void;
  /** Connects (the role is known from then on), waits in the lobby, enters the media once admitted. */
  join(): Promise<void>;
  /** Sends the camera and microphone of `stream`: at once when in the room, else once admitted. */
  publish(stream: MediaStream): void;
  leave(): void;
  /** Mutes or unmutes this client's microphone (`audio`) or turns its camera off or on, server-side. */
  setOwnMedia(kind: 'audio' | 'video', paused: boolean): Promise<void>;
  /** Sends another camera or microphone (device choice in the room). */
  replaceTrack(track: MediaStreamTrack): Promise<void>;
  /** Floor or interpretation. */
  setListening(channel: Listening): Promise<void>;
  admit(participantId: string): Promise<void>;
  /** Admits everyone connected and waiting in the lobby. */
  admitAll(): Promise<void>;
  deny(participantId: string): Promise<void>;
  pauseProducer(producerId: string): Promise<void>;
  resumeProducer(producerId: string): Promise<void>;
  remove(participantId: string): Promise<void>;
  setClosedSession(closed: boolean): Promise<void>;
  /** The judge orders or lifts face or voice distortion (and closed session) during the hearing. */
  setMeasure(measure: LiveMeasure, on: boolean): Promise<void>;
  /** How the witness's video is disguised. */
  setMaskingMode(mode: MaskingMode): Promise<void>;
  start(): Promise<void>;
  end(): Promise<void>;
  /** The requested authority's identity check (from the lobby too). */
  recordIdentityCheck(input: IdentityCheckInput): Promise<void>;
  /** The judge goes on without a confirmed identity check. */
  overrideIdentityCheck(reason: string): Promise<void>;
  /** The judge records the rights notice and the oath or declaration. */
  recordOath(kind: 'oath' | 'declaration'): Promise<void>;
  /** The requested authority suspends or resumes the hearing. */
  suspend(reason: string): Promise<void>;
  resume(): Promise<void>;
}

/** Re-renders on every room change. */
export function useRoomSnapshot(port: RoomPort | undefined): RoomSnapshot {
  return useSyncExternalStore(
    (l) => (port ? port.subscribe(l) : () => undefined),
    () => (port ? port.snapshot() : EMPTY_SNAPSHOT),
  );
}
