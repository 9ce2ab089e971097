/**
 * One system's share of the run: start it, pin it, join subscribers for the time to first
 * frame, ramp the subscribers, stop it.
 */
import { rampCapacity, holds, valid, type CapacityStep, type RampOptions } from './capacity.js';
import { pin, pinning } from './cpu.js';
import { LoadClient } from './loadClient.js';
import type { MediaFiles } from './mediaFiles.js';
import type { MediaSystem } from './system.js';
import { timeToFirstFrame } from './ttff.js';

/** What a run printed for one system. */
export interface SystemResult {
  readonly name: string;
  readonly steps: CapacityStep[];
  /** The last step that held (undefined if none did). */
  readonly best: CapacityStep | undefined;
  /** True when the ramp ended on its last step still holding (the limit lies beyond). */
  readonly open: boolean;
  /** True when the load client, not the system, ran out of CPU. */
  readonly clientBound: boolean;
  /** True when the busy machine starved the load client in some step (it cannot count as held). */
  readonly starved: boolean;
  readonly ttff: number[];
}

/** A system and where the load client must gather its candidates to reach it. */
export interface Started {
  readonly sys: MediaSystem;
  readonly clientIp: string;
  /** Runs after the system is closed (e.g. removes its namespace). */
  readonly cleanup?: () => Promise<void>;
}

export async function runSystem(start: () => Promise<Started>, media: MediaFiles, opts: { ramp: RampOptions; joins: number }, log: (line: string) => void): Promise<SystemResult> {
  const { mediaCore, clientCore, cores } = pinning();
  const started = await start();
  const { sys } = started;
  let lc: LoadClient | undefined;
  try {
    for (const pid of sys.mediaPids()) await pin(pid, mediaCore);
    lc = await LoadClient.start(media, started.clientIp, cores > 1 ? ['taskset', '-c', String(clientCore)] : []);
    log(`${sys.name} (media process${sys.mediaPids().length > 1 ? 'es' : ''} ${sys.mediaPids().join(', ')} on CPU ${mediaCore}, load client on CPU ${clientCore}):`);
    const room = await sys.openRoom(lc);
    const ttff = await timeToFirstFrame(sys, lc, room, opts.joins, sys.name.split(' ')[0]!.toLowerCase());
    const steps = await rampCapacity(sys, lc, room, opts.ramp, log);
    const held = steps.filter(holds);
    const last = steps[steps.length - 1];
    return {
      name: sys.name,
      steps,
      best: held[held.length - 1],
      open: !!last && last.lossPct < 1 && last.subscribers === opts.ramp.steps[opts.ramp.steps.length - 1],
      clientBound: !!last && last.clientCpu > 95,
      starved: steps.some((s) => !valid(s)),
      ttff,
    };
  } finally {
    await lc?.close();
    await sys.close();
    await started.cleanup?.();
  }
}
