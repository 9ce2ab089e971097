/**
 * The load client's own Go tests (packet and frame counting, which every bench:media figure
 * rests on) run inside `npm test`.
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { expect } from 'chai';
import { ROOT } from '../support/hooks.js';

const run = promisify(execFile);

describe('tools/loadclient', () => {
  it('counts loss, retransmissions, key frames and decodable frames as its Go tests expect', async function () {
    this.timeout(300_000);
    const { stdout } = await run('go', ['test', './...'], { cwd: path.join(ROOT, 'tools/loadclient'), env: { ...process.env, CGO_ENABLED: '0' } });
    expect(stdout).to.match(/^ok\s+witnessbridge\/tools\/loadclient/m);
  });
});
