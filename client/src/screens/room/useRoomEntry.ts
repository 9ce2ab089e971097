/**
 * Entering a room, for the link page and the signed-in room alike: connect first (the handshake
 * says the role), then ask for the camera and microphone only if the role publishes — the public
 * gallery is never asked — and hand them to the room. Going back in after leaving is a new
 * connection (`rejoin`).
 */
import { useEffect, useState } from 'react';
import { WATCH_ONLY_ROLES } from '../../../../common/vocabulary.js';
import type { RoomPhase, RoomPort, RoomSnapshot } from '../../room/port.js';
import { useRoom } from '../../room/useRoom.js';

/** Phases after which this connection is over (the camera goes off). */
export const OVER: ReadonlySet<RoomPhase> = new Set(['denied', 'removed', 'ended', 'left', 'refused', 'signedOut']);

const watchOnly: ReadonlySet<string> = new Set(WATCH_ONLY_ROLES);

export interface RoomEntry {
  readonly port: RoomPort | undefined;
  readonly snap: RoomSnapshot;
  /** What this participant sends (undefined before the device check, and always for a watch-only role). */
  readonly local: MediaStream | undefined;
  /** The role is known and publishes, and the devices are not chosen yet. */
  readonly needsDevices: boolean;
  /** The device check is done: send this stream. */
  ready(stream: MediaStream): void;
  /** The devices changed in the room (already sent). */
  setLocal(stream: MediaStream): void;
  /** A new connection after leaving (the same device may go back in). */
  rejoin(): void;
}

export function useRoomEntry(opts: { token: string | undefined; sessionId?: string; roleHint?: string | undefined }): RoomEntry {
  const [attempt, setAttempt] = useState(0);
  const [local, setLocal] = useState<MediaStream>();
  const { port, snap } = useRoom({ token: opts.token, ...(opts.sessionId ? { sessionId: opts.sessionId } : {}), join: !!opts.token, attempt });
  // The link's role counts only while the server says "not yet" (the devices can be checked while
  // waiting); a link refused outright is never asked for them.
  const role = snap.self?.role ?? (snap.waitingCode ? opts.roleHint : undefined);

  useEffect(() => {
    if (OVER.has(snap.phase)) local?.getTracks().forEach((tr) => tr.stop());
  }, [snap.phase, local]);

  return {
    port,
    snap,
    local,
    needsDevices: role !== undefined && !watchOnly.has(role) && !local,
    ready: (stream) => {
      setLocal(stream);
      port?.publish(stream);
    },
    setLocal,
    rejoin: () => {
      setLocal(undefined);
      setAttempt((a) => a + 1);
    },
  };
}
