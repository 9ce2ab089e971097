/**
 * What the load steps need from a system under test. Each system does its own signalling;
 * the load client (one process for every system) carries the media.
 */
import type { LoadClient } from './loadClient.js';

/** One system under test: Witness Bridge rooms, a bare mediasoup router or Janus VideoRoom. */
export interface MediaSystem {
  /** Name in the tables. */
  readonly name: string;
  /** Processes that forward media (their CPU is the criterion; pinned to one core). */
  mediaPids(): number[];
  /** Opens a room with one publisher (VP8 + Opus from `lc`); returns the room's handle. */
  openRoom(lc: LoadClient): Promise<string>;
  /** Optional untimed preparation of a subscriber (e.g. issuing its invitation). */
  prepare?(room: string, peer: string): Promise<void>;
  /**
   * Adds a subscriber `peer` (on `lc`) receiving the room publisher's audio and video;
   * resolves once its media is set up (the first frame may still be on its way).
   */
  subscribe(lc: LoadClient, room: string, peer: string, opts?: { trace?: boolean }): Promise<void>;
  /** Takes a subscriber's server-side state down (its client peer is closed by the caller). */
  unsubscribe(peer: string): Promise<void>;
  /** Stops everything the system started. Idempotent. */
  close(): Promise<void>;
}
