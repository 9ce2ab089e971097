/**
 * The minutes of a hearing: generated once when the session ends, from the records, as JSON and
 * PDF; stored, never regenerated; each version's SHA-256 appended to the audit chain. The judge
 * may add remarks (a new version) until sealing; a sealed version is the minutes for good (409 on
 * any change). Unique indexes make racing generate, remarks and seal calls produce one result.
 */
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';
import { userActor, type AuditActor, type AuditEventView, type AuditLog } from '../audit/index.js';
import type { AuthService } from '../auth/index.js';
import { ConflictError, ForbiddenError, InvalidStateError, NotFoundError } from '../../common/errors.js';
import type { Principal } from '../http/access.js';
import type { Logger } from '../logger.js';
import type { InvitationService, SessionDoc, SessionService } from '../sessions/index.js';
import type { TrialService } from '../trials/index.js';
import type { WitnessService } from '../witnesses/index.js';
import { IdentityCheckModel, IdentityOverrideModel, OathModel, TelemetrySummaryModel, type TelemetrySummaryDoc } from './hearing.model.js';
import type { HearingService } from './hearing.service.js';
import type { InterpretationService } from './interpretation.service.js';
import type { MinutesVerification, MinutesView, RemarksInput } from './hearing.schemas.js';
import { buildMinutes, type MinutesContent } from './minutes.content.js';
import { MinutesModel, MinutesSealModel, type MinutesDoc } from './minutes.model.js';
import { renderMinutesPdf } from './minutes.pdf.js';

const sha256 = (data: string | Buffer): string => createHash('sha256').update(data).digest('hex');

/** The PDF bytes of a lean document: the driver hands binary fields back as BSON `Binary`. */
function pdfBytes(doc: MinutesDoc): Buffer {
  const v = doc.pdf as unknown;
  if (Buffer.isBuffer(v)) return v;
  const bin = v as { value(): Uint8Array };
  return Buffer.from(bin.value());
}
const SYSTEM: AuditActor = { kind: 'system', label: 'minutes' };
/** Audit actions that carry a version's hashes. */
const HASH_ACTIONS = ['hearing.minutes', 'hearing.minutesRemarks'] as const;

const sealed = (): ConflictError => new ConflictError({ message: 'The minutes are sealed and cannot be changed.', code: 'minutes_sealed' });
const changed = (): ConflictError => new ConflictError({ message: 'The minutes changed meanwhile; reload them and try again.', code: 'minutes_changed' });

interface MinutesDeps {
  readonly sessions: SessionService;
  readonly invitations: InvitationService;
  readonly trials: TrialService;
  readonly witnesses: WitnessService;
  readonly auth: AuthService;
  readonly hearing: HearingService;
  readonly interpretation: InterpretationService;
  readonly audit: AuditLog;
  readonly logger: Logger;
}

/** Generates, serves, annotates and seals minutes. */
export class MinutesService {
  constructor(private readonly deps: MinutesDeps) {
    // Minutes follow the end of a session at once (published once, after the end is stored).
    deps.sessions.subscribe((view) => {
      if (view.status !== 'ended') return;
      this.#generate(view.id, SYSTEM).catch((err: unknown) => deps.logger.error({ err, sessionId: view.id }, 'generateMinutes() failed'));
    });
  }

  /**
   * The session, when `actor` may read its minutes: admins; the trial's presiding judge or a judge
   * sitting in the session; the trial's prosecutors. With `judgeOnly`, only those judges.
   * 404 for a caller who cannot see the session at all, 403 otherwise.
   */
  async #authorize(sessionId: string, actor: Principal, judgeOnly = false): Promise<SessionDoc> {
    const s = await this.deps.sessions.loadRecord(sessionId);
    const trial = await this.deps.trials.get(s.trialId);
    const sits = s.participants.some((p) => p.userId === actor.userId);
    const isJudge = actor.role === 'judge' && (trial.judgeId === actor.userId || s.participants.some((p) => p.role === 'judge' && p.userId === actor.userId));
    const allowed = isJudge || (!judgeOnly && (actor.role === 'admin' || (actor.role === 'prosecutor' && trial.prosecutorIds.includes(actor.userId))));
    if (allowed) return s;
    if (!sits && !['admin', 'prosecutor', 'staff', 'operator'].includes(actor.role)) throw new NotFoundError({ message: 'No such session.' });
    throw new ForbiddenError({ message: judgeOnly ? "Only the trial's judge can do this." : "Only the trial's judge and prosecutors can read these minutes.", code: 'not_your_minutes' });
  }

  /** Generates the minutes of an ended session, once: a second call returns the stored ones. */
  async generate(sessionId: string, actor: Principal): Promise<MinutesView> {
    await this.#authorize(sessionId, actor);
    return this.#generate(sessionId, userActor(actor));
  }

  async #generate(sessionId: string, actor: AuditActor): Promise<MinutesView> {
    const existing = await this.#current(sessionId);
    if (existing) return existing;
    const session = await this.deps.sessions.loadRecord(sessionId);
    if (session.status !== 'ended') throw new InvalidStateError({ message: 'Minutes are made when the session has ended.', code: 'session_not_ended' });
    const content = buildMinutes(await this.#sources(session));
    const doc = await this.#issue(sessionId, 1, content, actor, 'hearing.minutes');
    if (!doc) return (await this.#current(sessionId))!;
    return this.#view(doc, null);
  }

  /**
   * Renders and stores version `version` with its audit event carrying the hashes (the version
   * and its event go together: `recordedInsert()`); null when another call stored that version
   * first. `after` runs once stored; when it throws (having removed the version), nothing is audited.
   */
  async #issue(sessionId: string, version: number, content: MinutesContent, actor: AuditActor, action: (typeof HASH_ACTIONS)[number], after?: () => Promise<void>): Promise<MinutesDoc | null> {
    const json = JSON.stringify(content, null, 2);
    const pdf = await renderMinutesPdf(content);
    const _id = new mongoose.Types.ObjectId();
    const fields = { _id, sessionId, version, json, pdf, sha256Json: sha256(json), sha256Pdf: sha256(pdf), createdAt: new Date() };
    const event = { actor, action, target: `session:${sessionId}`, outcome: 'success', details: { version, sha256Pdf: fields.sha256Pdf, sha256Json: fields.sha256Json } } as const;
    if (!(await this.deps.audit.recordedInsert(event, MinutesModel, fields, { after }))) return null;
    return MinutesModel.findById(_id).lean<MinutesDoc>();
  }

  async #sources(session: SessionDoc) {
    const sessionId = session._id.toHexString();
    const [trial, codenames, invitations, attendance, sessionAudit, pauses, identityCheck, identityOverride, oath, steps, interpretation, telemetry] = await Promise.all([
      this.deps.trials.get(session.trialId),
      this.deps.witnesses.codenames([session.witnessId]),
      this.deps.invitations.ofSession(sessionId),
      this.deps.sessions.attendance(sessionId),
      this.#auditOf({ target: `session:${sessionId}` }, () => true),
      this.#pausesOf(sessionId, session.start),
      IdentityCheckModel.findOne({ sessionId }).lean(),
      IdentityOverrideModel.findOne({ sessionId }).lean(),
      OathModel.findOne({ sessionId }).lean(),
      this.deps.hearing.steps(sessionId),
      this.deps.interpretation.plan(sessionId),
      TelemetrySummaryModel.find({ sessionId }).lean<TelemetrySummaryDoc[]>(),
    ]);
    const unlisted = [...new Set(attendance.map((a) => a.participantId))].filter((id) => id.startsWith('user-')).map((id) => id.slice(5));
    const users = await this.deps.auth.usersByIds(unlisted);
    const operators = new Map([...users].map(([id, u]) => [`user-${id}`, u.displayName]));
    return { session, trial, witnessCodename: codenames.get(session.witnessId) ?? 'Witness', invitations, operators, attendance, sessionAudit, pauses, identityCheck, identityOverride, oath, steps, interpretation, telemetry, generatedAt: new Date() };
  }

  /** Audit events matching `filter` (paged newest first), kept by `keep`, oldest first; stops at `until`. */
  async #auditOf(filter: { target?: string; action?: string }, keep: (e: AuditEventView) => boolean, until?: Date): Promise<AuditEventView[]> {
    const out: AuditEventView[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await this.deps.audit.list({ ...filter, limit: 200, ...(before ? { before } : {}) });
      out.push(...page.items.filter(keep));
      const last = page.items.at(-1);
      if (!page.nextBefore || (until && last && new Date(last.at) < until)) break;
      before = page.nextBefore;
    }
    // An event written late, after an outage, says when it happened (deferWhileAway in server/db/gate.ts).
    const when = (e: AuditEventView): string => {
      const occurred = (e.details as { occurredAt?: unknown } | null)?.occurredAt;
      return typeof occurred === 'string' ? occurred : e.at;
    };
    return out
      .reverse()
      .map((e) => ({ ...e, at: when(e) }))
      .sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  }

  /** The session's pause and resume events: those audit events name the stream, the session in details. */
  async #pausesOf(sessionId: string, start: Date): Promise<AuditEventView[]> {
    const mine = (e: AuditEventView) => e.outcome === 'success' && (e.details as { sessionId?: string } | null)?.sessionId === sessionId;
    // Invitations open 30 minutes before the window: nothing of this session happened earlier.
    const since = new Date(start.getTime() - 3600_000);
    const [paused, resumed] = await Promise.all([this.#auditOf({ action: 'room.pauseProducer' }, mine, since), this.#auditOf({ action: 'room.resumeProducer' }, mine, since)]);
    return [...paused, ...resumed].sort((a, b) => a.seq - b.seq);
  }

  /** The minutes in force: the sealed version, or else the latest; undefined before generation. */
  async #currentDoc(sessionId: string): Promise<{ doc: MinutesDoc; seal: { at: Date } | null } | undefined> {
    const seal = await MinutesSealModel.findOne({ sessionId }).lean();
    const doc = seal
      ? await MinutesModel.findOne({ sessionId, version: seal.version }).lean<MinutesDoc>()
      : await MinutesModel.findOne({ sessionId }).sort({ version: -1 }).lean<MinutesDoc>();
    return doc ? { doc, seal: seal ? { at: seal.at } : null } : undefined;
  }

  async #current(sessionId: string): Promise<MinutesView | undefined> {
    const c = await this.#currentDoc(sessionId);
    return c ? this.#view(c.doc, c.seal) : undefined;
  }

  #view(doc: MinutesDoc, seal: { at: Date } | null): MinutesView {
    return { sessionId: doc.sessionId, version: doc.version, generatedAt: doc.createdAt.toISOString(), sha256Pdf: doc.sha256Pdf, sha256Json: doc.sha256Json, sealed: Boolean(seal), sealedAt: seal ? seal.at.toISOString() : null, content: JSON.parse(doc.json) as unknown };
  }

  async #require(sessionId: string): Promise<{ doc: MinutesDoc; seal: { at: Date } | null }> {
    const c = await this.#currentDoc(sessionId);
    if (!c) throw new NotFoundError({ message: 'The minutes of this session have not been generated yet.', code: 'minutes_not_found' });
    return c;
  }

  async get(sessionId: string, actor: Principal): Promise<MinutesView> {
    await this.#authorize(sessionId, actor);
    const c = await this.#require(sessionId);
    return this.#view(c.doc, c.seal);
  }

  /** The stored PDF (or JSON text) of the minutes in force, byte for byte as issued. */
  async file(sessionId: string, actor: Principal, kind: 'pdf' | 'json'): Promise<{ bytes: Buffer; filename: string; sha256: string }> {
    await this.#authorize(sessionId, actor);
    const { doc } = await this.#require(sessionId);
    const bytes = kind === 'pdf' ? pdfBytes(doc) : Buffer.from(doc.json, 'utf8');
    return { bytes, filename: `minutes-${sessionId}-v${doc.version}.${kind}`, sha256: kind === 'pdf' ? doc.sha256Pdf : doc.sha256Json };
  }

  /** The judge's remarks on the version they read: a new version, until sealed. */
  async remarks(sessionId: string, input: RemarksInput, actor: Principal): Promise<MinutesView> {
    await this.#authorize(sessionId, actor, true);
    const { doc, seal } = await this.#require(sessionId);
    if (seal) throw sealed();
    if (doc.version !== input.version) throw changed();
    const previous = JSON.parse(doc.json) as MinutesContent;
    const judge = (await this.deps.auth.getUser(actor.userId)).displayName;
    const content: MinutesContent = { ...previous, remarks: { text: input.remarks, by: { role: 'judge', name: judge }, at: new Date().toISOString() } };
    let late: { version: number; at: Date } | null = null;
    // A seal that won meanwhile pinned an earlier version: this one must not stand beside it (nor its event).
    const noLateSeal = async (): Promise<void> => {
      late = await MinutesSealModel.findOne({ sessionId }).lean();
      if (late && late.version !== doc.version + 1) {
        await MinutesModel.deleteOne({ sessionId, version: doc.version + 1 });
        throw sealed();
      }
    };
    const next = await this.#issue(sessionId, doc.version + 1, content, userActor(actor), 'hearing.minutesRemarks', noLateSeal);
    if (!next) throw changed();
    const lateSeal = late as { version: number; at: Date } | null;
    return this.#view(next, lateSeal ? { at: lateSeal.at } : null);
  }

  /** Seals the version the judge read; 409 when sealed already or a newer version exists. */
  async seal(sessionId: string, version: number, actor: Principal): Promise<MinutesView> {
    await this.#authorize(sessionId, actor, true);
    const { doc, seal } = await this.#require(sessionId);
    if (seal) throw sealed();
    if (doc.version !== version) throw changed();
    const at = new Date();
    const event = { actor: userActor(actor), action: 'hearing.minutesSeal', target: `session:${sessionId}`, outcome: 'success', details: { version, sha256Pdf: doc.sha256Pdf, sha256Json: doc.sha256Json } } as const;
    const record = { _id: new mongoose.Types.ObjectId(), sessionId, version, sha256Pdf: doc.sha256Pdf, by: actor.userId, at };
    // Remarks that landed meanwhile made a newer version: the seal must not pin the older one
    // beside it (nor have its event). Each side checks after its own insert, so one always sees
    // the other: at worst both answer 409 and the judge reads again.
    const noNewerVersion = async (): Promise<void> => {
      if (await MinutesModel.exists({ sessionId, version: { $gt: version } })) {
        await MinutesSealModel.deleteOne({ _id: record._id });
        throw changed();
      }
    };
    if (!(await this.deps.audit.recordedInsert(event, MinutesSealModel, record, { after: noNewerVersion }))) throw sealed();
    return this.#view(doc, { at });
  }

  /** Recomputes the stored bytes' hashes and finds them in the audit chain, which must verify. */
  async verify(sessionId: string, actor: Principal): Promise<MinutesVerification> {
    await this.#authorize(sessionId, actor);
    const { doc } = await this.#require(sessionId);
    const bytesMatch = sha256(pdfBytes(doc)) === doc.sha256Pdf && sha256(doc.json) === doc.sha256Json;
    const events = await this.#auditOf({ target: `session:${sessionId}` }, (e) => (HASH_ACTIONS as readonly string[]).includes(e.action));
    const carrying = events.find((e) => {
      const d = e.details as { version?: number; sha256Pdf?: string; sha256Json?: string } | null;
      return d?.version === doc.version && d.sha256Pdf === doc.sha256Pdf && d.sha256Json === doc.sha256Json;
    });
    const chain = await this.deps.audit.verify();
    return { ok: bytesMatch && Boolean(carrying) && chain.ok, version: doc.version, sha256Pdf: doc.sha256Pdf, bytesMatch, auditSeq: carrying?.seq ?? null, chainOk: chain.ok };
  }
}
