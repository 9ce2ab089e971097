/**
 * Builds a `RoomPort` for a credential. Wired to the rooms helper's RoomClient once that lands;
 * until then the room reports that live rooms are unavailable.
 */
import { t } from '../strings.js';
import { EMPTY_SNAPSHOT, type RoomPort, type RoomSnapshot } from './port.js';

/** A user JWT plus the session id, or an invitation token (bound to its session). */
export type RoomCredential = { readonly token: string; readonly sessionId?: string };

export function connectRoom(_credential: RoomCredential): RoomPort {
  let snap: RoomSnapshot = EMPTY_SNAPSHOT;
  const listeners = new Set<() => void>();
  const fail = () => Promise.reject(new Error(t.errors.unexpected));
  return {
    snapshot: () => snap,
    subscribe: (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    join: () => {
      snap = { ...snap, phase: 'error', error: t.errors.server };
      listeners.forEach((l) => l());
      return Promise.resolve();
    },
    leave: () => undefined,
    admit: fail,
    deny: fail,
    pauseProducer: fail,
    resumeProducer: fail,
    remove: fail,
    setClosedSession: fail,
    start: fail,
    end: fail,
  };
}
