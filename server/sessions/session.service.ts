/**
 * Testimony sessions: scheduling with double-booking checks, the lifecycle, and change
 * notifications for live rooms.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { userActor, type AuditActor, type AuditLog } from '../audit/index.js';
import { ReadCache } from '../db/readCache.js';
import type { AuthService, UserView } from '../auth/index.js';
import { ForbiddenError, InvalidStateError, NotFoundError, ValidationError, type FieldIssue } from '../errors.js';
import { SEES_ALL_SESSIONS, type Principal } from '../http/access.js';
import type { ParticipantRole, ProtectiveMeasure, SessionStatus, SessionView } from '../signaling/ports.js';
import type { TrialService } from '../trials/index.js';
import type { WitnessService } from '../witnesses/index.js';
import { BookingQueue, assertFree } from './booking.js';
import { Listeners } from './listeners.js';
import { InvitationModel, SessionModel, type SessionDoc } from './session.model.js';
import type { CreateSessionInput, ParticipantView, SessionListQuery, SessionRecordView, UpdateSessionInput } from './session.schemas.js';

/** Allowed lifecycle moves. */
const TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  scheduled: ['lobby', 'cancelled'],
  lobby: ['live', 'cancelled'],
  live: ['ended'],
  ended: [],
  cancelled: [],
};

/** Which account roles may hold which session role. */
const ROLE_FIT: Partial<Record<ParticipantRole, readonly string[]>> = {
  judge: ['judge'],
  prosecutor: ['prosecutor'],
  defence: ['defence'],
  interpreter: ['interpreter'],
  operator: ['operator', 'admin'],
};

const MAX_SESSION_MS = 12 * 3600_000;

/** An invitation works from this long before the window starts (lobby, identity checks). */
export const INVITATION_LEAD_MS = 30 * 60_000;

export function toRecordView(s: SessionDoc): SessionRecordView {
  return {
    id: s._id.toHexString(),
    trialId: s.trialId,
    witnessId: s.witnessId,
    fromCountry: s.fromCountry,
    courtCountry: s.courtCountry,
    countryPair: s.countryPair,
    courtRoom: s.courtRoom,
    start: s.start.toISOString(),
    end: s.end.toISOString(),
    timeZones: { witness: s.timeZones?.witness ?? 'UTC', court: s.timeZones?.court ?? 'UTC' },
    participants: s.participants.map((p) => ({ participantId: p.participantId, userId: p.userId, role: p.role as ParticipantRole, displayName: p.displayName })),
    measures: s.measures as ProtectiveMeasure[],
    interpreterLanguage: s.interpreterLanguage ?? null,
    status: s.status as SessionStatus,
  };
}

export function toSessionView(s: SessionDoc): SessionView {
  return { id: s._id.toHexString(), status: s.status as SessionStatus, measures: s.measures as ProtectiveMeasure[], windowStart: s.start, windowEnd: s.end };
}

function checkWindow(start: Date, end: Date): void {
  if (end.getTime() <= start.getTime()) throw new ValidationError({ message: 'The request is not valid.', details: [{ path: 'body.end', message: 'must be after start' }] });
  if (end.getTime() - start.getTime() > MAX_SESSION_MS) throw new ValidationError({ message: 'The request is not valid.', details: [{ path: 'body.end', message: 'a session lasts at most 12 hours' }] });
}

/** Judges a booking holds: the judges among the participants and the trial's presiding judge. */
function judgesOf(participants: readonly { role: string; userId: string }[], trial: { judgeId?: string | null }): string[] {
  const ids = participants.filter((p) => p.role === 'judge').map((p) => p.userId);
  if (trial.judgeId && !ids.includes(trial.judgeId)) ids.push(trial.judgeId);
  return ids;
}

/** How long a listed page is reused at most (writes through this service drop it at once). */
export const SESSION_LIST_CACHE_MS = 5_000;

type SessionPage = { items: SessionRecordView[]; next: string | null };

/** The sessions domain's rules. */
export class SessionService {
  readonly #booking = new BookingQueue();
  /** Pages of `list()`: FerretDB needs ~5 ms even for an unfiltered page, so reads share them. */
  readonly #pages = new ReadCache<SessionPage>(SESSION_LIST_CACHE_MS);
  readonly #listeners = new Listeners<SessionView>();

  constructor(
    private readonly deps: {
      readonly auth: AuthService;
      readonly trials: TrialService;
      readonly witnesses: WitnessService;
      readonly audit: AuditLog;
      /** True on FerretDB, whose natural order is insertion (= _id) order and which cannot sort fast. */
      readonly naturalIdOrder: boolean;
      /** Awaited after a session has ended (reports count it). */
      readonly onEnded?: (s: { year: number; countryPair: string; witnessId: string }) => Promise<void>;
    },
  ) {}

  /** Resolves `{ userId, role }` pairs to participants, 400 when a user cannot hold the role. */
  async #participants(input: readonly { userId: string; role: ParticipantRole }[], previous: readonly ParticipantView[] = []): Promise<ParticipantView[]> {
    const users = await this.deps.auth.usersByIds(input.map((p) => p.userId));
    const details: FieldIssue[] = [];
    const result = input.map((p, i) => {
      const user: UserView | undefined = users.get(p.userId);
      const fits = ROLE_FIT[p.role];
      if (!user?.active) details.push({ path: `body.participants.${i}.userId`, message: 'must be the id of an active user' });
      else if (fits && !fits.includes(user.role)) details.push({ path: `body.participants.${i}.role`, message: `a ${user.role} cannot take this role` });
      const kept = previous.find((q) => q.userId === p.userId && q.role === p.role);
      return { participantId: kept?.participantId ?? randomUUID(), userId: p.userId, role: p.role, displayName: user?.displayName ?? p.role };
    });
    if (details.length > 0) throw new ValidationError({ message: 'The request is not valid.', details });
    return result;
  }

  async create(input: CreateSessionInput, actor: Principal): Promise<SessionRecordView> {
    const start = new Date(input.start);
    const end = new Date(input.end);
    checkWindow(start, end);
    const [trial, witness] = await Promise.all([this.deps.trials.get(input.trialId).catch(() => undefined), this.deps.witnesses.get(input.witnessId).catch(() => undefined)]);
    const details: FieldIssue[] = [];
    // A referenced record that does not exist is bad input (400 naming the field), not a 404.
    if (!trial) details.push({ path: 'body.trialId', message: 'must be the id of a trial' });
    if (!witness || witness.archived) details.push({ path: 'body.witnessId', message: 'must be the id of a current witness' });
    if (trial && trial.courtCountry !== input.courtCountry) details.push({ path: 'body.courtCountry', message: "must be the trial's court country" });
    if (!trial || details.length > 0) throw new ValidationError({ message: 'The request is not valid.', details });
    if (actor.role === 'prosecutor' && !trial.prosecutorIds.includes(actor.userId)) {
      throw new ForbiddenError({ message: 'You may only schedule sessions of your own trials.', code: 'not_your_trial' });
    }
    const participants = await this.#participants(input.participants);
    const judgeUserIds = judgesOf(participants, trial);
    const courtTrialIds = await this.deps.trials.idsInCourt(trial.court, trial.courtCountry);
    const doc = await this.#booking.run(async () => {
      await assertFree({ witnessId: input.witnessId, judgeUserIds, courtRoom: input.courtRoom, courtTrialIds, start, end });
      return SessionModel.create({
        ...input,
        start,
        end,
        year: start.getUTCFullYear(),
        countryPair: `${input.fromCountry}-${input.courtCountry}`,
        participants,
        judgeUserIds,
        status: 'scheduled',
        createdBy: actor.userId,
      });
    });
    this.#pages.invalidate();
    const view = toRecordView(doc as unknown as SessionDoc);
    await this.deps.audit.append({ actor: userActor(actor), action: 'session.create', target: `session:${view.id}`, outcome: 'success', details: { trialId: view.trialId, countryPair: view.countryPair } });
    return view;
  }

  async #load(id: string): Promise<SessionDoc> {
    if (!mongoose.isValidObjectId(id)) throw new NotFoundError({ message: 'No such session.' });
    const doc = await SessionModel.findById(id).lean<SessionDoc>();
    if (!doc) throw new NotFoundError({ message: 'No such session.' });
    return doc;
  }

  /** The raw record (for room access and invitations). */
  loadRecord(id: string): Promise<SessionDoc> {
    return this.#load(id);
  }

  /**
   * The session, if `actor` may manage it (change, move on, invite to): admins and courtroom
   * operators any session; a judge the sessions they sit in or the trial they preside now; a
   * prosecutor the sessions of the trials they prosecute now (read from the current trial, so a
   * reassignment takes effect at once). Others get 404 when they cannot even see the session,
   * 403 otherwise.
   */
  async loadManaged(id: string, actor: Principal): Promise<SessionDoc> {
    const doc = await this.#load(id);
    if (actor.role === 'admin' || actor.role === 'operator') return doc;
    const takesPart = doc.participants.some((p) => p.userId === actor.userId);
    if (actor.role === 'judge' || actor.role === 'prosecutor') {
      const trial = await this.deps.trials.get(doc.trialId);
      if (actor.role === 'judge' && (takesPart || trial.judgeId === actor.userId)) return doc;
      if (actor.role === 'prosecutor' && trial.prosecutorIds.includes(actor.userId)) return doc;
    }
    if (!SEES_ALL_SESSIONS.includes(actor.role) && !takesPart) throw new NotFoundError({ message: 'No such session.' });
    throw new ForbiddenError({ message: 'You may only manage sessions of your own trials or hearings.', code: 'not_your_session' });
  }

  /** Sessions the caller may see, in creation (_id) order, paged by the last id. */
  list(q: SessionListQuery, actor: Principal): Promise<SessionPage> {
    const sees = SEES_ALL_SESSIONS.includes(actor.role) ? '*' : actor.userId;
    return this.#pages.get(`${sees}|${JSON.stringify(q)}`, () => this.#list(q, actor));
  }

  async #list(q: SessionListQuery, actor: Principal): Promise<SessionPage> {
    const filter: Record<string, unknown> = {};
    if (!SEES_ALL_SESSIONS.includes(actor.role)) filter['participants.userId'] = actor.userId;
    if (q.status) filter.status = q.status;
    if (q.witnessId) filter.witnessId = q.witnessId;
    if (q.trialId) filter.trialId = q.trialId;
    const range: Record<string, Date> = {};
    if (q.from) range.$gte = new Date(q.from);
    if (q.to) range.$lt = new Date(q.to);
    if (Object.keys(range).length > 0) filter.start = range;
    if (q.after) filter._id = { $gt: new mongoose.Types.ObjectId(q.after) };
    let query = SessionModel.find(filter).limit(q.limit);
    // FerretDB cannot push a sort down (a sorted page costs a full scan, ~1.5 s at 20 000
    // sessions) but returns rows in insertion order, which is _id order for our ObjectIds;
    // MongoDB gets the explicit, index-backed _id sort.
    if (!this.deps.naturalIdOrder) query = query.sort({ _id: 1 });
    const docs = await query.lean<SessionDoc[]>();
    const items = docs.map(toRecordView);
    const last = docs.at(-1);
    return { items, next: docs.length === q.limit && last ? last._id.toHexString() : null };
  }

  /** One session; 404 (not 403) for a caller who may not see it, so ids cannot be probed. */
  async get(id: string, actor: Principal): Promise<SessionRecordView> {
    const doc = await this.#load(id);
    if (!SEES_ALL_SESSIONS.includes(actor.role) && !doc.participants.some((p) => p.userId === actor.userId)) throw new NotFoundError({ message: 'No such session.' });
    return toRecordView(doc);
  }

  async update(id: string, input: UpdateSessionInput, actor: Principal): Promise<SessionRecordView> {
    const doc = await this.#booking.run(async () => {
      const current = await this.loadManaged(id, actor);
      if (current.status !== 'scheduled') throw new InvalidStateError({ message: 'Only a scheduled session can be changed.', code: 'session_not_scheduled' });
      const start = input.start ? new Date(input.start) : current.start;
      const end = input.end ? new Date(input.end) : current.end;
      checkWindow(start, end);
      const participants = input.participants ? await this.#participants(input.participants, toRecordView(current).participants) : toRecordView(current).participants;
      const trial = await this.deps.trials.get(current.trialId);
      const judgeUserIds = judgesOf(participants, trial);
      const courtRoom = input.courtRoom ?? current.courtRoom;
      const courtTrialIds = await this.deps.trials.idsInCourt(trial.court, trial.courtCountry);
      await assertFree({ witnessId: current.witnessId, judgeUserIds, courtRoom, courtTrialIds, start, end, exceptId: id });
      const set = { ...input, start, end, year: start.getUTCFullYear(), participants, judgeUserIds, courtRoom };
      const updated = await SessionModel.findOneAndUpdate({ _id: current._id, status: 'scheduled' }, { $set: set }, { new: true }).lean<SessionDoc>();
      this.#pages.invalidate();
      if (!updated) throw new InvalidStateError({ message: 'Only a scheduled session can be changed.', code: 'session_not_scheduled' });
      // Invitations follow the window (they open shortly before it and close at its end).
      if (input.start || input.end) await InvitationModel.updateMany({ sessionId: id }, { $set: { validFrom: new Date(start.getTime() - INVITATION_LEAD_MS), validUntil: end } });
      return updated;
    });
    await this.deps.audit.append({ actor: userActor(actor), action: 'session.update', target: `session:${id}`, outcome: 'success', details: { changed: Object.keys(input) } });
    if (input.measures) this.#emit(doc);
    return toRecordView(doc);
  }

  /**
   * Moves the lifecycle on; 409 for a move the table does not allow or that lost a race.
   * Prosecutors may only cancel.
   */
  async transition(id: string, to: SessionStatus, actor: Principal | AuditActor): Promise<SessionDoc> {
    if ('userId' in actor && actor.role === 'prosecutor' && to !== 'cancelled') throw new ForbiddenError({ message: 'Prosecutors may only cancel a session.' });
    // Over HTTP the caller must be one who manages this session; a room's chair was checked there.
    const current = 'userId' in actor ? await this.loadManaged(id, actor) : await this.#load(id);
    const from = current.status as SessionStatus;
    if (!TRANSITIONS[from].includes(to)) throw new InvalidStateError({ message: `A ${from} session cannot become ${to}.`, code: 'invalid_transition' });
    const updated = await SessionModel.findOneAndUpdate({ _id: current._id, status: from }, { $set: { status: to } }, { new: true }).lean<SessionDoc>();
    this.#pages.invalidate();
    if (!updated) throw new InvalidStateError({ message: 'The session changed meanwhile; reload and retry.', code: 'invalid_transition' });
    const auditActor = 'userId' in actor ? userActor(actor) : actor;
    await this.deps.audit.append({ actor: auditActor, action: 'session.status', target: `session:${id}`, outcome: 'success', details: { from, to } });
    if (to === 'ended') await this.deps.onEnded?.({ year: updated.year, countryPair: updated.countryPair, witnessId: updated.witnessId });
    this.#emit(updated);
    return updated;
  }

  /** Turns one measure on or off (rooms: closed session). */
  async setMeasure(id: string, measure: ProtectiveMeasure, on: boolean): Promise<SessionDoc> {
    const current = await this.#load(id);
    if (current.status === 'ended' || current.status === 'cancelled') throw new InvalidStateError({ message: 'The session is over.', code: 'session_over' });
    const update = on ? { $addToSet: { measures: measure } } : { $pull: { measures: measure } };
    const updated = await SessionModel.findByIdAndUpdate(current._id, update, { new: true }).lean<SessionDoc>();
    this.#pages.invalidate();
    if (!updated) throw new NotFoundError({ message: 'No such session.' });
    this.#emit(updated);
    return updated;
  }

  /** Removes a user participant; false when none had that id. */
  async removeParticipant(id: string, participantId: string): Promise<boolean> {
    // Read-modify-write guarded by the old list: FerretDB's $pull takes exact values only.
    return this.#booking.run(async () => {
      const current = await this.#load(id);
      const participants = current.participants.filter((p) => p.participantId !== participantId);
      if (participants.length === current.participants.length) return false;
      const judgeUserIds = judgesOf(participants, await this.deps.trials.get(current.trialId));
      await SessionModel.updateOne({ _id: current._id }, { $set: { participants, judgeUserIds } });
      this.#pages.invalidate();
      return true;
    });
  }

  /** Country pair of a trial's first held-or-booked session (for sentences); null if none. */
  async countryPairOfTrial(trialId: string): Promise<string | null> {
    const doc = await SessionModel.findOne({ trialId, status: { $ne: 'cancelled' } }, { countryPair: 1 }).sort({ start: 1 }).lean<SessionDoc>();
    return doc?.countryPair ?? null;
  }

  subscribe(listener: (s: SessionView) => void): () => void {
    return this.#listeners.add(listener);
  }

  #emit(doc: SessionDoc): void {
    this.#listeners.emit(toSessionView(doc));
  }
}
