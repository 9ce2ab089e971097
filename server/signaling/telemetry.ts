/**
 * Once a second: per participant network figures, to each session's operator sockets only, and
 * into a running summary per participant that the minutes' technical conditions read. The summary
 * is recorded through the hearing records (one record per participant, replaced): a few each
 * second in turn (`RECORDS_PER_ROUND`), when the participant leaves, when the room's own end
 * request is about to store the end (so the minutes, made at the end, carry the figures up to
 * then), and when the room closes. Writes go one at a time.
 */
import { collectRoomStats, type ParticipantStats } from '../../media/telemetry.js';
import type { Logger } from '../logger.js';
import { channel, type Hub } from './hub.js';
import type { TelemetrySummary } from './ports.js';

/** Telemetry period. */
export const TELEMETRY_INTERVAL_MS = 1000;
/**
 * Summaries refreshed in the records each round, in turn over every participant of every open
 * room (a room of 8 is refreshed every 4 s; an end over HTTP misses at most that much of it).
 */
const RECORDS_PER_ROUND = 2;

interface Running {
  samples: number;
  inSum: number;
  inMax: number;
  outSum: number;
  outMax: number;
  lossSum: number;
  lossMax: number;
  rttSum: number;
  rttMax: number;
  rttSamples: number;
}

/** Sums and maxima of one participant's samples. */
class Summaries {
  readonly #by = new Map<string, Map<string, Running>>();

  add(sessionId: string, s: ParticipantStats): void {
    const session = this.#by.get(sessionId) ?? new Map<string, Running>();
    this.#by.set(sessionId, session);
    const r = session.get(s.participantId) ?? { samples: 0, inSum: 0, inMax: 0, outSum: 0, outMax: 0, lossSum: 0, lossMax: 0, rttSum: 0, rttMax: 0, rttSamples: 0 };
    session.set(s.participantId, r);
    const kIn = s.bitrateIn / 1000;
    const kOut = s.bitrateOut / 1000;
    r.samples++;
    r.inSum += kIn;
    r.inMax = Math.max(r.inMax, kIn);
    r.outSum += kOut;
    r.outMax = Math.max(r.outMax, kOut);
    r.lossSum += s.packetLoss;
    r.lossMax = Math.max(r.lossMax, s.packetLoss);
    if (s.rttMs !== null) {
      r.rttSum += s.rttMs;
      r.rttMax = Math.max(r.rttMax, s.rttMs);
      r.rttSamples++;
    }
  }

  /** Sessions with figures. */
  sessions(): string[] {
    return [...this.#by.keys()];
  }

  /** Participants of `sessionId` with figures. */
  participants(sessionId: string): string[] {
    return [...(this.#by.get(sessionId)?.keys() ?? [])];
  }

  /**
   * The summaries so far of one participant (who left: they may come back, so their figures keep
   * adding up) or of the whole session; with `forget` (its room closed) the figures are final and
   * forgotten.
   */
  take(sessionId: string, participantId?: string, forget = false): TelemetrySummary[] {
    const session = this.#by.get(sessionId);
    if (!session) return [];
    if (forget) this.#by.delete(sessionId);
    const ids = participantId ? [participantId] : [...session.keys()];
    return ids.flatMap((id) => {
      const r = session.get(id);
      return r && r.samples > 0 ? [toSummary(id, r)] : [];
    });
  }
}

const round = (n: number): number => Math.round(n * 10) / 10;

function toSummary(participantId: string, r: Running): TelemetrySummary {
  return {
    participantId,
    samples: r.samples,
    bitrateInKbps: { avg: round(r.inSum / r.samples), max: round(r.inMax) },
    bitrateOutKbps: { avg: round(r.outSum / r.samples), max: round(r.outMax) },
    lossPercent: { avg: round(r.lossSum / r.samples), max: round(r.lossMax) },
    rttMs: r.rttSamples > 0 ? { avg: Math.round(r.rttSum / r.rttSamples), max: Math.round(r.rttMax) } : null,
  };
}

/** The running loop. */
export interface Telemetry {
  /** Records the summary of a participant who left. */
  flush(sessionId: string, participantId: string): void;
  /** Records the summaries of everyone in the session so far; resolves once they are stored (or failed, logged). */
  record(sessionId: string): Promise<void>;
  stop(): void;
}

/** Starts the loop. */
export function startTelemetry(hub: Hub, log: Logger): Telemetry {
  const summaries = new Summaries();
  // One write at a time: a burst of them (a room of 50 at once) kept the embedded database from
  // answering its monitor's ping in time, which then took it for away.
  const store = async (sessionId: string, taken: TelemetrySummary[]): Promise<void> => {
    for (const summary of taken) await hub.access.hearing.recordTelemetrySummary(sessionId, summary).catch((err: unknown) => log.error({ err, sessionId }, 'recordTelemetrySummary() failed'));
  };
  const record = (sessionId: string, forget = false): Promise<void> => store(sessionId, summaries.take(sessionId, undefined, forget));
  // Participants whose summary is refreshed next, a few a round, in turn.
  let due: [string, string][] = [];
  const refresh = async (): Promise<void> => {
    if (due.length === 0) due = summaries.sessions().flatMap((sid) => summaries.participants(sid).map((pid): [string, string] => [sid, pid]));
    for (const [sid, pid] of due.splice(0, RECORDS_PER_ROUND)) await store(sid, summaries.take(sid, pid));
  };
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return; // a slow round is skipped, never stacked
    busy = true;
    tick(hub, summaries, record)
      .then(refresh)
      .catch((err: unknown) => log.error({ err }, 'telemetry() failed'))
      .finally(() => (busy = false));
  }, TELEMETRY_INTERVAL_MS);
  timer.unref();
  return {
    flush: (sessionId, participantId) => void store(sessionId, summaries.take(sessionId, participantId)),
    record: (sessionId) => record(sessionId),
    stop: () => clearInterval(timer),
  };
}

async function tick(hub: Hub, summaries: Summaries, record: (sessionId: string, forget?: boolean) => Promise<void>): Promise<void> {
  const open = hub.rooms.list();
  // A room that closed since the last round: its participants' summaries are final.
  for (const sessionId of summaries.sessions()) if (!open.some((r) => r.sessionId === sessionId)) await record(sessionId, true);
  for (const room of open) {
    const stats = await collectRoomStats(room);
    for (const s of stats) summaries.add(room.sessionId, s);
    const ops = channel.operators(room.sessionId);
    if ((hub.nsp.adapter.rooms.get(ops)?.size ?? 0) === 0) continue;
    const byId = new Map(room.peers.map((p) => [p.id, p]));
    const participants = stats.flatMap((s) => {
      const peer = byId.get(s.participantId);
      return peer ? [{ ...s, role: peer.role, displayName: peer.displayName }] : [];
    });
    hub.nsp.to(ops).emit('telemetry', { at: new Date().toISOString(), participants });
  }
}
