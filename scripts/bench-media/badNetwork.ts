/**
 * A subscriber behind a bad network: 75 ms each way (150 ms round trip) and 3 % random loss each
 * way on every packet of its own load client process, applied inside that client (this
 * machine's kernel has no `netem` qdisc: `tc qdisc … netem` answers "Specified qdisc kind is
 * unknown"). Measured: time to first frame of its joins, its loss after NACK repair, and its
 * recovery after a 2 s outage (100 % loss): from the end of the outage to the next decoded frame.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { delivery, percentile } from './figures.js';
import type { LoadClient } from './loadClient.js';
import type { MediaSystem } from './system.js';
import { timeToFirstFrame, type JoinPhases } from './ttff.js';

/** The bad network's shape. */
export const BAD_NETWORK = { delayMs: 75, lossPct: 3, outageMs: 2000 } as const;

export interface BadNetworkResult {
  readonly ttff: number[];
  /** Where each join's time went. */
  readonly phases: JoinPhases[];
  /** Loss of the steady subscriber before the outage, after NACK repair. */
  readonly lossPct: number;
  /** End of the outage → next decoded frame, ms (NaN if none within 10 s). */
  readonly recoveryMs: number;
}

/** `lcHost` publishes; `lcBad` (started impaired) subscribes. */
export async function badNetwork(sys: MediaSystem, lcHost: LoadClient, lcBad: LoadClient, opts: { joins: number; settleMs: number; measureMs: number }, tag: string): Promise<BadNetworkResult> {
  await lcBad.impair(BAD_NETWORK.delayMs, BAD_NETWORK.lossPct);
  const room = await sys.openRoom(lcHost);
  const phases: JoinPhases[] = [];
  const ttff = await timeToFirstFrame(sys, lcBad, room, opts.joins, `bad-${tag}`, 15_000, phases);
  const peer = `bad-${tag}-steady`;
  await sys.prepare?.(room, peer);
  await sys.subscribe(lcBad, room, peer, { trace: true });
  await delay(opts.settleMs);
  const s0 = await lcBad.stats([peer]);
  await delay(opts.measureMs);
  const s1 = await lcBad.stats([peer]);
  const { lossPct } = delivery(s0, s1, () => true);
  await lcBad.impair(BAD_NETWORK.delayMs, 100);
  await delay(BAD_NETWORK.outageMs);
  await lcBad.impair(BAD_NETWORK.delayMs, BAD_NETWORK.lossPct);
  const restored = Date.now();
  let recoveryMs = NaN;
  for (let waited = 0; waited < 10_000 && Number.isNaN(recoveryMs); waited += 100) {
    await delay(100);
    const video = (await lcBad.stats([peer])).peers[0]?.tracks?.find((t) => t.kind === 'video');
    const next = video?.frameTimes?.find((t) => t > restored);
    if (next) recoveryMs = next - restored;
  }
  await lcBad.closePeers([peer]);
  await sys.unsubscribe(peer);
  return { ttff, phases, lossPct, recoveryMs };
}

/** p50 / p95 of a list of times. */
export const p50p95 = (xs: readonly number[]): [number, number] => [percentile(xs, 50), percentile(xs, 95)];
