/**
 * `npm run bench:media`: three systems under the same WebRTC load, one after another in one
 * run on this machine, each with its media process pinned to one core and the load client
 * (tools/loadclient, Pion) on another:
 *   (a) Witness Bridge rooms through their real signalling (`/rooms`, policy, telemetry on),
 *   (b) a bare mediasoup router on the same worker binary with the same codecs,
 *   (c) Janus 1.1.2 VideoRoom.
 * Per system: time to first frame of joining subscribers, then subscribers (VP8 ~600 kbit/s +
 * Opus each) added until loss reaches 1 % or the media process 85 % of its core. Then the
 * hearing-shaped load (rooms of 8) on Witness Bridge, a subscriber behind 150 ms / 3 % loss with
 * a 2 s outage, and the time to first frame in headless Chromium.
 *
 * `--smoke`: tiny sizes, a few seconds per part, to prove the script works (`npm test` runs it);
 * its figures mean nothing. `--only=systems,hearing,network,browser,masking` picks parts.
 */
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { maskingBenchmark } from './bench-media/masking.js';
import { loadConfig } from '../config/index.js';
import { loadMediasoup } from '../media/mediasoup.js';
import { badNetwork, BAD_NETWORK, p50p95 } from './bench-media/badNetwork.js';
import type { JoinPhases } from './bench-media/ttff.js';
import { browserTimeToFirstFrame } from './bench-media/browserTtff.js';
import { pin, pinning } from './bench-media/cpu.js';
import { ms, percentile } from './bench-media/figures.js';
import { hearingCapacity } from './bench-media/hearing.js';
import { LoadClient } from './bench-media/loadClient.js';
import { mediaFiles } from './bench-media/mediaFiles.js';
import { Namespace } from './bench-media/netns.js';
import { runSystem, type Started, type SystemResult } from './bench-media/runSystem.js';
import { summaryTable } from './bench-media/summary.js';
import type { MediaSystem } from './bench-media/system.js';
import { BareRouter } from './bench-media/systems/bareRouter.js';
import { JanusVideoRoom } from './bench-media/systems/janus.js';
import { WitnessBridgeRooms } from './bench-media/systems/witnessBridge.js';

const argv = process.argv.slice(2);
const SMOKE = argv.includes('--smoke');
const VERBOSE = argv.includes('--verbose');
const ONLY = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const wants = (part: string) => !ONLY || ONLY.includes(part);

/** Sizes of a full run and of the smoke run. */
const SIZES = SMOKE
  ? { media: { seconds: 4, size: '320x180', videoKbps: 600 }, ramp: { steps: [2, 4], settleMs: 500, measureMs: 1000, concurrency: 2 }, joins: 2, hearings: 1, hearingSettleMs: 1000, badJoins: 1, browserJoins: 1 }
  : { media: { seconds: 10, size: '640x360', videoKbps: 600 }, ramp: { steps: [25, 50, 100, 150, 200, 300, 400, 500, 600, 800], settleMs: 2000, measureMs: 5000, concurrency: 10 }, joins: 20, hearings: 12, hearingSettleMs: 3000, badJoins: 20, browserJoins: 24 };

const log = (line: string) => console.log(line);

function versions(): string {
  const janus = (() => {
    try {
      return execFileSync('dpkg-query', ['-W', '-f=${Version}', 'janus'], { encoding: 'utf8' });
    } catch {
      return 'not installed';
    }
  })();
  return `Node ${process.version}, Janus ${janus}`;
}

async function systems(workerBin: string, media: Awaited<ReturnType<typeof mediaFiles>>): Promise<SystemResult[]> {
  const { mediaCore } = pinning();
  const starts: (() => Promise<Started>)[] = [
    async () => ({ sys: await WitnessBridgeRooms.create('127.0.0.1', workerBin), clientIp: '127.0.0.1' }),
    async () => ({ sys: await BareRouter.create(workerBin, '127.0.0.1'), clientIp: '127.0.0.1' }),
    async () => {
      await Namespace.removeStale('wbj');
      const ns = await Namespace.create(`wbj${process.pid}`, 1);
      try {
        const sys = await JanusVideoRoom.create({ ip: ns.nsIp, httpPort: 8088, prefix: [...ns.exec, 'taskset', '-c', String(mediaCore)] });
        return { sys, clientIp: ns.hostIp, cleanup: () => ns.remove() };
      } catch (err) {
        await ns.remove();
        throw err;
      }
    },
  ];
  const results: SystemResult[] = [];
  for (const start of starts) {
    const r = await runSystem(start, media, { ramp: SIZES.ramp, joins: SIZES.joins }, log);
    const [p50, p95] = p50p95(r.ttff);
    log(`  time to first frame (${r.ttff.length} joins): p50 ${ms(p50)}, p95 ${ms(p95)}`);
    results.push(r);
  }
  return results;
}

async function hearing(workerBin: string, media: Awaited<ReturnType<typeof mediaFiles>>): Promise<void> {
  const { mediaCore, clientCore, cores } = pinning();
  const wb = await WitnessBridgeRooms.create('127.0.0.1', workerBin);
  const lc = await LoadClient.start(media, '127.0.0.1', cores > 1 ? ['taskset', '-c', String(clientCore)] : []);
  try {
    for (const pid of wb.mediaPids()) await pin(pid, mediaCore);
    log(`hearings of 8 (judge, operator, prosecutor, defence, interpreter, witness, accused, public; no masking ordered; 7 publish audio + video) on one media worker (CPU ${mediaCore}):`);
    const steps = await hearingCapacity(wb, lc, { max: SIZES.hearings, settleMs: SIZES.hearingSettleMs, measureMs: SIZES.ramp.measureMs }, log);
    const held = steps.filter((s) => s.lossPct < 1 && s.mediaCpu < 85 && s.pace >= 95);
    const best = held[held.length - 1];
    const last = steps[steps.length - 1];
    const open = !!last && (last.pace < 95 || (last === best && last.hearings === SIZES.hearings));
    log(best ? `  one worker (one core) holds ${open ? '≥ ' : ''}${best.hearings} hearing(s) (${best.consumers} consumers, media CPU ${best.mediaCpu.toFixed(1)} %); a 2-core machine with one worker per core: about ${open ? '≥ ' : ''}${best.hearings * 2} (twice the one-core figure, not measured: the load client needs the other core here)` : '  one worker holds no hearing within the criteria');
  } finally {
    await lc.close();
    await wb.close();
  }
}

async function network(workerBin: string, media: Awaited<ReturnType<typeof mediaFiles>>): Promise<void> {
  log(`a subscriber behind ${BAD_NETWORK.delayMs * 2} ms round trip and ${BAD_NETWORK.lossPct} % loss each way (impairment inside its load client), ${BAD_NETWORK.outageMs} ms outage:`);
  const makers: [string, () => Promise<MediaSystem>][] = [
    ['Witness Bridge room', () => WitnessBridgeRooms.create('127.0.0.1', workerBin)],
    ['bare mediasoup router', () => BareRouter.create(workerBin, '127.0.0.1')],
  ];
  for (const [name, make] of makers) {
    const sys = await make();
    const lcHost = await LoadClient.start(media, '127.0.0.1');
    const lcBad = await LoadClient.start(media, '127.0.0.1', [], { impaired: true, dtlsRetransmitMs: 4 * BAD_NETWORK.delayMs });
    try {
      const r = await badNetwork(sys, lcHost, lcBad, { joins: SIZES.badJoins, settleMs: SIZES.hearingSettleMs, measureMs: SIZES.ramp.measureMs }, name.split(' ')[0]!.toLowerCase());
      const [p50, p95] = p50p95(r.ttff);
      log(`  ${name}: time to first frame p50 ${ms(p50)}, p95 ${ms(p95)} (${r.ttff.length} joins); loss after NACK ${r.lossPct.toFixed(2)} %; recovery after the outage ${ms(r.recoveryMs)}`);
      log(`    where the time goes (p50 / p95 from the join): ${phaseLine(r.phases)}`);
    } finally {
      await lcBad.close();
      await lcHost.close();
      await sys.close();
    }
  }
}

/** p50 / p95 of each step of the joins, and of each step's own share. */
function phaseLine(phases: readonly JoinPhases[]): string {
  const steps = ['signalled', 'connected', 'firstPacket', 'firstFrame'] as const;
  const at = steps.map((k) => `${k} ${p50p95(phases.map((p) => p[k])).map(ms).join(' / ')}`);
  // A step's own time starts when every step before it is done (a system may connect before its signalling returns).
  const own = steps.map((k, i) => `${k} +${p50p95(phases.map((p) => Math.max(0, p[k] - Math.max(0, ...steps.slice(0, i).map((s) => p[s]))))).map(ms).join(' / ')}`);
  return `${at.join(', ')}; each step's own time: ${own.join(', ')}`;
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  // The worker binary is the one setting taken from the environment, as for the service.
  const workerBin = loadConfig({ DATA_DIR: os.tmpdir(), MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN }).media.workerBin;
  const ms = await loadMediasoup(workerBin);
  log(`bench:media${SMOKE ? ' --smoke (figures mean nothing)' : ''} on ${new Date().toISOString()}: ${cpus.length} CPU(s), ${cpus[0]?.model ?? 'unknown CPU'}, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  log(`mediasoup ${ms.version}, ${versions()}; the machine may be shared: see the load client and Node CPU columns`);
  const media = await mediaFiles(SIZES.media);
  if (wants('systems')) summaryTable(await systems(workerBin, media), log);
  if (wants('hearing')) await hearing(workerBin, media);
  if (wants('network')) await network(workerBin, media);
  if (wants('browser')) {
    log(`time to first frame in headless Chromium: ${SIZES.browserJoins} joins of the judge into a live room with the witness publishing`);
    const times = await browserTimeToFirstFrame(SIZES.browserJoins, VERBOSE);
    log(`  p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms`);
  }
  if (wants('masking')) {
    log('masked path (issue 9): ffmpeg publishes the test clip (a real face, 640x360, 15 fps, a white flash every 2 s) and speech as the witness; the real masking processes disguise them');
    await maskingBenchmark(loadConfig({ DATA_DIR: os.tmpdir(), MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN }), { smoke: SMOKE, log });
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench:media failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    process.exit(1);
  },
);
