/**
 * Time to first frame of a subscriber joining a live room: from the first signalling message to
 * the first complete, decodable video frame at the load client. Joins one after another, each
 * taken down before the next.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { LoadClient } from './loadClient.js';
import type { MediaSystem } from './system.js';

/** Where one join's time went: ms from its first signalling message to each step. */
export interface JoinPhases {
  /** The system's signalling for the join is done (transport and consumers set up). */
  readonly signalled: number;
  /** ICE and DTLS done: media can flow. */
  readonly connected: number;
  /** The first video packet arrived. */
  readonly firstPacket: number;
  /** The first complete, decodable video frame (the time to first frame). */
  readonly firstFrame: number;
}

/**
 * Joins `count` subscribers into `room` one by one; returns each one's time to first frame (ms),
 * and, into `phases`, where each join's time went.
 */
export async function timeToFirstFrame(sys: MediaSystem, lc: LoadClient, room: string, count: number, tag: string, timeoutMs = 10_000, phases?: JoinPhases[]): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const peer = `ttff-${tag}-${i}`;
    await sys.prepare?.(room, peer);
    const t0 = Date.now();
    await sys.subscribe(lc, room, peer);
    const signalled = Date.now() - t0;
    const deadline = t0 + timeoutMs;
    let first = 0;
    while (!first && Date.now() < deadline) {
      const report = (await lc.stats([peer])).peers[0];
      const video = report?.tracks?.find((t) => t.kind === 'video');
      first = video?.firstFrameAt ?? 0;
      if (first) phases?.push({ signalled, connected: (report?.connectedAt ?? 0) - t0, firstPacket: video!.firstPacketAt - t0, firstFrame: first - t0 });
      else await delay(20);
    }
    if (!first) throw new Error(`${peer}: no frame within ${timeoutMs} ms`);
    times.push(first - t0);
    await lc.closePeers([peer]);
    await sys.unsubscribe(peer);
  }
  return times;
}
