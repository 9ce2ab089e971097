/** Keeping the pre-aggregated report figures (see report.model.ts) in step with the records. */
import { SentenceModel } from '../sentences/index.js';
import { SessionModel } from '../sessions/index.js';
import { ReportCounterModel, ReportStateModel, WitnessMarkModel } from './report.model.js';
import { insertOnce, isDuplicateKey } from '../db/duplicateKey.js';

/** Pair label for records without one. */
export const UNKNOWN_PAIR = 'unknown';

type Increments = { sessionsHeld?: number; defendantsSentenced?: number; sentenceMonths?: number };


/** Adds to the counters of one (year, pair), creating them on first use. */
export async function increment(year: number, countryPair: string | null, inc: Increments): Promise<void> {
  const filter = { year, countryPair: countryPair ?? UNKNOWN_PAIR };
  try {
    await ReportCounterModel.updateOne(filter, { $inc: inc }, { upsert: true });
  } catch (err) {
    // Two first writers raced to create the document; the loser's increment applies to it now.
    if (!isDuplicateKey(err)) throw err;
    await ReportCounterModel.updateOne(filter, { $inc: inc });
  }
}

/** Marks a witness as having testified in (year, pair); repeats are ignored. */
export async function markWitness(year: number, countryPair: string, witnessId: string): Promise<void> {
  await insertOnce(() => WitnessMarkModel.create({ year, countryPair, witnessId }));
}

type Totals = Required<Increments> & { year: number; countryPair: string };

async function tallies(): Promise<{ counters: Map<string, Totals>; marks: Set<string> }> {
  const counters = new Map<string, Totals>();
  const at = (year: number, pair: string | null | undefined): Totals => {
    const countryPair = pair ?? UNKNOWN_PAIR;
    const key = `${year}|${countryPair}`;
    let t = counters.get(key);
    if (!t) counters.set(key, (t = { year, countryPair, sessionsHeld: 0, defendantsSentenced: 0, sentenceMonths: 0 }));
    return t;
  };
  const marks = new Set<string>();
  for await (const s of SessionModel.find({ status: 'ended' }, { year: 1, countryPair: 1, witnessId: 1 }).lean().cursor()) {
    at(s.year, s.countryPair).sessionsHeld++;
    marks.add(JSON.stringify([s.year, s.countryPair, s.witnessId]));
  }
  for await (const s of SentenceModel.find({ outcome: 'convicted' }, { year: 1, countryPair: 1, termMonths: 1 }).lean().cursor()) {
    const t = at(s.year, s.countryPair);
    t.defendantsSentenced++;
    t.sentenceMonths += s.termMonths;
  }
  return { counters, marks };
}

/**
 * Recomputes every counter and mark from the sessions and sentences (one scan of each). Run at
 * start-up when no build is recorded, and after bulk loads that bypass the services (seed,
 * bench). Not safe against concurrent writes: run it before serving.
 */
export async function rebuildReportCounters(): Promise<void> {
  const { counters, marks } = await tallies();
  await ReportCounterModel.deleteMany({});
  await WitnessMarkModel.deleteMany({});
  const docs = [...counters.values()];
  for (let i = 0; i < docs.length; i += 1000) await ReportCounterModel.insertMany(docs.slice(i, i + 1000));
  const markDocs = [...marks].map((m) => {
    const [year, countryPair, witnessId] = JSON.parse(m) as [number, string, string];
    return { year, countryPair, witnessId };
  });
  for (let i = 0; i < markDocs.length; i += 1000) await WitnessMarkModel.insertMany(markDocs.slice(i, i + 1000));
  await ReportStateModel.updateOne({ _id: 'counters' }, { $set: { builtAt: new Date() } }, { upsert: true });
}

/** Rebuilds unless a build is recorded. */
export async function ensureReportCounters(): Promise<void> {
  if (!(await ReportStateModel.exists({ _id: 'counters' }))) await rebuildReportCounters();
}
