/**
 * Arithmetic over the load client's reports: loss between two snapshots, percentiles.
 */
import type { PeerReport, TrackReport } from './loadClient.js';

/** The `p`th percentile (nearest rank) of `xs`; NaN when empty. */
export function percentile(xs: readonly number[], p: number): number {
  if (xs.length === 0) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** What the subscribers received between two snapshots. */
export interface Delivery {
  /** Received tracks measured. */
  readonly tracks: number;
  /** Unique packets received / expected, summed over tracks. */
  readonly received: number;
  readonly expected: number;
  /** Percent of expected packets never received (after NACK repair). */
  readonly lossPct: number;
  /** Tracks that received nothing in the window although others of their kind did. */
  readonly silent: number;
  /** Packets per second delivered. */
  readonly pps: number;
}

const key = (peer: string, t: TrackReport) => `${peer}/${t.ssrc}`;

/**
 * Loss over the window between `before` and `after`, for the peers `isSubscriber` selects. A
 * track silent for the whole window while others of its kind were not counts as losing what
 * the median track of its kind expected.
 */
export function delivery(before: { at: number; peers: PeerReport[] }, after: { at: number; peers: PeerReport[] }, isSubscriber: (peer: string) => boolean): Delivery {
  const prev = new Map<string, TrackReport>();
  for (const p of before.peers) for (const t of p.tracks ?? []) prev.set(key(p.id, t), t);
  const rows: { kind: string; received: number; expected: number }[] = [];
  for (const p of after.peers) {
    if (!isSubscriber(p.id)) continue;
    for (const t of p.tracks ?? []) {
      const b = prev.get(key(p.id, t));
      rows.push({ kind: t.kind, received: t.received - (b?.received ?? 0), expected: t.expected - (b?.expected ?? 0) });
    }
  }
  let received = 0;
  let expected = 0;
  let silent = 0;
  for (const kind of ['audio', 'video']) {
    const of = rows.filter((r) => r.kind === kind);
    const median = percentile(of.map((r) => r.expected), 50);
    for (const r of of) {
      received += r.received;
      if (r.expected <= 0 && median > 0) {
        silent++;
        expected += median;
      } else expected += Math.max(r.expected, r.received);
    }
  }
  const seconds = (after.at - before.at) / 1000;
  return { tracks: rows.length, received, expected, lossPct: expected > 0 ? (1 - received / expected) * 100 : 100, silent, pps: seconds > 0 ? received / seconds : 0 };
}

/**
 * How well the publishers kept real time between two snapshots: samples sent against 30 video
 * frames and 50 audio packets a second, as a percent (the worst publisher and kind). Below
 * ~95 % the load client was starved of CPU, and the loss it causes is not the system's.
 */
export function publisherPace(before: { at: number; peers: PeerReport[] }, after: { at: number; peers: PeerReport[] }): number {
  const seconds = (after.at - before.at) / 1000;
  const prev = new Map(before.peers.map((p) => [p.id, p]));
  let worst = Infinity;
  for (const p of after.peers) {
    if (!p.sent) continue;
    for (const [kind, rate] of [['video', 30], ['audio', 50]] as const) {
      const sent = (p.sent[kind] ?? 0) - (prev.get(p.id)?.sent?.[kind] ?? 0);
      worst = Math.min(worst, (sent / (rate * seconds)) * 100);
    }
  }
  return Number.isFinite(worst) ? worst : 100;
}

/** Formats a number of ms, or a dash. */
export const ms = (v: number): string => (Number.isFinite(v) ? `${v.toFixed(0)} ms` : '–');
