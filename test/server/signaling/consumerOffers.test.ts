/**
 * What a publisher declares reaches every viewer, and every viewer answers the server's offers
 * (`newConsumer`): a declaration that would break the viewers' SDP is refused, a viewer that
 * refuses, answers nonsense or answers late is offered the stream again, and no answer can take
 * the service down.
 */
import { expect } from 'chai';
import request from 'supertest';
import { bearer, createScenario, SCENARIO_ADMIN_ENV } from '../../support/scenario.js';
import { testDatabaseUri } from '../../support/hooks.js';
import { startTestService, type TestService } from '../../support/service.js';
import { connect, send, type ClientSocket } from './support.js';

const VIDEO = { mid: '0', codecs: [{ mimeType: 'video/VP8', payloadType: 96, clockRate: 90000 }], encodings: [{ ssrc: 434343 }], rtcp: { cname: 'w' } };

describe('what publishers declare and viewers answer (real service, real worker)', function () {
  this.timeout(60_000);
  let svc: TestService;
  const sockets: ClientSocket[] = [];
  before(async function () {
    this.timeout(30_000);
    svc = await startTestService({ ...SCENARIO_ADMIN_ENV, MONGODB_URI: testDatabaseUri('wb_consumer_offers') });
  });
  after(async () => {
    for (const s of sockets) s.close();
    await svc?.close();
  });

  /**
   * A room in its lobby with the judge and the admitted witness connected; `enterMedia()` (once
   * the test listens for offers) gives the judge a receive transport and returns the witness's
   * send transport.
   */
  async function room() {
    const s = await createScenario(svc, { measures: [], participants: ['judge', 'operator'], invitations: ['witness'] });
    await request(svc.url).post(`/api/sessions/${s.sessionId}/status`).set('Authorization', bearer(s.users.operator.token)).send({ status: 'lobby' }).expect(200);
    const judge = await connect(svc.url, { token: s.users.judge.token, sessionId: s.sessionId });
    const witnessInvitation = s.invitations.find((i) => i.role === 'witness')!;
    const witness = await connect(svc.url, { token: witnessInvitation.token });
    sockets.push(judge, witness);
    const caps = ((await send(judge, 'getRouterRtpCapabilities', {})) as { ok: true; data: { rtpCapabilities: unknown } }).data.rtpCapabilities;
    expect(await send(judge, 'admit', { participantId: witnessInvitation.participantId })).to.deep.include({ ok: true });
    const enterMedia = async (): Promise<string> => {
      expect(await send(judge, 'join', { rtpCapabilities: caps })).to.deep.include({ ok: true });
      expect(await send(judge, 'createTransport', { direction: 'recv' })).to.deep.include({ ok: true });
      expect(await send(witness, 'join', { rtpCapabilities: caps })).to.deep.include({ ok: true });
      return ((await send(witness, 'createTransport', { direction: 'send' })) as { ok: true; data: { id: string } }).data.id;
    };
    return { judge, witness, enterMedia };
  }

  it("a publisher's codec parameters and RTCP name are tokens: a line break in one, or a video codec for audio, is refused and nobody is offered it", async () => {
    const { judge, witness, enterMedia } = await room();
    let offered = 0;
    judge.on('newConsumer', (_c, ack) => {
      offered++;
      ack({ ok: true });
    });
    const transportId = await enterMedia();
    const produce = (kind: string, rtpParameters: unknown) => send(witness, 'produce', { transportId, kind, rtpParameters });
    const codec = VIDEO.codecs[0]!;
    const bad: [string, unknown, string][] = [
      ['video', { ...VIDEO, codecs: [{ ...codec, parameters: { 'x-google-start-bitrate': '1000\r\na=ssrc:1 cname:x' } }] }, 'validation_failed'],
      ['video', { ...VIDEO, codecs: [{ ...codec, parameters: { 'bad name': 1 } }] }, 'validation_failed'],
      ['video', { ...VIDEO, rtcp: { cname: 'w\r\na=inject' } }, 'validation_failed'],
      ['audio', VIDEO, 'codec_kind_mismatch'],
    ];
    for (const [kind, rtpParameters, code] of bad) {
      const ack = await produce(kind, rtpParameters);
      expect(ack, JSON.stringify(rtpParameters).slice(0, 80)).to.deep.nested.include({ ok: false, 'error.code': code });
    }
    // The same stream declared properly is published and offered.
    // (Firefox names its RTCP with a UUID in braces.)
    expect(await produce('video', { ...VIDEO, codecs: [{ ...codec, parameters: { 'x-google-start-bitrate': 1000 } }], rtcp: { cname: '{6f1a2b3c-0000-4000-8000-123456789abc}' } })).to.deep.include({ ok: true });
    const until = Date.now() + 5000;
    while (offered === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    expect(offered).to.equal(1);
  });

  it('an answer of null or { ok: false } closes the offer and the stream is offered again; { ok: true } keeps it', async () => {
    const { judge, witness, enterMedia } = await room();

    // The judge's client answers its first offers with nonsense, then with a refusal, then takes it.
    const answers: unknown[] = [null, 'yes', { ok: false }, { ok: true }];
    const offers: { id: string }[] = [];
    const closed: string[] = [];
    judge.on('newConsumer', (c, ack) => {
      offers.push({ id: c.id });
      (ack as (a: unknown) => void)(answers[offers.length - 1]);
    });
    judge.on('consumerClosed', (e) => closed.push(e.consumerId));
    const transportId = await enterMedia();
    expect(await send(witness, 'produce', { transportId, kind: 'video', rtpParameters: VIDEO })).to.deep.include({ ok: true });

    const until = Date.now() + 15_000;
    while (offers.length < 4 && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    expect(offers.length, 'offers').to.equal(4);
    // Each refused offer was closed, and each new one is a new consumer (made again after a
    // second or two, or sooner when something else in the room changes).
    expect(closed).to.deep.equal(offers.slice(0, 3).map((o) => o.id));
    expect(new Set(offers.map((o) => o.id)).size).to.equal(4);
    // The last one was taken: it is not closed, and the service still answers.
    await new Promise((r) => setTimeout(r, 1500));
    expect(offers.length).to.equal(4);
    expect(closed).to.have.length(3);
    expect(await send(judge, 'hello', {})).to.deep.include({ ok: true });
    await request(svc.url).get('/healthz').expect(200);
  });
});
