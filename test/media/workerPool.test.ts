import { expect } from 'chai';
import { WorkerPool } from '../../media/workerPool.js';
import { createLogger } from '../../server/logger.js';
import { loadConfig } from '../../config/index.js';

describe('media worker pool (real mediasoup worker)', () => {
  let pool: WorkerPool;
  const cfg = loadConfig({ DATA_DIR: '/tmp/wb-media-test' });
  before(async () => {
    pool = await WorkerPool.create({
      workerBin: cfg.media.workerBin,
      count: 2,
      webRtc: { ip: '127.0.0.1', announcedAddress: undefined, port: 0 },
      rtcMinPort: cfg.media.rtcMinPort,
      rtcMaxPort: cfg.media.rtcMaxPort,
      logLevel: 'warn',
      logger: createLogger('silent'),
    });
  });
  after(() => pool.close());

  it('runs the pinned mediasoup version', async () => {
    const ms = await import('mediasoup');
    expect(ms.version).to.equal('3.19.3');
  });

  it('creates a router and a WebRTC transport on the worker\'s WebRtcServer', async () => {
    const router = await pool.createRouter();
    const transport = await router.createWebRtcTransport({ webRtcServer: pool.webRtcServerOf(router), enableUdp: true, enableTcp: true });
    expect(router.rtpCapabilities.codecs?.map((c) => c.mimeType)).to.include.members(['audio/opus', 'video/VP8']);
    expect(transport.iceCandidates.map((c) => c.protocol).sort()).to.deep.equal(['tcp', 'udp']);
    expect(transport.iceCandidates.every((c) => c.address === '127.0.0.1')).to.equal(true);
    expect(transport.dtlsParameters.fingerprints.length).to.be.greaterThan(0);
    router.close();
    expect(transport.closed).to.equal(true);
  });

  it('all WebRTC transports of a worker share one UDP and one TCP port, however many there are', async () => {
    const router = await pool.createRouter();
    const server = pool.webRtcServerOf(router);
    const transports = await Promise.all(Array.from({ length: 200 }, () => router.createWebRtcTransport({ webRtcServer: server, enableUdp: true, enableTcp: true })));
    const ports = (protocol: string) => new Set(transports.flatMap((t) => t.iceCandidates.filter((c) => c.protocol === protocol).map((c) => c.port)));
    expect(ports('udp').size).to.equal(1);
    expect(ports('tcp').size).to.equal(1);
    router.close();
  });

  it('places routers on the least-loaded worker, each worker with its own server', async () => {
    const a = await pool.createRouter();
    const b = await pool.createRouter();
    expect(pool.workerPidOf(a)).not.to.equal(pool.workerPidOf(b));
    expect(pool.webRtcServerOf(a)).not.to.equal(pool.webRtcServerOf(b));
    expect(pool.statuses().map((s) => s.routers)).to.deep.equal([1, 1]);
    a.close();
    b.close();
    expect(pool.statuses().map((s) => s.routers)).to.deep.equal([0, 0]);
  });

  it('replaces a killed worker with one that has a WebRtcServer again', async () => {
    const router = await pool.createRouter();
    const pid = pool.workerPidOf(router)!;
    const replaced = new Promise<{ index: number; pid: number }>((resolve) => pool.once('workerReplaced', resolve));
    process.kill(pid, 'SIGKILL');
    const fresh = await replaced;
    expect(fresh.pid).not.to.equal(pid);
    expect(pool.allAlive).to.equal(true);
    const routers = [await pool.createRouter(), await pool.createRouter()];
    for (const r of routers) {
      const t = await r.createWebRtcTransport({ webRtcServer: pool.webRtcServerOf(r), enableUdp: true });
      expect(t.iceCandidates.length).to.be.greaterThan(0);
      r.close();
    }
  });
});
