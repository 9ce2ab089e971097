/**
 * Once a second, per participant network figures to each session's operator sockets only.
 */
import { collectRoomStats } from '../../media/telemetry.js';
import type { Logger } from '../logger.js';
import { channel, type Hub } from './hub.js';

/** Telemetry period. */
export const TELEMETRY_INTERVAL_MS = 1000;

/** Starts the loop; `stop()` ends it. */
export function startTelemetry(hub: Hub, log: Logger): { stop(): void } {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return; // a slow round is skipped, never stacked
    busy = true;
    tick(hub)
      .catch((err: unknown) => log.error({ err }, 'telemetry() failed'))
      .finally(() => (busy = false));
  }, TELEMETRY_INTERVAL_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

async function tick(hub: Hub): Promise<void> {
  for (const room of hub.rooms.list()) {
    const ops = channel.operators(room.sessionId);
    if ((hub.nsp.adapter.rooms.get(ops)?.size ?? 0) === 0) continue;
    const stats = await collectRoomStats(room);
    const byId = new Map(room.peers.map((p) => [p.id, p]));
    const participants = stats.flatMap((s) => {
      const peer = byId.get(s.participantId);
      return peer ? [{ ...s, role: peer.role, displayName: peer.displayName }] : [];
    });
    hub.nsp.to(ops).emit('telemetry', { at: new Date().toISOString(), participants });
  }
}
