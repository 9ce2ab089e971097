/**
 * Every `bench:*` script of package.json runs in its smoke mode (`--smoke`: tiny sizes, a few
 * seconds per part) and must exit 0, so a change that breaks a benchmark fails the suite. The
 * figures of a smoke run mean nothing; only full runs (`npm run bench:…`) give figures.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect } from 'chai';
import { ROOT } from '../support/hooks.js';

const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
const benches = Object.entries(scripts).filter(([name]) => name.startsWith('bench:'));

/** What each benchmark's smoke run must print besides exiting 0 (its parts all ran). */
const MUST_PRINT: Record<string, readonly string[]> = {
  'bench:media': ['Witness Bridge room (media process', 'bare mediasoup router (media process', 'Janus 1.1.2 VideoRoom (media process', '| System |', 'ratios:', 'hearing(s)', 'recovery after the outage', 'time to first frame in headless Chromium', 'added latency of the masked path', 'whole-frame mode'],
};

function runSmoke(file: string, timeoutMs: number): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file, '--smoke'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (out += b.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, out });
    });
  });
}

describe('benchmark scripts (smoke runs)', () => {
  it('package.json has bench:api and bench:media, each running a compiled script', () => {
    expect(benches.map(([name]) => name)).to.include.members(['bench:api', 'bench:media']);
    for (const [name, cmd] of benches) expect(cmd, name).to.match(/node dist\/scripts\/[\w-]+\.js/);
  });

  for (const [name, cmd] of benches) {
    it(`${name} --smoke exits 0 and runs every part`, async function () {
      this.timeout(400_000);
      const file = path.join(ROOT, /node (dist\/scripts\/[\w-]+\.js)/.exec(cmd)![1]!);
      // A script without a smoke mode would run in full for minutes: say so at once.
      expect(fs.readFileSync(file, 'utf8'), `${name} has no --smoke mode`).to.include("'--smoke'");
      const { code, out } = await runSmoke(file, 380_000);
      expect(code, `${name} --smoke failed:\n${out.slice(-4000)}`).to.equal(0);
      for (const line of MUST_PRINT[name] ?? []) expect(out, `${name} --smoke did not print "${line}":\n${out.slice(-4000)}`).to.include(line);
    });
  }
});
