/**
 * The hearing-shaped load on Witness Bridge: rooms of 8 participants — judge, operator,
 * prosecutor, defence and interpreter with accounts; witness, accused and public gallery by
 * invitation. Everyone publishes what their role may publish (all but the public gallery: audio
 * and video) and receives what the policy gives them; rooms are added until one media worker
 * (one core) no longer holds them. No face or voice masking is ordered: masking runs processes
 * of its own per witness, and its cost is the masked-path figures' to measure.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type { ParticipantRole } from '../../common/vocabulary.js';
import { canPublish } from '../../media/policy.js';
import { CpuWindow } from './cpu.js';
import { delivery, publisherPace } from './figures.js';
import type { LoadClient } from './loadClient.js';
import { newDeviceKey, type RoomParticipant } from './signaling/witnessBridge.js';
import type { WitnessBridgeRooms } from './systems/witnessBridge.js';

/** Roles with accounts besides the operator (whose connection opens the room). */
const ACCOUNT_ROLES = ['judge', 'prosecutor', 'defence', 'interpreter'] as const;
const INVITED_ROLES: readonly ParticipantRole[] = ['witness', 'accused', 'public'];

/** One measured number of simultaneous hearings. */
export interface HearingStep {
  readonly hearings: number;
  readonly consumers: number;
  readonly lossPct: number;
  readonly mediaCpu: number;
  readonly clientCpu: number;
  /** Publishers' pace against real time, percent: below 95 the step measured a starved client. */
  readonly pace: number;
}

/** Opens one hearing with all 8 participants in, publishing and receiving. */
async function openHearing(wb: WitnessBridgeRooms, lc: LoadClient): Promise<string> {
  const { room, scenario, operator } = await wb.openHearing(lc, { measures: ['pseudonym'], invitations: INVITED_ROLES });
  const inside: { role: ParticipantRole; p: RoomParticipant }[] = [{ role: 'operator', p: operator }];
  for (const role of ACCOUNT_ROLES) {
    inside.push({ role, p: await wb.enter(lc, room, { token: scenario.users[role].token, sessionId: room }) });
  }
  for (const inv of scenario.invitations) inside.push({ role: inv.role, p: await wb.enter(lc, room, { token: inv.token, deviceKey: newDeviceKey() }) });
  for (const { role, p } of inside) if (role !== 'operator') await p.join();
  for (const { role, p } of inside) if (canPublish(role, 'video')) await p.publish(`hear-${room}-${role}-send`);
  for (const { role, p } of inside) await p.receive(`hear-${room}-${role}-recv`);
  return room;
}

/** Adds hearings one at a time (up to `max`) and measures each total; stops at the first that does not hold. */
export async function hearingCapacity(wb: WitnessBridgeRooms, lc: LoadClient, opts: { max: number; settleMs: number; measureMs: number }, log: (line: string) => void): Promise<HearingStep[]> {
  const steps: HearingStep[] = [];
  for (let n = 1; n <= opts.max; n++) {
    await openHearing(wb, lc);
    await delay(opts.settleMs);
    const media = new CpuWindow(wb.mediaPids());
    const client = new CpuWindow([lc.pid]);
    const s0 = await lc.stats();
    await delay(opts.measureMs);
    const s1 = await lc.stats();
    const d = delivery(s0, s1, (id) => id.startsWith('hear-') && id.endsWith('-recv'));
    const step = { hearings: n, consumers: d.tracks, lossPct: d.lossPct, mediaCpu: media.percent(), clientCpu: client.percent(), pace: publisherPace(s0, s1) };
    steps.push(step);
    log(`  ${n} hearing(s), ${step.consumers} consumers: loss ${step.lossPct.toFixed(2)} %${d.silent ? ` (${d.silent} silent tracks)` : ''}, media CPU ${step.mediaCpu.toFixed(1)} % (load client ${step.clientCpu.toFixed(0)} %, publishers at ${step.pace.toFixed(0)} % of real time)`);
    if (step.pace < 95) log('        the machine was too busy to measure this step');
    if (step.lossPct >= 1 || step.mediaCpu >= 85 || d.silent > 0 || step.clientCpu > 95 || step.pace < 95) break;
  }
  return steps;
}
