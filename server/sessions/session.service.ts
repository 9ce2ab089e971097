/**
 * Testimony sessions: scheduling with double-booking checks, the lifecycle, and change
 * notifications for live rooms.
 */
import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { userActor, type AuditActor, type AuditInput, type AuditLog, type WriteStamp } from '../audit/index.js';
import { ReadCache } from '../db/readCache.js';
import { updateVersioned } from '../db/versioned.js';
import type { ReportContribution } from '../reports/index.js';
import type { AuthService, UserView } from '../auth/index.js';
import { ForbiddenError, InvalidStateError, NotFoundError, unlessNotFound, ValidationError, type FieldIssue } from '../../common/errors.js';
import type { Principal } from '../http/access.js';
import { fitsParticipantRole, managesSession, managesTrial, readsSession, seesAll, seesWitnessLocation } from '../http/ownership.js';
import type { ParticipantRole, ProtectiveMeasure, SessionStatus } from '../../common/vocabulary.js';
import type { SessionView } from '../signaling/ports.js';
import { STALE_MOVE_MS, TRANSITIONS, claimMove } from './lifecycle.js';
import { toRecordView, toSessionView } from './session.views.js';
import type { TrialService } from '../trials/index.js';
import type { WitnessService } from '../witnesses/index.js';
import { BookingQueue, assertFree } from './booking.js';
import { Listeners } from './listeners.js';
import { AttendanceModel, InvitationModel, SessionModel, type SessionDoc } from './session.model.js';
import type { CreateSessionInput, ParticipantView, SessionListQuery, SessionRecordView, UpdateSessionInput } from './session.schemas.js';

/** Thrown inside a recorded write that found nothing to change (so nothing is recorded). */
export class Unchanged extends Error {}

/** `.then(…, unchangedIsFalse)`: an `Unchanged` write resolves false; other errors go on. */
export function unchangedIsFalse(err: unknown): false {
  if (err instanceof Unchanged) return false;
  throw err;
}

const MAX_SESSION_MS = 12 * 3600_000;
const SESSIONS = SessionModel.collection.collectionName;

/** An invitation works from this long before the window starts (lobby, identity checks). */
export const INVITATION_LEAD_MS = 30 * 60_000;

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
  /** Checks a session must pass before it goes live (the hearing's identity check). */
  readonly #liveGates: ((s: SessionDoc) => Promise<void>)[] = [];

  constructor(
    private readonly deps: {
      readonly auth: AuthService;
      readonly trials: TrialService;
      readonly witnesses: WitnessService;
      readonly audit: AuditLog;
      /** True on FerretDB, whose natural order is insertion (= _id) order and which cannot sort fast. */
      readonly naturalIdOrder: boolean;
      /** What an ended session adds to the report figures (none if it never went live: `liveAt` null). */
      readonly reportContribution?: (s: SessionDoc) => ReportContribution | null;
    },
  ) {}

  /** Resolves `{ userId, role }` pairs to participants, 400 when a user cannot hold the role. */
  async #participants(input: readonly { userId: string; role: ParticipantRole }[], previous: readonly ParticipantView[] = []): Promise<ParticipantView[]> {
    const users = await this.deps.auth.usersByIds(input.map((p) => p.userId));
    const details: FieldIssue[] = [];
    const result = input.map((p, i) => {
      const user: UserView | undefined = users.get(p.userId);
      if (!user?.active) details.push({ path: `body.participants.${i}.userId`, message: 'must be the id of an active user' });
      else if (!fitsParticipantRole(p.role, user.role)) details.push({ path: `body.participants.${i}.role`, message: `a ${user.role} account cannot take this role` });
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
    const [trial, witness] = await Promise.all([unlessNotFound(this.deps.trials.get(input.trialId)), unlessNotFound(this.deps.witnesses.get(input.witnessId))]);
    const details: FieldIssue[] = [];
    // A referenced record that does not exist is bad input (400 naming the field), not a 404.
    if (!trial) details.push({ path: 'body.trialId', message: 'must be the id of a trial' });
    if (!witness || witness.archived) details.push({ path: 'body.witnessId', message: 'must be the id of a current witness' });
    else if (trial && !witness.trialIds.includes(trial.id)) details.push({ path: 'body.witnessId', message: 'must be a witness of the trial' });
    if (trial && trial.courtCountry !== input.courtCountry) details.push({ path: 'body.courtCountry', message: "must be the trial's court country" });
    if (!trial) throw new ValidationError({ message: 'The request is not valid.', details });
    if (!managesTrial(actor, trial)) throw new ForbiddenError({ message: 'You may only schedule sessions of your own trials.', code: 'not_your_trial' });
    if (details.length > 0) throw new ValidationError({ message: 'The request is not valid.', details });
    const participants = await this.#participants(input.participants);
    const judgeUserIds = judgesOf(participants, trial);
    const courtTrialIds = await this.deps.trials.idsInCourt(trial.court, trial.courtCountry);
    const _id = new mongoose.Types.ObjectId();
    const event = { actor: userActor(actor), action: 'session.create', target: `session:${_id.toHexString()}`, outcome: 'success', details: { trialId: input.trialId, countryPair: `${input.fromCountry}-${input.courtCountry}` } } as const;
    const doc = await this.#booking.run(async () => {
      await assertFree({ witnessId: input.witnessId, judgeUserIds, courtRoom: input.courtRoom, courtTrialIds, start, end });
      return this.deps.audit.recorded(event, { collection: SESSIONS, id: _id, change: 'create' }, () =>
        SessionModel.create({
          ...input,
          _id,
          start,
          end,
          year: start.getUTCFullYear(),
          countryPair: `${input.fromCountry}-${input.courtCountry}`,
          participants,
          judgeUserIds,
          status: 'scheduled',
          createdBy: actor.userId,
        }),
      );
    });
    this.#pages.invalidate();
    return toRecordView(doc as unknown as SessionDoc);
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
   * The session, if `actor` may manage it (`managesSession` in http/ownership.ts). Others get 404
   * when they cannot even read the session, 403 otherwise.
   */
  async loadManaged(id: string, actor: Principal): Promise<SessionDoc> {
    const doc = await this.#load(id);
    if (actor.role === 'admin' || actor.role === 'operator') return doc;
    const trial = await this.deps.trials.get(doc.trialId);
    if (managesSession(actor, doc, trial)) return doc;
    if (!readsSession(actor, doc, trial)) throw new NotFoundError({ message: 'No such session.' });
    throw new ForbiddenError({ message: 'You may only manage sessions of your own trials or hearings.', code: 'not_your_session' });
  }

  /** Ids of the trials of sessions `userId` takes part in. */
  async trialIdsTakingPart(userId: string): Promise<string[]> {
    const docs = await SessionModel.find({ 'participants.userId': userId }, { trialId: 1 }).lean<Pick<SessionDoc, 'trialId'>[]>();
    return [...new Set(docs.map((d) => d.trialId))];
  }

  /** Drops cached pages (a trial's prosecutors or judge changed: who reads which session with it). */
  invalidatePages(): void {
    this.#pages.invalidate();
  }

  /**
   * Sessions the caller may read (`readsSession`), in creation (_id) order, paged by the last id:
   * all for those who see all; otherwise those they take part in and those of the trials they
   * prosecute or preside.
   */
  async list(q: SessionListQuery, actor: Principal): Promise<SessionPage> {
    const onTrials = seesAll(actor) || (actor.role !== 'prosecutor' && actor.role !== 'judge') ? [] : await this.deps.trials.idsOnTrial(actor);
    const scope = seesAll(actor) ? '*' : `${actor.userId}:${onTrials.join(',')}:${seesWitnessLocation(actor) ? 'loc' : 'noloc'}`;
    return this.#pages.get(`${scope}|${JSON.stringify(q)}`, () => this.#list(q, actor, onTrials));
  }

  async #list(q: SessionListQuery, actor: Principal, onTrials: readonly string[]): Promise<SessionPage> {
    const filter: Record<string, unknown> = {};
    if (!seesAll(actor)) {
      const mine = { 'participants.userId': actor.userId };
      filter.$or = onTrials.length > 0 ? [mine, { trialId: { $in: onTrials } }] : [mine];
    }
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
    const withLocation = seesWitnessLocation(actor);
    const items = docs.map((d) => toRecordView(d, withLocation));
    const last = docs.at(-1);
    return { items, next: docs.length === q.limit && last ? last._id.toHexString() : null };
  }

  /** One session; 404 (not 403) for a caller who may not read it, so ids cannot be probed. */
  async get(id: string, actor: Principal): Promise<SessionRecordView> {
    const doc = await this.#load(id);
    if (!seesAll(actor) && !readsSession(actor, doc, await unlessNotFound(this.deps.trials.get(doc.trialId)))) throw new NotFoundError({ message: 'No such session.' });
    return toRecordView(doc, seesWitnessLocation(actor));
  }

  /** The session as `actor` may see it (after a change they made). */
  viewFor(doc: SessionDoc, actor: Principal): SessionRecordView {
    return toRecordView(doc, seesWitnessLocation(actor));
  }

  async update(id: string, input: UpdateSessionInput, actor: Principal): Promise<SessionRecordView> {
    const notScheduled = (): InvalidStateError => new InvalidStateError({ message: 'Only a scheduled session can be changed.', code: 'session_not_scheduled' });
    const event = { actor: userActor(actor), action: 'session.update', target: `session:${id}`, outcome: 'success', details: { changed: Object.keys(input) } } as const;
    const doc = await this.#booking.run(async () => {
      const current = await this.loadManaged(id, actor);
      if (current.status !== 'scheduled') throw notScheduled();
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
      const updated = await this.deps.audit
        .recorded(event, { collection: SESSIONS, id: current._id, change: 'update' }, async (stamp) => {
          // Versioned, so a concurrent move out of `scheduled` cannot be undone by this change.
          const r = await updateVersioned<SessionDoc>(SessionModel, current._id, (d) => (d.status === 'scheduled' ? set : null), stamp);
          if (!r.found || !r.changed) throw notScheduled();
          return r.doc;
        })
        .finally(() => this.#pages.invalidate());
      // Invitations follow the window (they open shortly before it and close at its end).
      if (input.start || input.end) {
        const window = { validFrom: new Date(start.getTime() - INVITATION_LEAD_MS), validUntil: end };
        for (const inv of await InvitationModel.find({ sessionId: id }, { _id: 1 }).lean()) await updateVersioned(InvitationModel, inv._id, () => window);
      }
      return updated;
    });
    if (input.measures) this.#emit(doc);
    return this.viewFor(doc, actor);
  }

  /**
   * Moves the lifecycle on (`TRANSITIONS` in lifecycle.ts); 409 for a move the table does not
   * allow or that lost a race. Over HTTP the caller must manage the session; prosecutors may only
   * cancel. Going live stamps `liveAt`; ending or cancelling stamps `endedAt`.
   */
  async transition(id: string, to: SessionStatus, actor: Principal | AuditActor): Promise<SessionDoc> {
    if ('userId' in actor && actor.role === 'prosecutor' && to !== 'cancelled') throw new ForbiddenError({ message: 'Prosecutors may only cancel a session.' });
    // A room's chair was checked by the room.
    const current = 'userId' in actor ? await this.loadManaged(id, actor) : await this.#load(id);
    const from = current.status as SessionStatus;
    if (!TRANSITIONS[from].includes(to)) throw new InvalidStateError({ message: `A ${from} session cannot become ${to}.`, code: 'invalid_transition' });
    if (to === 'live') for (const gate of this.#liveGates) await gate(current);
    const claim = await claimMove(id, from, to);
    const changedMeanwhile = (): InvalidStateError => new InvalidStateError({ message: 'The session changed meanwhile; reload and retry.', code: 'invalid_transition' });
    // Lost a race; but a move claimed and never written (its process died) is finished here.
    if (!claim.won && Date.now() - claim.at.getTime() < STALE_MOVE_MS) throw changedMeanwhile();
    const stamp = claim.to === 'live' ? { liveAt: claim.at } : claim.to === 'ended' || claim.to === 'cancelled' ? { endedAt: claim.at } : {};
    const auditActor: AuditActor = !claim.won ? { kind: 'system' } : 'userId' in actor ? userActor(actor) : actor;
    const event = { actor: auditActor, action: 'session.status', target: `session:${id}`, outcome: 'success', details: { from, to: claim.to, ...(claim.won ? {} : { finished: 'interrupted move' }) } } as const;
    // Held only if it went live (`liveAt`, stamped by the move to live; see reports' wentLive()).
    const report = claim.to === 'ended' ? (this.deps.reportContribution?.(current) ?? undefined) : undefined;
    // The move, its event and its report count go together; the write is a versioned update
    // (FerretDB's conditional updates are not atomic) that still requires the status it left.
    const updated = await this.deps.audit
      .recorded(
        event,
        { collection: SESSIONS, id: current._id, change: 'update' },
        async (ws) => {
          const r = await updateVersioned<SessionDoc>(SessionModel, current._id, (d) => (d.status === from ? { status: claim.to, ...stamp } : null), ws);
          if (!r.found || !r.changed) throw changedMeanwhile();
          return r.doc;
        },
        { report },
      )
      .finally(() => this.#pages.invalidate());
    this.#emit(updated);
    if (claim.to !== to) throw changedMeanwhile();
    return updated;
  }

  /** Turns one measure on or off (rooms), recording `event` with the change. */
  async setMeasure(id: string, measure: ProtectiveMeasure, on: boolean, event?: AuditInput): Promise<SessionDoc> {
    const current = await this.#load(id);
    if (current.status === 'ended' || current.status === 'cancelled') throw new InvalidStateError({ message: 'The session is over.', code: 'session_over' });
    // Versioned: a concurrent transition or measure change cannot undo this one (nor this one it).
    const write = async (stamp?: WriteStamp): Promise<SessionDoc> => {
      const change = (d: SessionDoc) => (d.measures.includes(measure) === on ? null : { measures: on ? [...d.measures, measure] : d.measures.filter((m) => m !== measure) });
      const r = await updateVersioned<SessionDoc>(SessionModel, current._id, change, stamp);
      if (!r.found) throw new NotFoundError({ message: 'No such session.' });
      return r.doc;
    };
    const updated = await (event ? this.deps.audit.recorded(event, { collection: SESSIONS, id: current._id, change: 'update' }, write) : write()).finally(() => this.#pages.invalidate());
    this.#emit(updated);
    return updated;
  }

  /**
   * Publishes whether the hearing is suspended (the hearing domain keeps the records); rooms
   * receive the new view. 409 once the session is over.
   */
  async setSuspended(id: string, suspended: boolean): Promise<SessionDoc> {
    const current = await this.#load(id);
    if (current.status === 'ended' || current.status === 'cancelled') throw new InvalidStateError({ message: 'The session is over.', code: 'session_over' });
    // Versioned: a transition landing at the same moment cannot be undone by this write. Its
    // audit event is the hearing's suspension step (the record this flag is published from).
    const r = await updateVersioned<SessionDoc>(SessionModel, current._id, (d) => (d.suspended === suspended ? null : { suspended }));
    if (!r.found) throw new NotFoundError({ message: 'No such session.' });
    this.#emit(r.doc);
    return r.doc;
  }

  /** Adds a check that `transition(…, 'live')` awaits first; it throws to refuse going live. */
  gateLive(check: (s: SessionDoc) => Promise<void>): void {
    this.#liveGates.push(check);
  }

  /** The session's attendance (join, admit, deny, leave, remove), oldest first (for the minutes). */
  async attendance(id: string): Promise<{ participantId: string; event: string; at: Date }[]> {
    const docs = await AttendanceModel.find({ sessionId: id }).lean();
    return docs.map((d) => ({ participantId: d.participantId, event: d.event, at: d.at })).sort((a, b) => a.at.getTime() - b.at.getTime());
  }

  /** Removes a user participant, recording `event` with the change; false when none had that id. */
  async removeParticipant(id: string, participantId: string, event?: AuditInput): Promise<boolean> {
    return this.#booking.run(async () => {
      const current = await this.#load(id);
      const trial = await this.deps.trials.get(current.trialId);
      const change = (d: SessionDoc) => {
        const participants = d.participants.filter((p) => p.participantId !== participantId);
        return participants.length === d.participants.length ? null : { participants, judgeUserIds: judgesOf(participants, trial) };
      };
      const write = async (stamp?: WriteStamp): Promise<void> => {
        const r = await updateVersioned<SessionDoc>(SessionModel, current._id, change, stamp);
        if (!r.found || !r.changed) throw new Unchanged();
      };
      return (event ? this.deps.audit.recorded(event, { collection: SESSIONS, id: current._id, change: 'update' }, write) : write())
        .then(() => true, unchangedIsFalse)
        .finally(() => this.#pages.invalidate());
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
