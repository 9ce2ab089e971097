import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import express from 'express';
import { UnauthorizedError } from '../../../common/errors.js';
import { RouteKit } from '../../../server/http/routeKit.js';

describe('RouteKit: handlers still running at shutdown', () => {
  it('settled() waits for a handler whose client hung up, and gives up after its time limit', async () => {
    const kit = new RouteKit(() => Promise.reject(new UnauthorizedError()));
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    let finished = false;
    kit.add({
      key: 'GET /openapi.json',
      tag: 'test',
      summary: 'A slow handler standing in for a write that outlives its client.',
      handle: async () => {
        started = true;
        await gate;
        finished = true;
        return { ok: true };
      },
    });
    const app = express();
    app.use(kit.router);
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const req = http.get(`http://127.0.0.1:${port}/openapi.json`);
      req.on('error', () => undefined);
      while (!started) await new Promise((r) => setTimeout(r, 5));
      req.destroy(); // the client goes away; the handler does not
      let settled = false;
      const waiting = kit.settled(10_000).then(() => (settled = true));
      await new Promise((r) => setTimeout(r, 100));
      expect(settled, 'settled before the handler finished').to.equal(false);
      release();
      await waiting;
      expect(finished).to.equal(true);

      // A handler that never ends does not hold shutdown beyond the limit.
      const stuck = new RouteKit(() => Promise.reject(new UnauthorizedError()));
      stuck.add({ key: 'GET /openapi.json', tag: 'test', summary: 'Never answers.', handle: () => new Promise(() => undefined) });
      const app2 = express().use(stuck.router);
      const server2 = app2.listen(0, '127.0.0.1');
      await new Promise((resolve) => server2.once('listening', resolve));
      const req2 = http.get(`http://127.0.0.1:${(server2.address() as AddressInfo).port}/openapi.json`);
      req2.on('error', () => undefined);
      await new Promise((r) => setTimeout(r, 100));
      const t0 = Date.now();
      await stuck.settled(300);
      expect(Date.now() - t0).to.be.within(250, 2000);
      req2.destroy();
      server2.closeAllConnections();
      server2.close();
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
