/**
 * CPU time of processes from /proc (every thread counted), and pinning to a core with taskset.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);
/** Clock ticks per second of /proc/PID/stat (100 on Linux). */
const TICKS = 100;

/** User + system CPU seconds of `pid` so far (0 when it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at ") ".
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return 0;
  }
}

/** Measures the CPU of some processes over a window, as a percentage of one core. */
export class CpuWindow {
  readonly #pids: readonly number[];
  readonly #t0 = performance.now();
  readonly #c0: number;
  constructor(pids: readonly number[]) {
    this.#pids = pids;
    this.#c0 = this.#total();
  }
  #total(): number {
    return this.#pids.reduce((a, p) => a + cpuSeconds(p), 0);
  }
  /** Percent of one core since construction. */
  percent(): number {
    const s = (performance.now() - this.#t0) / 1000;
    return s > 0 ? ((this.#total() - this.#c0) / s) * 100 : 0;
  }
}

/** Pins every thread of `pid` to `cpu` (no-op on a one-CPU machine). */
export async function pin(pid: number, cpu: number): Promise<void> {
  if (os.cpus().length < 2) return;
  await run('taskset', ['-a', '-p', '-c', String(cpu), String(pid)]);
}

/** Cores this machine has, and which one the media processes get. */
export function pinning(): { mediaCore: number; clientCore: number; cores: number } {
  const cores = os.cpus().length;
  return { cores, mediaCore: cores > 1 ? cores - 1 : 0, clientCore: 0 };
}

function coreTimes(): { busy: number; total: number }[] {
  return fs
    .readFileSync('/proc/stat', 'utf8')
    .split('\n')
    .filter((l) => /^cpu\d+ /.test(l))
    .map((l) => {
      const v = l.trim().split(/\s+/).slice(1).map(Number);
      const idle = (v[3] ?? 0) + (v[4] ?? 0);
      const total = v.slice(0, 8).reduce((a, x) => a + x, 0);
      return { busy: total - idle, total };
    });
}

/** How busy each core was over a window (everything on it, not only the benchmark), percent. */
export class CoreWindow {
  readonly #t0 = coreTimes();
  percent(): number[] {
    return coreTimes().map((c, i) => {
      const b = this.#t0[i];
      const total = c.total - (b?.total ?? 0);
      return total > 0 ? ((c.busy - (b?.busy ?? 0)) / total) * 100 : 0;
    });
  }
}
