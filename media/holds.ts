/**
 * Who may not be heard or seen right now, per participant and kind: held by a controller (the
 * operator's pause) or muted by the participant. Kept by participant, not by producer, so a
 * stream published again (after closing it, reconnecting or a room rebuild) starts paused too and
 * a participant cannot undo a controller's hold; an unmute never lifts a hold.
 */
import type { MediaKind } from '../common/vocabulary.js';

/** What a participant sends of one kind: live, muted by themselves, held by a controller, or nothing. */
export type MediaState = 'live' | 'muted' | 'held' | 'none';

export class Holds {
  readonly #held = new Map<string, Set<MediaKind>>();
  readonly #muted = new Map<string, Set<MediaKind>>();

  /** A controller holds or releases `participantId`'s `kind`. */
  setHeld(participantId: string, kind: MediaKind, held: boolean): void {
    toggle(this.#held, participantId, kind, held);
  }

  /** The participant mutes or unmutes their own `kind`. */
  setMuted(participantId: string, kind: MediaKind, muted: boolean): void {
    toggle(this.#muted, participantId, kind, muted);
  }

  isHeld(participantId: string, kind: MediaKind): boolean {
    return this.#held.get(participantId)?.has(kind) ?? false;
  }

  /** Whether a `kind` producer of the participant must be paused. */
  paused(participantId: string, kind: MediaKind): boolean {
    return this.isHeld(participantId, kind) || (this.#muted.get(participantId)?.has(kind) ?? false);
  }

  /** `publishing`: whether the participant has a producer of that kind at all. */
  state(participantId: string, kind: MediaKind, publishing: boolean): MediaState {
    if (this.isHeld(participantId, kind)) return 'held';
    if (this.#muted.get(participantId)?.has(kind)) return 'muted';
    return publishing ? 'live' : 'none';
  }
}

function toggle(map: Map<string, Set<MediaKind>>, participantId: string, kind: MediaKind, on: boolean): void {
  const set = map.get(participantId) ?? new Set<MediaKind>();
  if (on) set.add(kind);
  else set.delete(kind);
  map.set(participantId, set);
}
