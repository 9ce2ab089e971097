/**
 * Connects to a room for as long as the calling component wants it: a new connection per
 * (credential, local stream), left on unmount or change (also under StrictMode's double effects).
 */
import { useEffect, useState } from 'react';
import { connectRoom, type RoomCredential } from './connect.js';
import { useRoomSnapshot, type RoomPort, type RoomSnapshot } from './port.js';

/** `join` false keeps the room closed (e.g. before the device check or before the lobby opens). */
export function useRoom(opts: { token: string | undefined; sessionId?: string; local: MediaStream | undefined; join: boolean }): {
  port: RoomPort | undefined;
  snap: RoomSnapshot;
} {
  const { token, sessionId, local, join } = opts;
  const [port, setPort] = useState<RoomPort>();
  useEffect(() => {
    if (!join || !token) return;
    const credential: RoomCredential = sessionId ? { token, sessionId } : { token };
    const p = connectRoom(credential);
    setPort(p);
    void p.join(local);
    return () => {
      p.leave();
      setPort(undefined);
    };
  }, [token, sessionId, local, join]);
  return { port, snap: useRoomSnapshot(port) };
}
