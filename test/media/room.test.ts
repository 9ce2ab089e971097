import { expect } from 'chai';
import type { types } from '../../media/mediasoup.js';
import type { Peer } from '../../media/peer.js';
import { Room } from '../../media/room.js';
import { Rooms } from '../../media/rooms.js';
import { WorkerPool } from '../../media/workerPool.js';
import { loadConfig } from '../../config/index.js';
import { createLogger } from '../../server/logger.js';

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

/** A peer with a send and a receive transport that receives with the router's own capabilities. */
async function enter(room: Room, id: string, role: 'witness' | 'judge' | 'accused' | 'public' | 'operator' | 'interpreter' | 'authority') {
  const peer = room.addPeer(id, role, role);
  room.setReceiving(id, room.rtpCapabilities);
  const recv = await room.createTransport(id, 'recv');
  const send = role === 'public' ? undefined : await room.createTransport(id, 'send');
  return { peer, recv: recv.id, send: send?.id };
}

/** `to:kind:variant` of every consumer the room announced. */
function announced(room: Room): string[] {
  const out: string[] = [];
  room.on('newConsumer', (e) => out.push(`${e.to}:${e.consumer.kind}:${e.consumer.variant}`));
  return out;
}

/** What a peer receives, as `kind:variant`, sorted. */
const receives = (peer: Peer) => [...peer.consumers.values()].map((c) => `${c.kind}:${c.appData.variant}`).sort();
/** Whose audio a peer receives, as `owner` or `owner (ducked)`, sorted. */
const hears = (room: Room, peer: Peer) =>
  [...peer.consumers.values()]
    .filter((c) => c.kind === 'audio')
    .map((c) => `${room.peers.find((p) => p.producers.has(c.producerId))?.id}${c.appData.ducked ? ' (ducked)' : ''}`)
    .sort();

describe('media rooms (real mediasoup workers)', () => {
  let pool: WorkerPool;
  let rooms: Rooms;
  const cfg = loadConfig({ DATA_DIR: '/tmp/wb-media-test' });
  before(async () => {
    pool = await WorkerPool.create({
      workerBin: cfg.media.workerBin,
      count: 2,
      webRtc: { ip: '127.0.0.1', announcedAddress: undefined, port: 0 },
      rtcMinPort: 46000,
      rtcMaxPort: 46999,
      logLevel: 'warn',
      logger: createLogger('silent'),
    });
    // No masking processes here (test/e2e/media covers them): masked viewers must get nothing.
    rooms = new Rooms(pool, undefined, createLogger('silent'));
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

  it('the server gives each participant what the policy allows, without being asked', async () => {
    const room = await rooms.getOrCreate('s-push', [], () => {});
    const seen = announced(room);
    const witness = await enter(room, 'w', 'witness');
    const judge = await enter(room, 'j', 'judge');
    await room.produce('w', witness.send!, 'video', VIDEO);
    await room.produce('w', witness.send!, 'audio', AUDIO);
    const accused = await enter(room, 'a', 'accused');
    await room.delivered();
    expect(seen.sort()).to.deep.equal(['a:audio:raw', 'a:video:raw', 'j:audio:raw', 'j:video:raw']);
    expect(receives(judge.peer)).to.deep.equal(['audio:raw', 'video:raw']);
    expect(receives(accused.peer)).to.deep.equal(['audio:raw', 'video:raw']);
    expect(receives(witness.peer)).to.deep.equal([]);
    // Consumers start paused until the client says it is ready.
    expect([...judge.peer.consumers.values()].every((c) => c.paused)).to.equal(true);
    const c = [...judge.peer.consumers.values()][0]!;
    await room.consumerReady('j', c.id);
    expect(c.paused).to.equal(false);
    rooms.close('s-push');
  });

  it('a stream whose consumer the client did not set up in time is offered again, with a new consumer', async () => {
    const room = await rooms.getOrCreate('s-reoffer', [], () => {});
    const seen = announced(room);
    const witness = await enter(room, 'w', 'witness');
    const judge = await enter(room, 'j', 'judge');
    await room.produce('w', witness.send!, 'video', VIDEO);
    await room.delivered();
    const first = [...judge.peer.consumers.values()][0]!;
    room.consumerFailed('j', first.id, 'timeout');
    expect(first.closed).to.equal(true);
    expect(judge.peer.consumers.size).to.equal(0);
    const until = Date.now() + 5000;
    while (judge.peer.consumers.size === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await room.delivered();
    const second = [...judge.peer.consumers.values()][0];
    expect(second, 'offered again').to.not.equal(undefined);
    expect(second!.id).to.not.equal(first.id);
    expect(seen).to.deep.equal(['j:video:raw', 'j:video:raw']);
    await room.consumerReady('j', second!.id);
    expect(judge.peer.failedOffers.size).to.equal(0);
    expect(second!.paused).to.equal(false);
    rooms.close('s-reoffer');
  });

  it('faceMask: without running masking the accused gets the witness audio and no video at all, never the raw video; a request for it is refused', async () => {
    const room = await rooms.getOrCreate('s-mask', ['faceMask'], () => {});
    const witness = await enter(room, 'w', 'witness');
    const accused = await enter(room, 'a', 'accused');
    const judge = await enter(room, 'j', 'judge');
    const videoId = await room.produce('w', witness.send!, 'video', VIDEO);
    await room.produce('w', witness.send!, 'audio', AUDIO);
    await room.delivered();
    expect(receives(accused.peer)).to.deep.equal(['audio:raw']);
    expect(receives(judge.peer)).to.deep.equal(['audio:raw', 'video:raw']);
    expect(() => room.requestConsumer('a', videoId)).to.throw().that.includes({ code: 'consume_forbidden', status: 403 });
    await room.delivered();
    expect(receives(accused.peer)).to.deep.equal(['audio:raw']);
    rooms.close('s-mask');
  });

  it('a measure ordered while live closes the forbidden consumers at once, before it returns, and tells their owners', async () => {
    const room = await rooms.getOrCreate('s-live', [], () => {});
    const witness = await enter(room, 'w', 'witness');
    const pub = await enter(room, 'p', 'public');
    const accused = await enter(room, 'a', 'accused');
    const judge = await enter(room, 'j', 'judge');
    await room.produce('w', witness.send!, 'video', VIDEO);
    await room.produce('w', witness.send!, 'audio', AUDIO);
    await room.delivered();
    const closed: string[] = [];
    room.on('consumerClosed', (e) => closed.push(`${e.to}:${e.reason}`));
    room.setMeasures(['closedSession', 'faceMask', 'voiceMask']);
    expect(receives(pub.peer)).to.deep.equal([]);
    expect(receives(accused.peer)).to.deep.equal([]);
    expect(receives(judge.peer)).to.deep.equal(['audio:raw', 'video:raw']);
    expect(closed.sort()).to.deep.equal(['a:policy', 'a:policy', 'p:policy', 'p:policy']);
    await room.delivered();
    expect(receives(pub.peer)).to.deep.equal([]);
    // Lifting the measures gives the streams back.
    room.setMeasures([]);
    await room.delivered();
    expect(receives(pub.peer)).to.deep.equal(['audio:raw', 'video:raw']);
    rooms.close('s-live');
  });

  it('1 000 interleavings of consumer creation and closed session leave the public gallery with no consumer', async function () {
    this.timeout(60_000);
    const room = await rooms.getOrCreate('s-race', [], () => {});
    const witness = await enter(room, 'w', 'witness');
    const pub = await enter(room, 'p', 'public');
    const v = await room.produce('w', witness.send!, 'video', VIDEO);
    await room.produce('w', witness.send!, 'audio', AUDIO);
    let leaked = 0;
    // Announced to the public gallery while closed session was on: what the re-check after the
    // worker's await must prevent (the consumers themselves are also counted after each round).
    let announcedWhileClosed = 0;
    room.on('newConsumer', (e) => {
      if (e.to === 'p' && room.measures.includes('closedSession')) announcedWhileClosed++;
    });
    for (let i = 0; i < 1000; i++) {
      room.setMeasures([]);
      // The public participant also asks for the stream itself, as a forged client would.
      if (i % 3 === 0) {
        try {
          room.requestConsumer('p', v);
        } catch {
          // refused when its consumer already exists under another pass: fine
        }
      }
      // Let the worker get anywhere between not started and done with the consumers.
      const wait = i % 4;
      if (wait === 1) await Promise.resolve();
      if (wait === 2) await new Promise((r) => setImmediate(r));
      if (wait === 3) await new Promise((r) => setTimeout(r, i % 7));
      room.setMeasures(['closedSession']);
      await room.delivered();
      if (pub.peer.consumers.size > 0) leaked++;
    }
    expect(leaked).to.equal(0);
    expect(announcedWhileClosed).to.equal(0);
    rooms.close('s-race');
  });

  it('a suspension by the requested authority withholds the witness side from the court at once, and resuming gives it back', async () => {
    const room = await rooms.getOrCreate('s-suspend', [], () => {});
    const witness = await enter(room, 'w', 'witness');
    const authority = await enter(room, 'r', 'authority');
    const judge = await enter(room, 'j', 'judge');
    await room.produce('w', witness.send!, 'video', VIDEO);
    await room.produce('j', judge.send!, 'audio', AUDIO);
    await room.delivered();
    expect(receives(judge.peer)).to.deep.equal(['video:raw']);
    room.setSuspended(true);
    expect(receives(judge.peer)).to.deep.equal([]);
    await room.delivered();
    expect(receives(judge.peer)).to.deep.equal([]);
    // The witness's side still sees itself and hears the court.
    expect(receives(authority.peer)).to.deep.equal(['audio:raw', 'video:raw']);
    expect(receives(witness.peer)).to.deep.equal(['audio:raw']);
    room.setSuspended(false);
    await room.delivered();
    expect(receives(judge.peer)).to.deep.equal(['video:raw']);
    rooms.close('s-suspend');
  });

  it('simultaneous interpretation: the interpreter reaches only those who chose it, for whom the floor is ducked', async () => {
    const room = await rooms.getOrCreate('s-interp', [], () => {});
    const witness = await enter(room, 'w', 'witness');
    const interpreter = await enter(room, 'i', 'interpreter');
    const judge = await enter(room, 'j', 'judge');
    await room.produce('w', witness.send!, 'audio', AUDIO);
    await room.produce('i', interpreter.send!, 'audio', { ...AUDIO, encodings: [{ ssrc: 66666666 }] });
    await room.delivered();
    expect(hears(room, judge.peer)).to.deep.equal(['i', 'w']); // none chosen yet: plain floor
    room.setInterpretation(['i']);
    await room.delivered();
    expect(hears(room, judge.peer)).to.deep.equal(['w']);
    expect(hears(room, interpreter.peer)).to.deep.equal(['w']);
    room.setListening('j', 'interpretation');
    await room.delivered();
    expect(hears(room, judge.peer)).to.deep.equal(['i', 'w (ducked)']);
    room.setListening('j', 'floor');
    await room.delivered();
    expect(hears(room, judge.peer)).to.deep.equal(['w']);
    // Consecutive interpretation: the interpreter speaks on the floor.
    room.setInterpretation(undefined);
    await room.delivered();
    expect(hears(room, judge.peer)).to.deep.equal(['i', 'w']);
    rooms.close('s-interp');
  });

  it('a participant mutes and unmutes themselves, but an unmute does not lift the operator\'s hold', async () => {
    const room = await rooms.getOrCreate('s-mute', [], () => {});
    const witness = await enter(room, 'w', 'witness');
    await enter(room, 'j', 'judge');
    const a = await room.produce('w', witness.send!, 'audio', AUDIO);
    expect(room.mediaState('w')).to.deep.equal({ audio: 'live', video: 'none' });
    expect(await room.setOwnPaused('w', 'audio', true)).to.equal('muted');
    expect(witness.peer.producer(a).paused).to.equal(true);
    await room.setProducerPaused(a, true);
    expect(room.mediaState('w').audio).to.equal('held');
    expect(await room.setOwnPaused('w', 'audio', false)).to.equal('held');
    expect(witness.peer.producer(a).paused).to.equal(true);
    await room.setProducerPaused(a, false);
    expect(room.mediaState('w').audio).to.equal('live');
    expect(witness.peer.producer(a).paused).to.equal(false);
    // A muted participant who publishes again (a reset) stays muted.
    await room.setOwnPaused('w', 'audio', true);
    const again = await room.produce('w', witness.send!, 'audio', { ...AUDIO, encodings: [{ ssrc: 77777777 }] });
    expect(witness.peer.producer(again).paused).to.equal(true);
    rooms.close('s-mute');
  });

  it('a server-side pause reaches the consumers of the producer', async () => {
    const room = await rooms.getOrCreate('s-pause', [], () => {});
    const witness = await enter(room, 'w', 'witness');
    const judge = await enter(room, 'j', 'judge');
    const v = await room.produce('w', witness.send!, 'video', VIDEO);
    await room.delivered();
    const c = [...judge.peer.consumers.values()][0]!;
    const paused = new Promise((resolve) => room.once('consumerPaused', resolve));
    const info = await room.setProducerPaused(v, true);
    expect(info.paused).to.equal(true);
    expect(await paused).to.deep.include({ to: 'j', consumerId: c.id, paused: true });
    expect(c.producerPaused).to.equal(true);
    rooms.close('s-pause');
  });

  it('one producer per kind and one transport per direction: a second replaces the first', async () => {
    const room = await rooms.getOrCreate('s-one', [], () => {});
    const witness = await enter(room, 'w', 'witness');
    const first = await room.produce('w', witness.send!, 'video', VIDEO);
    const second = await room.produce('w', witness.send!, 'video', { ...VIDEO, encodings: [{ ssrc: 55555555 }] });
    expect([...witness.peer.producers.keys()]).to.deep.equal([second]);
    expect(first).to.not.equal(second);
    const again = await room.createTransport('w', 'send');
    expect([...witness.peer.transports.values()].filter((t) => t.appData.direction === 'send').map((t) => t.id)).to.deep.equal([again.id]);
    expect(witness.peer.producers.size).to.equal(0);
    rooms.close('s-one');
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
