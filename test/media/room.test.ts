import { expect } from 'chai';
import type { types } from '../../media/mediasoup.js';
import { Room } from '../../media/room.js';
import { Rooms } from '../../media/rooms.js';
import { WorkerPool } from '../../media/workerPool.js';
import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../server/logger.js';

const listen = { listenIp: '127.0.0.1', announcedIp: undefined };
const VIDEO: types.RtpParameters = {
  codecs: [{ mimeType: 'video/VP8', payloadType: 101, clockRate: 90000, rtcpFeedback: [] }],
  encodings: [{ ssrc: 11111111 }],
  rtcp: { cname: 'witness' },
};
const AUDIO: types.RtpParameters = {
  codecs: [{ mimeType: 'audio/opus', payloadType: 100, clockRate: 48000, channels: 2 }],
  encodings: [{ ssrc: 22222222 }],
  rtcp: { cname: 'witness' },
};

/** A peer with a send and a receive transport and the router's own capabilities. */
async function enter(room: Room, id: string, role: 'witness' | 'judge' | 'accused' | 'public') {
  const peer = room.addPeer(id, role, role);
  peer.rtpCapabilities = room.rtpCapabilities;
  const recv = await room.createTransport(id, 'recv');
  const send = role === 'public' ? undefined : await room.createTransport(id, 'send');
  return { peer, recv: recv.id, send: send?.id };
}

describe('media rooms (real mediasoup workers)', () => {
  let pool: WorkerPool;
  let rooms: Rooms;
  const cfg = loadConfig({ DATA_DIR: '/tmp/wb-media-test' });
  before(async () => {
    pool = await WorkerPool.create({ workerBin: cfg.media.workerBin, count: 2, rtcMinPort: 46000, rtcMaxPort: 46999, logLevel: 'warn', logger: createLogger('silent') });
    rooms = new Rooms(pool, listen, createLogger('silent'));
  });
  after(() => {
    rooms.closeAll();
    pool.close();
  });

  it('concurrent joins of one session share a single room', async () => {
    let created = 0;
    const all = await Promise.all(Array.from({ length: 5 }, () => rooms.getOrCreate('s-concurrent', [], () => created++)));
    expect(new Set(all).size).to.equal(1);
    expect(created).to.equal(1);
    rooms.close('s-concurrent');
    expect(rooms.get('s-concurrent')).to.equal(undefined);
  });

  it('faceMask: the accused may consume the witness audio but a consume of the video is refused', async () => {
    const room = await rooms.getOrCreate('s-mask', ['faceMask'], () => {});
    const witness = await enter(room, 'w', 'witness');
    const accused = await enter(room, 'a', 'accused');
    const judge = await enter(room, 'j', 'judge');
    const offered: string[] = [];
    room.on('newProducer', (e) => offered.push(`${e.to}:${e.producer.kind}`));
    const videoId = await room.produce('w', witness.send!, 'video', VIDEO);
    const audioId = await room.produce('w', witness.send!, 'audio', AUDIO);
    expect(offered.sort()).to.deep.equal(['a:audio', 'j:audio', 'j:video']);
    expect((await room.consume('a', accused.recv, audioId)).kind).to.equal('audio');
    let refused: unknown;
    await room.consume('a', accused.recv, videoId).catch((e: unknown) => (refused = e));
    expect(refused).to.include({ code: 'consume_forbidden', status: 403 });
    expect(accused.peer.consumers.size).to.equal(1);
    expect((await room.consume('j', judge.recv, videoId)).kind).to.equal('video');
    expect(room.producersFor('a').map((p) => p.kind)).to.deep.equal(['audio']);
    rooms.close('s-mask');
  });

  it('closedSession closes the public gallery consumers at once and tells them', async () => {
    const room = await rooms.getOrCreate('s-closed', [], () => {});
    const witness = await enter(room, 'w', 'witness');
    const pub = await enter(room, 'p', 'public');
    const judge = await enter(room, 'j', 'judge');
    const v = await room.produce('w', witness.send!, 'video', VIDEO);
    const a = await room.produce('w', witness.send!, 'audio', AUDIO);
    await room.consume('p', pub.recv, v);
    await room.consume('p', pub.recv, a);
    await room.consume('j', judge.recv, v);
    const closed: string[] = [];
    room.on('consumerClosed', (e) => closed.push(`${e.to}:${e.reason}`));
    room.setMeasures(['closedSession']);
    expect(pub.peer.consumers.size).to.equal(0);
    expect(judge.peer.consumers.size).to.equal(1);
    expect(closed).to.deep.equal(['p:policy', 'p:policy']);
    let refused: unknown;
    await room.consume('p', pub.recv, v).catch((e: unknown) => (refused = e));
    expect(refused).to.include({ code: 'consume_forbidden' });
    rooms.close('s-closed');
  });

  it('a server-side pause reaches the consumers of the producer', async () => {
    const room = await rooms.getOrCreate('s-pause', [], () => {});
    const witness = await enter(room, 'w', 'witness');
    const judge = await enter(room, 'j', 'judge');
    const v = await room.produce('w', witness.send!, 'video', VIDEO);
    const c = await room.consume('j', judge.recv, v);
    const paused = new Promise((resolve) => room.once('consumerPaused', resolve));
    const info = await room.setProducerPaused(v, true);
    expect(info.paused).to.equal(true);
    expect(await paused).to.deep.include({ to: 'j', consumerId: c.id, paused: true });
    expect(judge.peer.consumer(c.id).producerPaused).to.equal(true);
    rooms.close('s-pause');
  });

  it('a stream the operator paused stays paused when the participant closes it and publishes again, or rejoins', async () => {
    const room = await rooms.getOrCreate('s-held', [], () => {});
    let witness = await enter(room, 'w', 'witness');
    await enter(room, 'j', 'judge');
    const v = await room.produce('w', witness.send!, 'video', VIDEO);
    await room.produce('w', witness.send!, 'audio', AUDIO);
    await room.setProducerPaused(v, true);
    // Closing the paused stream and publishing it again does not undo the pause.
    witness.peer.closeProducer(v);
    const told: unknown[] = [];
    room.on('producerPaused', (e) => told.push(e));
    const again = await room.produce('w', witness.send!, 'video', { ...VIDEO, encodings: [{ ssrc: 33333333 }] });
    expect(witness.peer.producer(again).paused).to.equal(true);
    expect(room.producersFor('j').find((p) => p.producerId === again)?.paused).to.equal(true);
    expect(told).to.deep.include({ to: 'w', producerId: again, paused: true });
    // Nor does leaving and joining again; the audio, never paused, is published live.
    room.removePeer('w');
    witness = await enter(room, 'w', 'witness');
    const rejoined = await room.produce('w', witness.send!, 'video', VIDEO);
    expect(witness.peer.producer(rejoined).paused).to.equal(true);
    expect(witness.peer.producer(await room.produce('w', witness.send!, 'audio', AUDIO)).paused).to.equal(false);
    // Once resumed by the operator, a new stream starts live.
    await room.setProducerPaused(rejoined, false);
    witness.peer.closeProducer(rejoined);
    const live = await room.produce('w', witness.send!, 'video', { ...VIDEO, encodings: [{ ssrc: 44444444 }] });
    expect(witness.peer.producer(live).paused).to.equal(false);
    rooms.close('s-held');
  });

  it('when its worker dies the room is rebuilt on a live worker and asks for a media reset', async function () {
    this.timeout(15_000);
    const room = await rooms.getOrCreate('s-die', [], () => {});
    const witness = await enter(room, 'w', 'witness');
    await room.produce('w', witness.send!, 'video', VIDEO);
    const pid = pool.workerPidOf(room.router)!;
    const oldRouter = room.router.id;
    const reset = new Promise<void>((resolve) => room.once('mediaReset', resolve));
    process.kill(pid, 'SIGKILL');
    await reset;
    expect(room.router.id).to.not.equal(oldRouter);
    expect(room.router.closed).to.equal(false);
    expect(witness.peer.producers.size).to.equal(0);
    expect(room.peers.map((p) => p.id)).to.deep.equal(['w']);
    await room.createTransport('w', 'send');
    rooms.close('s-die');
  });
});
