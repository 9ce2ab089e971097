import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { Backoff, Supervisor, type SupervisorEvents, type SupervisorOptions } from '../../common/supervisor.js';
import { createLogger } from '../../server/logger.js';
import { ROOT } from '../support/hooks.js';

/** A supervisor whose log lines are kept in `lines`. */
function supervised(opts: Omit<SupervisorOptions, 'logger' | 'name'>): { sup: Supervisor; lines: { msg: string }[] } {
  const lines: { msg: string }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString('utf8')) as { msg: string });
      cb();
    },
  });
  return { sup: new Supervisor({ name: 'test-child', logger: createLogger('debug', sink), ...opts }), lines };
}

function next<K extends keyof SupervisorEvents>(sup: Supervisor, event: K): Promise<SupervisorEvents[K][0]> {
  return new Promise((resolve) => sup.once(event, ((e: SupervisorEvents[K][0]) => resolve(e)) as never));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('restart backoff (the database and the masking chains alike)', () => {
  it('doubles up to the longest delay, counts afresh after a stable run, and gives up after the bound', () => {
    const b = new Backoff({ backoffMs: 100, maxBackoffMs: 500, stableMs: 1000, maxRestarts: 5 });
    expect([0, 0, 0, 0, 0].map((ran) => b.next(ran))).to.deep.equal([100, 200, 400, 500, 500]);
    expect(b.next(0), 'the sixth restart in a row').to.equal(undefined);
    expect(b.next(1000), 'after a stable run').to.equal(100);
    expect(b.restarts).to.equal(1);
    const forever = new Backoff({ backoffMs: 250, maxBackoffMs: 5000, stableMs: 30_000, maxRestarts: Infinity });
    const delays = Array.from({ length: 40 }, () => forever.next(10));
    expect(delays.slice(0, 6)).to.deep.equal([250, 500, 1000, 2000, 4000, 5000]);
    expect(delays.every((d) => d !== undefined && d <= 5000)).to.equal(true);
  });
});

describe('process supervisor', () => {
  it('restarts a child that exits unexpectedly, after a delay that doubles each time', async function () {
    this.timeout(15_000);
    const { sup, lines } = supervised({ command: 'sleep', args: ['30'], backoffMs: 150, maxRestarts: 5 });
    await sup.start();
    try {
      const delays: number[] = [];
      const pids = [sup.pid!];
      for (let i = 0; i < 3; i++) {
        const exited = next(sup, 'exited');
        const started = next(sup, 'started');
        process.kill(sup.pid!, 'SIGKILL');
        expect((await exited).expected).to.equal(false);
        const t0 = Date.now();
        const s = await started;
        delays.push(Date.now() - t0);
        expect(s.restarts).to.equal(i + 1);
        pids.push(s.pid);
      }
      expect(new Set(pids).size, 'a new process each time').to.equal(4);
      expect(delays[0]).to.be.at.least(140);
      expect(delays[1]).to.be.at.least(290);
      expect(delays[2]).to.be.at.least(590);
      expect(sup.state).to.equal('running');
      expect(lines.filter((l) => l.msg === 'scheduleRestart() restarting after a delay')).to.have.length(3);
      expect(lines.some((l) => l.msg === 'onExit() exited unexpectedly')).to.equal(true);
    } finally {
      await sup.stop();
    }
  });

  it('gives up after the bounded number of restarts, says so and stays given up', async function () {
    this.timeout(10_000);
    const { sup, lines } = supervised({ command: process.execPath, args: ['-e', 'setTimeout(() => process.exit(3), 100)'], backoffMs: 20, maxRestarts: 3 });
    const starts: number[] = [];
    sup.on('started', (e) => starts.push(e.restarts));
    const gaveUp = next(sup, 'gaveUp');
    await sup.start();
    const e = await gaveUp;
    expect(e.restarts).to.equal(3);
    expect(e.reason).to.equal('exited with code 3');
    expect(starts).to.deep.equal([0, 1, 2, 3]);
    expect(sup.state).to.equal('gaveUp');
    expect(lines.some((l) => l.msg === 'scheduleRestart() gave up')).to.equal(true);
    await sup.stop();
    expect(sup.state).to.equal('gaveUp');
  });

  it('a first start that fails rejects at once and is not retried', async () => {
    const { sup } = supervised({ command: '/nonexistent/witness-bridge-tool', backoffMs: 10 });
    let restarted = false;
    sup.on('started', () => (restarted = true));
    const err = await sup.start().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.match(/is not an executable file/);
    await new Promise((r) => setTimeout(r, 100));
    expect(restarted).to.equal(false);
    expect(sup.state).to.equal('stopped');
  });

  it('waits for the readiness check and counts a start that never gets ready as failed', async function () {
    this.timeout(10_000);
    let readyAfter = Date.now() + 300;
    const { sup } = supervised({ command: 'sleep', args: ['30'], ready: () => Promise.resolve(Date.now() > readyAfter), readyTimeoutMs: 1000 });
    const t0 = Date.now();
    await sup.start();
    expect(Date.now() - t0).to.be.at.least(250);
    await sup.stop();
    readyAfter = Number.POSITIVE_INFINITY;
    const { sup: never } = supervised({ command: 'sleep', args: ['30'], ready: () => Promise.resolve(false), readyTimeoutMs: 300 });
    const err = await never.start().then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.message).to.match(/not ready within 300 ms/);
  });

  it('stop() ends the child with SIGTERM, or SIGKILL when it ignores SIGTERM, and no restart follows', async function () {
    this.timeout(10_000);
    const stubborn = "process.on('SIGTERM', () => {}); console.log('ignoring SIGTERM'); setInterval(() => {}, 1000)";
    let ignoring = false;
    const { sup } = supervised({ command: process.execPath, args: ['-e', stubborn], stopTimeoutMs: 300, onOutput: () => (ignoring = true), ready: () => Promise.resolve(ignoring) });
    await sup.start();
    const pid = sup.pid!;
    let restarted = false;
    sup.on('started', () => (restarted = true));
    const exited = next(sup, 'exited');
    await sup.stop();
    const e = await exited;
    expect(e).to.deep.include({ expected: true, signal: 'SIGKILL' });
    expect(alive(pid)).to.equal(false);
    await new Promise((r) => setTimeout(r, 300));
    expect(restarted).to.equal(false);
    expect(sup.state).to.equal('stopped');
  });

  it('never leaves an orphan: the child dies when its supervising process is killed with SIGKILL', async function () {
    this.timeout(10_000);
    const script = [
      `import { Supervisor } from ${JSON.stringify(`${ROOT}/dist/common/supervisor.js`)};`,
      `import { pino } from 'pino';`,
      `const sup = new Supervisor({ name: 'orphan-probe', command: 'sleep', args: ['60'], logger: pino({ level: 'silent' }) });`,
      `sup.on('started', (e) => console.log('child ' + e.pid));`,
      `await sup.start();`,
      `setInterval(() => {}, 1000);`,
    ].join('\n');
    const parent = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const childPid = await new Promise<number>((resolve, reject) => {
      parent.stdout.setEncoding('utf8').on('data', (d: string) => {
        const m = /child (\d+)/.exec(d);
        if (m) resolve(Number(m[1]));
      });
      parent.once('exit', () => reject(new Error('the supervising process exited early')));
    });
    expect(alive(childPid)).to.equal(true);
    parent.kill('SIGKILL');
    const deadline = Date.now() + 3000;
    while (alive(childPid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    expect(alive(childPid), 'child still running after its supervisor was killed').to.equal(false);
  });
});
