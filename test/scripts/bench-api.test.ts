import { expect } from 'chai';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../support/hooks.js';

describe('npm run bench:api -- --smoke', function () {
  this.timeout(120_000);
  it('runs the whole benchmark at tiny sizes and prints every figure, so a change that breaks it fails the tests', async () => {
    // Exits 1 (and execFile rejects) when any step fails or any request is answered with an error.
    const { stdout } = await promisify(execFile)(process.execPath, [path.join(ROOT, 'dist/scripts/bench-api.js'), '--smoke'], { cwd: ROOT, env: { ...process.env, LOG_LEVEL: 'warn' }, timeout: 110_000 });
    expect(stdout).to.match(/GET \/api\/sessions \(default page of 20\): \d+ req\/s, p50 \d+ ms, p99 \d+ ms/);
    expect(stdout).to.match(/GET \/api\/reports\/summary\?groupBy=year under ~20 writes\/s \(p99 includes misses\): \d+ req\/s/);
    expect(stdout).to.match(/GET \/api\/reports\/summary\?groupBy=countryPair first request after each write \(a cache miss\): \d+ misses, p50 \d+ ms, p99 \d+ ms/);
    expect(stdout).to.match(/summaries under writes: worst p99 \d+ ms, target < 500 ms: (met|missed)/);
  });
});
