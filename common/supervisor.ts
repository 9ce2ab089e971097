/**
 * One supervised child process: started, restarted with exponential backoff when it exits on
 * its own (a bounded number of times), stopped on request, and never left running after the
 * service: on Linux the child is started through util-linux's `setpriv --pdeathsig KILL`, so the
 * kernel kills it when the service dies, even by SIGKILL (what FerretDB's `--exit-with-parent`
 * does from inside, done here for any program).
 *
 * It imports nothing from server/ or media/: the embedded database and the media layer's helper
 * processes use it alike (the masking chains, three processes restarted as one unit with their
 * transports, through `spawnTied()` and the same `Backoff`).
 */
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { EventEmitter } from 'node:events';
import fs from 'node:fs';
import type { Logger } from 'pino';

/** Where a supervised process is in its life. */
export type SupervisorState = 'idle' | 'starting' | 'running' | 'backoff' | 'stopping' | 'stopped' | 'gaveUp';

/** What to run and how to look after it. */
export interface SupervisorOptions {
  /** Short name for log lines (`ferretdb`, `mask-video`). */
  readonly name: string;
  readonly command: string;
  readonly args?: readonly string[];
  /** Environment of the child (default: none but PATH, so nothing leaks by accident). */
  readonly env?: Readonly<Record<string, string>>;
  readonly cwd?: string;
  /** Receives every log line, with `{ module: 'supervisor', process: name }` bound. */
  readonly logger: Logger;
  /**
   * Polled (every 50 ms) after each start until it resolves true: the process is running only
   * then. Without it, a process counts as running once it has been spawned.
   */
  readonly ready?: () => Promise<boolean>;
  /** How long a start may take to become ready before it counts as failed (default 15 s). */
  readonly readyTimeoutMs?: number;
  /** Restarts in a row (without `stableMs` of running in between) before giving up (default 5). */
  readonly maxRestarts?: number;
  /** Delay before the first restart; doubled for each further one (default 200 ms). */
  readonly backoffMs?: number;
  /** Longest delay between restarts (default 5 s). */
  readonly maxBackoffMs?: number;
  /** Running this long makes the next unexpected exit count as the first again (default 30 s). */
  readonly stableMs?: number;
  /** SIGTERM, then SIGKILL after this long, when stopping (default 5 s). */
  readonly stopTimeoutMs?: number;
  /** Each line the child writes to stdout or stderr (default: logged at debug). */
  readonly onOutput?: (line: string) => void;
}

/** Events, in the order they happen. */
export interface SupervisorEvents {
  /** A start (the first or a restart) became ready. */
  started: [{ readonly pid: number; readonly restarts: number }];
  /** The process ended; `expected` is true only for exits caused by `stop()`. */
  exited: [{ readonly pid: number; readonly code: number | null; readonly signal: NodeJS.Signals | null; readonly expected: boolean }];
  /** No more restarts will be tried; the state stays `gaveUp`. */
  gaveUp: [{ readonly restarts: number; readonly reason: string }];
}

/** util-linux's setpriv: sets PR_SET_PDEATHSIG and execs the program in place (same pid). */
const SETPRIV = '/usr/bin/setpriv';
const CAN_TIE_TO_PARENT = process.platform === 'linux' && fs.existsSync(SETPRIV);

/**
 * Spawns `command` tied to this process (killed by the kernel when the service dies, even by
 * SIGKILL) where setpriv exists. The one place child processes are started: the supervisor below
 * and the media layer's masking chains (three processes piped together, restarted as one unit by
 * their pipeline) both use it.
 */
export function spawnTied(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const [file, argv] = CAN_TIE_TO_PARENT ? [SETPRIV, ['--pdeathsig', 'KILL', '--', command, ...args]] : [command, [...args]];
  return spawn(file, argv, options);
}

/** How restarts back off; the one policy for the embedded database and the masking chains. */
export interface BackoffOptions {
  /** Delay before the first restart; doubled for each further one in a row. */
  readonly backoffMs: number;
  /** Longest delay. */
  readonly maxBackoffMs: number;
  /** A unit that ran this long before it ended starts again as if for the first time. */
  readonly stableMs: number;
  /** Restarts in a row before giving up (Infinity: for as long as the unit is wanted). */
  readonly maxRestarts: number;
}

/**
 * When to restart something that ended on its own: exponential backoff over the restarts in a
 * row, counted afresh after a run of `stableMs`, bounded by `maxRestarts`.
 */
export class Backoff {
  #restarts = 0;

  constructor(private readonly opts: BackoffOptions) {}

  /** Restarts in a row so far. */
  get restarts(): number {
    return this.#restarts;
  }

  /** The delay before restarting a unit that ran `ranMs` (0: it never became ready); undefined: give up. */
  next(ranMs: number): number | undefined {
    if (ranMs >= this.opts.stableMs) this.#restarts = 0;
    if (this.#restarts >= this.opts.maxRestarts) return undefined;
    return Math.min(this.opts.maxBackoffMs, this.opts.backoffMs * 2 ** this.#restarts++);
  }
}

/** A supervised child process; see the module comment. */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  #state: SupervisorState = 'idle';
  #child: ChildProcess | undefined;
  readonly #backoff: Backoff;
  #startedAt = 0;
  #timer: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;
  readonly #log: Logger;
  readonly #opts: Required<Pick<SupervisorOptions, 'readyTimeoutMs' | 'maxRestarts' | 'backoffMs' | 'maxBackoffMs' | 'stableMs' | 'stopTimeoutMs'>> & SupervisorOptions;

  constructor(opts: SupervisorOptions) {
    super();
    this.#opts = { readyTimeoutMs: 15_000, maxRestarts: 5, backoffMs: 200, maxBackoffMs: 5000, stableMs: 30_000, stopTimeoutMs: 5000, ...opts };
    this.#backoff = new Backoff(this.#opts);
    this.#log = opts.logger.child({ module: 'supervisor', process: opts.name });
    if (!CAN_TIE_TO_PARENT) this.#log.warn('start() cannot tie the child to this process (no setpriv): it may outlive a killed service');
  }

  get state(): SupervisorState {
    return this.#state;
  }

  /** Pid of the running child, if any. */
  get pid(): number | undefined {
    return this.#child?.exitCode === null && this.#child.signalCode === null ? this.#child.pid : undefined;
  }

  /** Restarts since the process last ran for `stableMs`. */
  get restarts(): number {
    return this.#backoff.restarts;
  }

  /**
   * Starts the process and resolves once it is ready. A first start that fails (exits, or is
   * not ready in time) rejects without restarting: that is a set-up error, not a crash.
   */
  async start(): Promise<void> {
    if (this.#state !== 'idle') throw new Error(`start(): ${this.#opts.name} was already started`);
    this.#state = 'starting';
    try {
      await this.#launch();
    } catch (err) {
      this.#state = 'stopped';
      throw err;
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL) and every restart still planned. Idempotent. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop();
    return this.#stopping;
  }

  async #stop(): Promise<void> {
    const previous = this.#state;
    this.#state = 'stopping';
    clearTimeout(this.#timer);
    const child = this.#child;
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const kill = setTimeout(() => child.kill('SIGKILL'), this.#opts.stopTimeoutMs);
      await exited;
      clearTimeout(kill);
    }
    this.#state = previous === 'gaveUp' ? 'gaveUp' : 'stopped';
    this.#log.info('stop() stopped');
  }

  /** Spawns once and waits until ready; rejects (after killing it) when it is not. */
  async #launch(): Promise<void> {
    const { command, args = [], env, cwd } = this.#opts;
    // setpriv would start and then fail to exec: check what we can before spawning.
    if (command.includes('/') && !isExecutable(command)) throw new Error(`launch(): ${this.#opts.name}: ${command} is not an executable file`);
    const child = spawnTied(command, args, { cwd, env: env ?? { PATH: '/usr/local/bin:/usr/bin:/bin' }, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    const output = this.#opts.onOutput ?? ((line: string) => this.#log.debug({ line }, 'launch() output'));
    for (const stream of [child.stdout, child.stderr]) {
      let rest = '';
      stream?.setEncoding('utf8').on('data', (d: string) => {
        const lines = (rest + d).split('\n');
        rest = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) output(line);
      });
    }
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
    let spawnError: Error | undefined;
    child.once('error', (err) => (spawnError = err));
    child.once('exit', (code, signal) => {
      exit = { code, signal };
      this.#onExit(child, code, signal);
    });
    await this.#waitReady(child, () => exit ?? spawnError);
    this.#startedAt = Date.now();
    this.#state = 'running';
    this.#log.info({ pid: child.pid, restarts: this.restarts }, 'launch() started');
    this.emit('started', { pid: child.pid!, restarts: this.restarts });
  }

  async #waitReady(child: ChildProcess, failed: () => unknown): Promise<void> {
    const deadline = Date.now() + this.#opts.readyTimeoutMs;
    const { ready } = this.#opts;
    for (let poll = 0; ; poll++) {
      const failure = failed();
      if (failure) throw new Error(`launch(): ${this.#opts.name} ended before it was ready (${describe(failure)})`);
      if (this.#state === 'stopping') throw new Error(`launch(): ${this.#opts.name} was stopped while starting`);
      // Without a check, still running one poll after spawning counts as ready.
      if (child.pid !== undefined && (ready ? await ready().catch(() => false) : poll > 0)) {
        if (!failed()) return;
        continue;
      }
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`launch(): ${this.#opts.name} was not ready within ${this.#opts.readyTimeoutMs} ms`);
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  #onExit(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (child !== this.#child) return;
    const expected = this.#state === 'stopping' || this.#state === 'stopped';
    const wasRunning = this.#state === 'running';
    if (!expected) this.#log.error({ pid: child.pid, code, signal }, 'onExit() exited unexpectedly');
    this.emit('exited', { pid: child.pid ?? -1, code, signal, expected });
    // A launch that fails while starting is handled by its own caller (start() or a restart).
    if (expected || !wasRunning) return;
    this.#scheduleRestart(`exited with ${signal ?? `code ${code}`}`, Date.now() - this.#startedAt);
  }

  /** Plans the next start of a process that ran `ranMs` (0: a restart that never became ready). */
  #scheduleRestart(reason: string, ranMs: number): void {
    const delay = this.#backoff.next(ranMs);
    if (delay === undefined) {
      this.#state = 'gaveUp';
      this.#log.error({ restarts: this.restarts, reason }, 'scheduleRestart() gave up');
      this.emit('gaveUp', { restarts: this.restarts, reason });
      return;
    }
    this.#state = 'backoff';
    this.#log.warn({ delayMs: delay, restart: this.restarts, of: this.#opts.maxRestarts, reason }, 'scheduleRestart() restarting after a delay');
    this.#timer = setTimeout(() => {
      if (this.#state !== 'backoff') return;
      this.#state = 'starting';
      this.#launch().catch((err: unknown) => {
        if (this.#state === 'stopping' || this.#state === 'stopped') return;
        this.#scheduleRestart(err instanceof Error ? err.message : String(err), 0);
      });
    }, delay);
  }
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function describe(failure: unknown): string {
  if (failure instanceof Error) return failure.message;
  const f = failure as { code: number | null; signal: string | null };
  return f.signal ? `signal ${f.signal}` : `code ${f.code}`;
}
