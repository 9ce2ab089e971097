/**
 * Per-participant network figures for the operator, read from mediasoup's stats. Only numbers:
 * no tuple, address or port ever leaves this module.
 */
import type { Peer } from './peer.js';
import type { Room } from './room.js';

/** One participant's figures for the last second. */
export interface ParticipantStats {
  readonly participantId: string;
  /** Bits per second the server receives from the participant. */
  readonly bitrateIn: number;
  /** Bits per second the server sends to the participant. */
  readonly bitrateOut: number;
  /** Worst packet loss over the participant's streams, in percent (0–100). */
  readonly packetLoss: number;
  /** Largest round-trip time over the participant's streams in ms, when known. */
  readonly rttMs: number | null;
}

interface StreamStat {
  type?: string;
  fractionLost?: number;
  roundTripTime?: number;
}

/** Figures for every peer of `room`. */
export function collectRoomStats(room: Room): Promise<ParticipantStats[]> {
  return Promise.all(room.peers.map((p) => collectPeerStats(p)));
}

async function collectPeerStats(peer: Peer): Promise<ParticipantStats> {
  let bitrateIn = 0;
  let bitrateOut = 0;
  for (const t of peer.transports.values()) {
    const stats = await safeStats(() => t.getStats());
    for (const s of stats) {
      bitrateIn += s.recvBitrate;
      bitrateOut += s.sendBitrate;
    }
  }
  const streams: StreamStat[] = [];
  // A consumer's stats also carry its producer's inbound stream, i.e. the *sender's* link: keep
  // only the streams that cross this participant's own link.
  for (const p of peer.producers.values()) streams.push(...(await safeStats(() => p.getStats())).filter((s: StreamStat) => s.type === 'inbound-rtp'));
  for (const c of peer.consumers.values()) streams.push(...(await safeStats(() => c.getStats())).filter((s: StreamStat) => s.type === 'outbound-rtp'));
  // mediasoup reports fractionLost as the RTCP 8-bit fraction (0–255).
  const loss = Math.max(0, ...streams.map((s) => s.fractionLost ?? 0));
  const rtts = streams.map((s) => s.roundTripTime).filter((r): r is number => typeof r === 'number' && r > 0);
  return {
    participantId: peer.id,
    bitrateIn: Math.round(bitrateIn),
    bitrateOut: Math.round(bitrateOut),
    packetLoss: Math.round((loss / 256) * 1000) / 10,
    rttMs: rtts.length > 0 ? Math.round(Math.max(...rtts)) : null,
  };
}

/** A stream that closed between listing and asking has no stats; that is not an error. */
async function safeStats<T>(get: () => Promise<T[]>): Promise<T[]> {
  try {
    return await get();
  } catch {
    return [];
  }
}

