/**
 * The thin seam between the screens and the live room. Screens see only `RoomPort` and its
 * immutable `RoomSnapshot`; `room/connect.ts` implements it on top of the rooms helper's
 * RoomClient (client/src/rooms/).
 */
import { useSyncExternalStore } from 'react';

export type RoomPhase =
  | 'connecting'
  | 'lobby'
  | 'admitted'
  | 'denied'
  | 'removed'
  | 'ended'
  | 'left'
  | 'refused'
  | 'error';

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
  readonly closedSession: boolean;
  readonly participants: readonly RoomParticipant[];
  readonly producers: readonly RoomProducer[];
  readonly feeds: readonly RoomFeed[];
  /** A human sentence when `phase` is `refused` or `error`. */
  readonly error?: string;
  /** While waiting for the room to open: why (the client retries by itself). */
  readonly waitingReason?: string;
}

export const EMPTY_SNAPSHOT: RoomSnapshot = {
  phase: 'connecting',
  closedSession: false,
  participants: [],
  producers: [],
  feeds: [],
};

/** A live room connection. Commands reject with an Error whose message is a human sentence. */
export interface RoomPort {
  snapshot(): RoomSnapshot;
  subscribe(listener: () => void): () => void;
  /** Connects, waits in the lobby, then publishes `local` once admitted. */
  join(local: MediaStream | undefined): Promise<void>;
  leave(): void;
  admit(participantId: string): Promise<void>;
  deny(participantId: string): Promise<void>;
  pauseProducer(producerId: string): Promise<void>;
  resumeProducer(producerId: string): Promise<void>;
  remove(participantId: string): Promise<void>;
  setClosedSession(closed: boolean): Promise<void>;
  start(): Promise<void>;
  end(): Promise<void>;
}

/** Re-renders on every room change. */
export function useRoomSnapshot(port: RoomPort | undefined): RoomSnapshot {
  return useSyncExternalStore(
    (l) => (port ? port.subscribe(l) : () => undefined),
    () => (port ? port.snapshot() : EMPTY_SNAPSHOT),
  );
}
