/**
 * Subscribers held by one system: one publisher (VP8 + Opus), subscribers added in steps, each
 * step measured after every new subscriber shows its first frame. A step holds when loss stays
 * under 1 % and the media process under 85 % of one core.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { CoreWindow, CpuWindow, pinning } from './cpu.js';
import { delivery, percentile, publisherPace } from './figures.js';
import type { LoadClient } from './loadClient.js';
import type { MediaSystem } from './system.js';

/** Settings of a ramp. */
export interface RampOptions {
  readonly steps: readonly number[];
  /** Wait after the last join before measuring. */
  readonly settleMs: number;
  readonly measureMs: number;
  /** Joins in flight at once while a step fills. */
  readonly concurrency: number;
}

/** One measured step. */
export interface CapacityStep {
  readonly subscribers: number;
  /** Consumers (audio + video) being forwarded. */
  readonly consumers: number;
  readonly lossPct: number;
  readonly silent: number;
  /** Media process CPU, percent of one core. */
  readonly mediaCpu: number;
  /** Load client CPU, percent of one core (near 100 %: the client, not the system, is the limit). */
  readonly clientCpu: number;
  /** The benchmark's own Node process (for Witness Bridge: also the service). */
  readonly nodeCpu: number;
  /** Packets per second delivered to the subscribers. */
  readonly pps: number;
  /** Median time to first frame of this step's joins, ms. */
  readonly joinP50: number;
  /** How busy the media process's core was with everything on it, percent. */
  readonly mediaCoreBusy: number;
  /** Publishers' pace against real time, percent (see `publisherPace`). */
  readonly pace: number;
}

/** Whether the step measured the system rather than a starved load client. */
export const valid = (s: CapacityStep): boolean => s.pace >= 95;
/** Whether a valid step meets the criteria. */
export const holds = (s: CapacityStep): boolean => valid(s) && s.lossPct < 1 && s.mediaCpu < 85 && s.silent === 0;

async function firstFrames(lc: LoadClient, peers: readonly string[], ms: number): Promise<Map<string, number>> {
  const deadline = Date.now() + ms;
  const seen = new Map<string, number>();
  while (seen.size < peers.length && Date.now() < deadline) {
    for (const p of (await lc.stats(peers.filter((x) => !seen.has(x)))).peers) {
      const video = p.tracks?.find((t) => t.kind === 'video');
      if (video && video.firstFrameAt > 0) seen.set(p.id, video.firstFrameAt);
    }
    if (seen.size < peers.length) await delay(100);
  }
  return seen;
}

/** Adds subscribers until there are `n`; returns the new ones and when each join started. */
async function fill(sys: MediaSystem, lc: LoadClient, room: string, subscribers: string[], n: number, opts: RampOptions): Promise<Map<string, number>> {
  const started = new Map<string, number>();
  while (subscribers.length < n) {
    const batch = Array.from({ length: Math.min(opts.concurrency, n - subscribers.length) }, (_, i) => `cap-${room}-${subscribers.length + i}`);
    subscribers.push(...batch);
    await Promise.all(
      batch.map(async (peer) => {
        await sys.prepare?.(room, peer);
        started.set(peer, Date.now());
        await sys.subscribe(lc, room, peer);
      }),
    );
  }
  return started;
}

/** Measures one step once its subscribers are in. */
async function measure(sys: MediaSystem, lc: LoadClient, room: string, started: Map<string, number>, opts: RampOptions): Promise<CapacityStep> {
  const added = [...started.keys()];
  const frames = await firstFrames(lc, added, 15_000);
  await delay(opts.settleMs);
  const cores = new CoreWindow();
  const media = new CpuWindow(sys.mediaPids());
  const client = new CpuWindow([lc.pid]);
  const node = new CpuWindow([process.pid]);
  const s0 = await lc.stats();
  await delay(opts.measureMs);
  const s1 = await lc.stats();
  const d = delivery(s0, s1, (id) => id.startsWith(`cap-${room}-`));
  return {
    subscribers: d.tracks / 2,
    consumers: d.tracks,
    lossPct: d.lossPct,
    silent: d.silent + (added.length - frames.size),
    mediaCpu: media.percent(),
    clientCpu: client.percent(),
    nodeCpu: node.percent(),
    pps: d.pps,
    joinP50: percentile([...frames].map(([peer, at]) => at - started.get(peer)!), 50),
    mediaCoreBusy: cores.percent()[pinning().mediaCore] ?? NaN,
    pace: publisherPace(s0, s1),
  };
}

/** Runs the ramp on `room` of `sys`; `log` receives one line per step. */
export async function rampCapacity(sys: MediaSystem, lc: LoadClient, room: string, opts: RampOptions, log: (line: string) => void): Promise<CapacityStep[]> {
  const subscribers: string[] = [];
  const results: CapacityStep[] = [];
  for (const n of opts.steps) {
    let started: Map<string, number>;
    try {
      started = await fill(sys, lc, room, subscribers, n, opts);
    } catch (err) {
      log(`  ${String(n).padStart(5)} subscribers: joining failed (${err instanceof Error ? err.message : String(err)})`);
      break;
    }
    const step = { ...(await measure(sys, lc, room, started, opts)), subscribers: n };
    results.push(step);
    log(
      `  ${String(n).padStart(5)} subscribers, ${String(step.consumers).padStart(5)} consumers: loss ${step.lossPct.toFixed(2)} %` +
        `${step.silent ? ` (${step.silent} without media)` : ''}, media CPU ${step.mediaCpu.toFixed(1)} %, ${step.pps.toFixed(0)} pps delivered` +
        ` (its core ${step.mediaCoreBusy.toFixed(0)} % busy in all; load client CPU ${step.clientCpu.toFixed(0)} %, Node ${step.nodeCpu.toFixed(0)} %)`,
    );
    if (!valid(step)) log(`        the publisher kept only ${step.pace.toFixed(0)} % of real time: the machine was too busy for this step to count as held`);
    // A starved step without loss still measures the server's cost per packet: go on.
    const lossless = step.lossPct < 1 && step.silent === 0 && step.mediaCpu < 85;
    if (!lossless || step.clientCpu > 95) break;
  }
  await lc.closePeers(subscribers);
  await Promise.all(subscribers.map((p) => sys.unsubscribe(p)));
  return results;
}
