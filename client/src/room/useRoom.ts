/**
 * Connects to a room for as long as the calling component wants it: a new connection per
 * credential (and per `attempt`, to go back in after leaving), left on unmount or change (also
 * under StrictMode's double effects). The camera and microphone are given to the port later
 * (`port.publish`), once the role is known to publish: a watch-only role is never asked for them.
 */
import { useEffect, useState } from 'react';
import { connectRoom, type RoomCredential } from './connect.js';
import { useRoomSnapshot, type RoomPort, type RoomSnapshot } from './port.js';

/** `join` false keeps the room closed (e.g. before the lobby opens). */
export function useRoom(opts: { token: string | undefined; sessionId?: string; join: boolean; attempt?: number }): {
  port: RoomPort | undefined;
  snap: RoomSnapshot;
} {
  const { token, sessionId, join, attempt = 0 } = opts;
  const [port, setPort] = useState<RoomPort>();
  useEffect(() => {
    if (!join || !token) return;
    const credential: RoomCredential = sessionId ? { token, sessionId } : { token };
    const p = connectRoom(credential);
    setPort(p);
    void p.join();
    return () => {
      p.leave();
      setPort(undefined);
    };
  }, [token, sessionId, join, attempt]);
  return { port, snap: useRoomSnapshot(port) };
}
