/**
 * First run (issue 11 item 8) through what `npm start` runs: with no administrator, the first
 * start creates one with a one-time password printed once on the console and kept in a mode-600
 * file in DATA_DIR until it is changed, and prints the address to open; on a terminal the logs
 * are human-readable, JSON otherwise.
 */
import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import request from 'supertest';
import { freePort } from '../../../server/db/embedded.js';
import { ROOT } from '../../support/hooks.js';

interface Started {
  readonly child: ChildProcess;
  readonly output: () => string;
}

/** Starts `node dist/server/main.js`, optionally under a pseudo-terminal (util-linux `script`), and waits until it says where to open it. */
async function startMain(env: Record<string, string>, tty = false): Promise<Started> {
  const node = [process.execPath, path.join(ROOT, 'dist/server/main.js')];
  const [cmd, args] = tty ? ['script', ['-qfec', node.join(' '), '/dev/null']] : [node[0]!, node.slice(1)];
  const child = spawn(cmd as string, args as string[], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN ?? '', HOST: '127.0.0.1', MEDIA_WORKERS: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const deadline = Date.now() + 20_000;
  while (!/Witness Bridge is running/.test(out)) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start: ${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return { child, output: () => out };
}

async function stop(s: Started): Promise<void> {
  if (s.child.exitCode !== null) return;
  const exited = new Promise((resolve) => s.child.once('exit', resolve));
  s.child.kill('SIGTERM');
  await exited;
}

describe('first run of npm start', function () {
  this.timeout(90_000);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-first-run-'));
  const secretsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'wb-first-run-secrets-'));
  after(() => {
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(secretsDir, { recursive: true, force: true });
  });

  it('creates a one-time administrator printed once and kept in a mode-600 file until changed; the next start prints no password', async () => {
    const port = await freePort();
    const env = { PORT: String(port), DATA_DIR: dataDir, SECRETS_DIR: secretsDir, LOG_LEVEL: 'warn' };
    const url = `http://127.0.0.1:${port}`;
    const first = await startMain(env);
    let password: string | undefined;
    try {
      const out = first.output();
      expect(out).to.include(`open http://127.0.0.1:${port}/`);
      password = /password: (\S+)/.exec(out)?.[1];
      expect(password).to.match(/^[A-Za-z0-9_-]{24}$/);
      const file = path.join(dataDir, 'initial-admin-password');
      expect(fs.statSync(file).mode & 0o777).to.equal(0o600);
      expect(fs.readFileSync(file, 'utf8')).to.equal(`username: admin\npassword: ${password}\n`);
      const login = await request(url).post('/api/auth/login').send({ username: 'admin', password }).expect(200);
      expect(login.body.user).to.include({ role: 'admin', mustChangePassword: true });
      await request(url).get('/api/users').set('Authorization', `Bearer ${login.body.token}`).expect(403);
      const changed = await request(url).post('/api/auth/password').set('Authorization', `Bearer ${login.body.token}`).send({ currentPassword: password, newPassword: 'my-chosen-admin-password' }).expect(200);
      expect(fs.existsSync(file), 'the file goes once the password is changed').to.equal(false);
      await request(url).get('/api/users').set('Authorization', `Bearer ${changed.body.token}`).expect(200);
    } finally {
      await stop(first);
    }
    const second = await startMain(env);
    try {
      expect(second.output()).to.include('Witness Bridge is running');
      expect(second.output()).not.to.include(password!);
      expect(second.output()).not.to.match(/password:/);
      await request(url).post('/api/auth/login').send({ username: 'admin', password: 'my-chosen-admin-password' }).expect(200);
    } finally {
      await stop(second);
    }
  });

  it('writes human-readable logs on a terminal and JSON lines otherwise', async () => {
    const env = { DATA_DIR: dataDir, SECRETS_DIR: secretsDir, LOG_LEVEL: 'info' };
    const piped = await startMain({ ...env, PORT: String(await freePort()) });
    await stop(piped);
    const json = piped.output().split('\n').filter((l) => l.startsWith('{'));
    expect(json.length).to.be.greaterThan(0);
    expect((JSON.parse(json[0]!) as { level: number }).level).to.be.a('number');
    const tty = await startMain({ ...env, PORT: String(await freePort()) }, true);
    await stop(tty);
    expect(tty.output()).to.match(/INFO.*startService\(\) listening/);
    expect(tty.output()).not.to.match(/^\{"level"/m);
  });
});
