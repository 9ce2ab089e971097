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
      rtcMinPort: cfg.media.rtcMinPort,
      rtcMaxPort: cfg.media.rtcMaxPort,
      logLevel: 'warn',
      logger: createLogger('silent'),
    });
  });
  after(() => pool.close());

  it('creates a router and a WebRTC transport on the real worker', async () => {
    const router = await pool.createRouter();
    const transport = await router.createWebRtcTransport({ listenIps: [{ ip: '127.0.0.1' }], enableUdp: true, enableTcp: true });
    expect(router.rtpCapabilities.codecs?.map((c) => c.mimeType)).to.include.members(['audio/opus', 'video/VP8']);
    expect(transport.iceCandidates.length).to.be.greaterThan(0);
    expect(transport.iceCandidates[0]!.ip).to.equal('127.0.0.1');
    expect(transport.dtlsParameters.fingerprints.length).to.be.greaterThan(0);
    router.close();
    expect(transport.closed).to.equal(true);
  });

  it('places routers on the least-loaded worker', async () => {
    const a = await pool.createRouter();
    const b = await pool.createRouter();
    expect(pool.workerPidOf(a)).not.to.equal(pool.workerPidOf(b));
    expect(pool.statuses().map((s) => s.routers)).to.deep.equal([1, 1]);
    a.close();
    b.close();
    expect(pool.statuses().map((s) => s.routers)).to.deep.equal([0, 0]);
  });
});
