/**
 * The clearly fictional demo data set behind `npm run seed` (and the report tests): users for
 * each role, witnesses from Moldova, Ukraine, Romania and Bulgaria, trials in Bosnia and
 * Herzegovina, Serbia and North Macedonia, sessions and sentences across 2022–2026. Written
 * with the models directly, deterministically (a fixed pseudo-random sequence).
 */
import { randomUUID } from 'node:crypto';
import argon2 from 'argon2';
import mongoose from 'mongoose';
import type { Config } from '../config/index.js';
import { UserModel } from '../server/auth/user.model.js';
import { rebuildReportCounters } from '../server/reports/index.js';
import { SentenceModel } from '../server/sentences/sentence.model.js';
import { SessionModel } from '../server/sessions/session.model.js';
import { TrialModel } from '../server/trials/trial.model.js';
import { IdentityCipher } from '../server/witnesses/identityCipher.js';
import { WitnessModel } from '../server/witnesses/witness.model.js';

/** Deterministic pseudo-random numbers (mulberry32). */
function rng(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A demo account per role, the administrator included (so a seeded demo can be administered). */
const ROLES = ['admin', 'prosecutor', 'judge', 'operator', 'staff', 'defence', 'interpreter'] as const;
const FROM = ['MD', 'UA', 'RO', 'BG'] as const;
const COURTS = [
  { country: 'BA', court: 'Demo Court of Sarajevo' },
  { country: 'RS', court: 'Demo Higher Court Belgrade' },
  { country: 'MK', court: 'Demo Basic Court Skopje' },
] as const;
const BIRDS = ['Kestrel', 'Heron', 'Wren', 'Lark', 'Swift', 'Plover', 'Finch', 'Osprey'];

/** Password of every demo account: `demo-<role>-password`. */
export const demoPassword = (role: string): string => `demo-${role}-password`;

/** Counts of what `seedDemoData` wrote. */
export interface SeedSummary {
  readonly users: number;
  readonly witnesses: number;
  readonly trials: number;
  readonly sessions: number;
  readonly sentences: number;
}

/** The demo accounts, created unless they exist (the seed writes them before the service's first-run check). */
export async function seedUsers(): Promise<Map<string, string>> {
  const ids = new Map<string, string>();
  for (const role of ROLES) {
    const existing = await UserModel.findOne({ username: `demo.${role}` }, { _id: 1 }).lean();
    if (existing) {
      ids.set(role, existing._id.toHexString());
      continue;
    }
    const passwordHash = await argon2.hash(demoPassword(role), { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 });
    const u = await UserModel.create({ username: `demo.${role}`, passwordHash, role, displayName: `Demo ${role}`, active: true });
    ids.set(role, u._id.toHexString());
  }
  return ids;
}

async function seedWitnesses(identity: Config['identity'], random: () => number, handlerId: string): Promise<string[]> {
  const cipher = new IdentityCipher(identity);
  const docs = Array.from({ length: 24 }, (_, i) => {
    const _id = new mongoose.Types.ObjectId();
    const fake = { legalName: `Fictional Person ${i + 1}`, dateOfBirth: `199${i % 10}-0${(i % 9) + 1}-1${i % 10}`, contact: 'demo only', currentLocation: 'demo only' };
    return {
      _id,
      codename: `Demo-${BIRDS[i % BIRDS.length]}-${String(i + 1).padStart(2, '0')}`,
      identity: cipher.seal(fake, _id.toHexString()),
      countryOfOrigin: FROM[i % FROM.length],
      languages: [['ro', 'ru'], ['uk'], ['ro'], ['bg']][i % 4],
      protectionStatus: random() < 0.8 ? 'active' : 'relocated',
      riskLevel: ['low', 'medium', 'high'][Math.floor(random() * 3)],
      handlerId,
      trialIds: [] as string[],
      archived: false,
    };
  });
  await WitnessModel.insertMany(docs);
  return docs.map((d) => d._id.toHexString());
}

/** Fills an empty database; throws if witnesses, trials or sessions already exist. */
export async function seedDemoData(config: Config): Promise<SeedSummary> {
  const existing = (await WitnessModel.countDocuments()) + (await TrialModel.countDocuments()) + (await SessionModel.countDocuments());
  if (existing > 0) throw new Error('seed: the database already holds records; seed only fills an empty one');
  const random = rng(2004);
  const users = await seedUsers();
  const witnessIds = await seedWitnesses(config.identity, random, users.get('staff')!);
  const judge = users.get('judge')!;
  const prosecutor = users.get('prosecutor')!;
  let sessions = 0;
  let sentences = 0;
  for (let t = 0; t < 15; t++) {
    const c = COURTS[t % COURTS.length]!;
    const trialId = new mongoose.Types.ObjectId();
    const defendants = Array.from({ length: 1 + Math.floor(random() * 4) }, (_, d) => ({ _id: new mongoose.Types.ObjectId(), name: `Demo Defendant ${t + 1}-${d + 1}` }));
    await TrialModel.create({ _id: trialId, caseNumber: `DEMO-${2022 + (t % 5)}-${String(t + 1).padStart(3, '0')}`, court: c.court, courtCountry: c.country, judgeId: judge, prosecutorIds: [prosecutor], defendants, charges: ['humanTrafficking'], status: 'inProgress' });
    const year = 2022 + (t % 5);
    let pair: string | null = null;
    for (let s = 0; s < 2 + Math.floor(random() * 4); s++) {
      const witnessId = witnessIds[(t * 3 + s) % witnessIds.length]!;
      const fromCountry = FROM[witnessIds.indexOf(witnessId) % FROM.length]!;
      const start = new Date(Date.UTC(year, 1 + s * 2, 3 + t, 9, 0));
      const ended = start.getTime() < Date.now();
      const status = ended ? (random() < 0.9 ? 'ended' : 'cancelled') : 'scheduled';
      pair ??= `${fromCountry}-${c.country}`;
      await SessionModel.create({
        trialId: trialId.toHexString(), witnessId, fromCountry, courtCountry: c.country, countryPair: `${fromCountry}-${c.country}`, courtRoom: `Demo Room ${t + 1}`,
        start, end: new Date(start.getTime() + 2 * 3600_000), year, timeZones: { witness: 'Europe/Chisinau', court: 'Europe/Skopje' },
        participants: [{ participantId: randomUUID(), userId: judge, role: 'judge', displayName: 'Demo judge' }], judgeUserIds: [judge],
        measures: ['pseudonym', 'faceMask', 'voiceMask'], status, createdBy: prosecutor,
        // Held sessions went live at their start; cancelled ones never did.
        ...(status === 'ended' ? { liveAt: start, endedAt: new Date(start.getTime() + 2 * 3600_000) } : status === 'cancelled' ? { endedAt: start } : {}),
      });
      // The witness testifies in this trial: its prosecutor and judge see the codename data.
      await WitnessModel.updateOne({ _id: witnessId }, { $addToSet: { trialIds: trialId.toHexString() } });
      sessions++;
    }
    for (const d of defendants) {
      const date = new Date(Date.UTC(year, 10, 1 + Math.floor(random() * 28)));
      const convicted = random() < 0.8;
      await SentenceModel.create({ trialId: trialId.toHexString(), defendantId: d._id.toHexString(), date, year, termMonths: convicted ? 12 + Math.floor(random() * 108) : 0, outcome: convicted ? 'convicted' : 'acquitted', countryPair: pair, createdBy: prosecutor });
      sentences++;
    }
  }
  // Written past the services, so the report figures are recomputed once at the end.
  await rebuildReportCounters();
  return { users: users.size, witnesses: witnessIds.length, trials: 15, sessions, sentences };
}
