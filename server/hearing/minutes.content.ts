/**
 * The minutes' content, assembled from the records by a pure function: session and trial, place
 * (countries and courts, never the witness's location), participants by role (the witness by
 * codename), identity check, oath, interpretation, measures, and every event of the hearing in
 * order with its time. Rendering (PDF) is `minutes.pdf.ts`.
 */
import { IDENTITY_DOCUMENT_NAMES, ROLE_NAMES } from '../../common/vocabulary.js';
import type { AuditEventView } from '../audit/index.js';
import type { SessionDoc } from '../sessions/index.js';
import type { TrialView } from '../trials/index.js';
import type { InterpretationPlan } from '../signaling/ports.js';
import type { IdentityCheckDoc, IdentityOverrideDoc, OathDoc, SuspensionStepDoc, TelemetrySummaryDoc } from './hearing.model.js';

/** Format tag of the JSON minutes. */
export const MINUTES_FORMAT = 'witness-bridge.minutes/1';

/** Identity documents, as the minutes name them (inside a sentence). */
export const DOCUMENT_LABELS: Readonly<Record<string, string>> = Object.fromEntries(Object.entries(IDENTITY_DOCUMENT_NAMES).map(([k, v]) => [k, v.toLowerCase()]));

/** A person as the minutes name them. */
export interface MinutesPerson {
  readonly role: string;
  readonly name: string;
}

/** One line of the course of the hearing. */
export interface MinutesEvent {
  readonly at: string;
  readonly kind: string;
  readonly text: string;
}

/** The minutes as stored and issued (JSON). */
export interface MinutesContent {
  readonly format: typeof MINUTES_FORMAT;
  readonly session: { readonly id: string; readonly countryPair: string; readonly scheduledStart: string; readonly scheduledEnd: string; readonly courtTimeZone: string };
  readonly trial: { readonly caseNumber: string; readonly court: string; readonly courtCountry: string };
  /** Countries and courts only: the witness's location is never part of the minutes. */
  readonly place: { readonly witnessCountry: string; readonly courtCountry: string; readonly court: string; readonly courtRoom: string };
  readonly date: string;
  readonly times: { readonly lobbyOpened: string | null; readonly live: string | null; readonly ended: string | null };
  readonly participants: readonly (MinutesPerson & { readonly participantId: string; readonly joinedBy: 'account' | 'link'; readonly attended: boolean })[];
  readonly identityCheck: { readonly documentType: string; readonly matched: boolean; readonly note: string; readonly by: MinutesPerson; readonly at: string } | null;
  readonly identityOverride: { readonly reason: string; readonly by: MinutesPerson; readonly at: string } | null;
  readonly oath: { readonly kind: string; readonly rightsInformed: boolean; readonly by: MinutesPerson; readonly at: string } | null;
  readonly interpretation: { readonly witnessLanguage: string; readonly courtLanguage: string; readonly mode: string; readonly interpreters: readonly MinutesPerson[] } | null;
  readonly measures: { readonly inForceAtOpening: readonly string[]; readonly changes: readonly { readonly at: string; readonly measure: string; readonly on: boolean; readonly by: MinutesPerson }[] };
  readonly suspensions: readonly { readonly suspendedAt: string; readonly reason: string; readonly by: MinutesPerson; readonly resumedAt: string | null; readonly resumedBy: MinutesPerson | null }[];
  readonly technical: readonly (MinutesPerson & { readonly participantId: string; readonly connectedSeconds: number; readonly interruptions: number; readonly telemetry: Omit<TelemetrySummaryDoc, 'sessionId' | 'participantId' | 'at'> | null })[];
  readonly events: readonly MinutesEvent[];
  readonly remarks: { readonly text: string; readonly by: MinutesPerson; readonly at: string } | null;
  readonly generatedAt: string;
}

/** Everything the minutes are made from, read by the minutes service. */
export interface MinutesSources {
  readonly session: SessionDoc;
  readonly trial: TrialView;
  readonly witnessCodename: string;
  /** Every invitation of the session (the link holders), revoked ones included. */
  readonly invitations: readonly { readonly participantId: string; readonly role: string; readonly displayName: string }[];
  /** Courtroom operators who ran the room without being listed (`user-<id>` participants). */
  readonly operators: ReadonlyMap<string, string>;
  readonly attendance: readonly { readonly participantId: string; readonly event: string; readonly at: Date }[];
  /** Audit events targeting the session, oldest first. */
  readonly sessionAudit: readonly AuditEventView[];
  /** Successful pause and resume events of the session's streams, oldest first. */
  readonly pauses: readonly AuditEventView[];
  readonly identityCheck: IdentityCheckDoc | null;
  readonly identityOverride: IdentityOverrideDoc | null;
  readonly oath: OathDoc | null;
  readonly steps: readonly SuspensionStepDoc[];
  readonly interpretation: InterpretationPlan | null;
  readonly telemetry: readonly TelemetrySummaryDoc[];
  readonly generatedAt: Date;
}

type Directory = Map<string, MinutesPerson & { joinedBy: 'account' | 'link' }>;

function directory(src: MinutesSources): Directory {
  const d: Directory = new Map();
  for (const p of src.session.participants) d.set(p.participantId, { role: p.role, name: p.displayName, joinedBy: 'account' });
  for (const i of src.invitations) {
    // The witness appears only under the codename, whatever label a link carried.
    const name = i.role === 'witness' ? src.witnessCodename : i.displayName;
    d.set(i.participantId, { role: i.role, name, joinedBy: 'link' });
  }
  for (const [id, name] of src.operators) d.set(id, { role: 'operator', name, joinedBy: 'account' });
  return d;
}

/** "Judge Ana Petrova", "Witness Sparrow-12", or the role alone when the label is the role. */
export function personLabel(p: MinutesPerson): string {
  const role = (ROLE_NAMES as Record<string, string>)[p.role] ?? p.role;
  return p.name && p.name !== p.role ? `${role} ${p.name}` : role;
}

function fromBy(by: { role: string; displayName: string }): MinutesPerson {
  return { role: by.role, name: by.displayName };
}

function fromActor(a: AuditEventView['actor']): MinutesPerson {
  if (a.kind === 'system') return { role: 'system', name: 'Witness Bridge' };
  return { role: a.role ?? a.kind, name: a.label ?? '' };
}

const iso = (d: Date | string): string => (typeof d === 'string' ? d : d.toISOString());

function lifecycle(src: MinutesSources): { times: MinutesContent['times']; events: MinutesEvent[] } {
  const times: { lobbyOpened: string | null; live: string | null; ended: string | null } = { lobbyOpened: null, live: null, ended: null };
  const events: MinutesEvent[] = [];
  const words: Record<string, string> = { lobby: 'The lobby was opened', live: 'The hearing went live', ended: 'The session ended', cancelled: 'The session was cancelled' };
  for (const e of src.sessionAudit) {
    if (e.action !== 'session.status' || e.outcome !== 'success') continue;
    const to = (e.details as { to?: string } | null)?.to ?? '';
    if (to === 'lobby') times.lobbyOpened ??= e.at;
    if (to === 'live') times.live ??= e.at;
    if (to === 'ended') times.ended ??= e.at;
    if (words[to]) events.push({ at: e.at, kind: `status.${to}`, text: `${words[to]} (${personLabel(fromActor(e.actor))}).` });
  }
  // A refused start is part of the record: the identity gate held the hearing in the lobby.
  for (const e of src.sessionAudit) {
    if (e.action === 'room.start' && e.outcome === 'failure') events.push({ at: e.at, kind: 'status.refused', text: `An attempt to go live was refused (${personLabel(fromActor(e.actor))}).` });
  }
  return { times, events };
}

function measures(src: MinutesSources): { measures: MinutesContent['measures']; events: MinutesEvent[] } {
  const toggles = src.sessionAudit.filter((e) => e.action === 'room.closedSession' && e.outcome === 'success');
  const changes = toggles.map((e) => ({ at: e.at, measure: 'closedSession', on: Boolean((e.details as { closed?: boolean } | null)?.closed), by: fromActor(e.actor) }));
  const now = src.session.measures.filter((m) => m !== 'closedSession');
  const closedAtOpening = changes[0] ? !changes[0].on : src.session.measures.includes('closedSession');
  const events = changes.map((c) => ({ at: c.at, kind: 'measure', text: `Closed session ${c.on ? 'ordered' : 'lifted'} (${personLabel(c.by)}).` }));
  return { measures: { inForceAtOpening: closedAtOpening ? [...now, 'closedSession'] : now, changes }, events };
}

const ATTENDANCE_WORDS: Record<string, string> = { join: 'connected', admit: 'was admitted', deny: 'was refused admission', leave: 'disconnected', remove: 'was removed' };

function attendanceEvents(src: MinutesSources, dir: Directory, endAt: Date): MinutesEvent[] {
  // Everyone is disconnected by the end itself: what the room records after it is not the hearing.
  return src.attendance.flatMap((a) => {
    if (a.at > endAt) return [];
    const who = dir.get(a.participantId);
    const verb = ATTENDANCE_WORDS[a.event];
    return verb ? [{ at: iso(a.at), kind: `attendance.${a.event}`, text: `${who ? personLabel(who) : 'A participant'} ${verb}.` }] : [];
  });
}

function pauseEvents(src: MinutesSources, dir: Directory): MinutesEvent[] {
  return src.pauses.map((e) => {
    const d = (e.details ?? {}) as { participantId?: string; kind?: string };
    const owner = d.participantId ? dir.get(d.participantId) : undefined;
    const stream = `${d.kind === 'audio' ? 'Sound' : d.kind === 'video' ? 'Picture' : 'A stream'}${owner ? ` of ${personLabel(owner)}` : ''}`;
    const paused = e.action === 'room.pauseProducer';
    return { at: e.at, kind: paused ? 'pause' : 'resume', text: `${stream} ${paused ? 'paused' : 'resumed'} (${personLabel(fromActor(e.actor))}).` };
  });
}

function suspensions(src: MinutesSources): { list: MinutesContent['suspensions']; events: MinutesEvent[] } {
  const list: { suspendedAt: string; reason: string; by: MinutesPerson; resumedAt: string | null; resumedBy: MinutesPerson | null }[] = [];
  const events: MinutesEvent[] = [];
  for (const s of src.steps) {
    const by = fromBy(s.by);
    if (s.action === 'suspend') {
      list.push({ suspendedAt: iso(s.at), reason: s.reason ?? '', by, resumedAt: null, resumedBy: null });
      events.push({ at: iso(s.at), kind: 'suspend', text: `The hearing was suspended by ${personLabel(by)}: ${s.reason ?? ''}` });
    } else {
      const open = list.at(-1);
      if (open) Object.assign(open, { resumedAt: iso(s.at), resumedBy: by });
      events.push({ at: iso(s.at), kind: 'resume', text: `The hearing was resumed by ${personLabel(by)}.` });
    }
  }
  return { list, events };
}

function hearingEvents(src: MinutesSources): MinutesEvent[] {
  const events: MinutesEvent[] = [];
  const c = src.identityCheck;
  if (c) events.push({ at: iso(c.at), kind: 'identityCheck', text: `Identity check recorded by ${personLabel(fromBy(c.by))}: ${DOCUMENT_LABELS[c.documentType] ?? c.documentType}, identity ${c.matched ? 'confirmed' : 'NOT confirmed'}.` });
  const o = src.identityOverride;
  if (o) events.push({ at: iso(o.at), kind: 'identityOverride', text: `Going live without a confirmed identity check ordered by ${personLabel(fromBy(o.by))}: ${o.reason}` });
  const oath = src.oath;
  if (oath) events.push({ at: iso(oath.at), kind: 'oath', text: `${personLabel(fromBy(oath.by))} recorded that the witness was informed of their rights and took the ${oath.kind}.` });
  return events;
}

/** Connected time and reconnects per participant, from attendance up to the end of the session. */
function technical(src: MinutesSources, dir: Directory, endAt: Date): MinutesContent['technical'] {
  const byId = new Map<string, { since: Date | null; ms: number; joins: number }>();
  for (const a of src.attendance) {
    if (a.at > endAt) continue;
    const t = byId.get(a.participantId) ?? { since: null, ms: 0, joins: 0 };
    if (a.event === 'join' && !t.since) {
      t.since = a.at;
      t.joins++;
    } else if ((a.event === 'leave' || a.event === 'remove' || a.event === 'deny') && t.since) {
      t.ms += a.at.getTime() - t.since.getTime();
      t.since = null;
    }
    byId.set(a.participantId, t);
  }
  const latest = new Map<string, TelemetrySummaryDoc>();
  // Summaries add up from the start: the one with the most samples is the fullest (a stale one written late loses).
  for (const s of src.telemetry) {
    const had = latest.get(s.participantId);
    if (!had || had.samples < s.samples || (had.samples === s.samples && had.at < s.at)) latest.set(s.participantId, s);
  }
  return [...byId].map(([participantId, t]) => {
    const who = dir.get(participantId) ?? { role: 'unknown', name: '' };
    const ms = t.ms + (t.since ? endAt.getTime() - t.since.getTime() : 0);
    const s = latest.get(participantId);
    const telemetry = s ? { samples: s.samples, bitrateInKbps: s.bitrateInKbps, bitrateOutKbps: s.bitrateOutKbps, lossPercent: s.lossPercent, rttMs: s.rttMs ?? null } : null;
    return { participantId, role: who.role, name: who.name, connectedSeconds: Math.round(ms / 1000), interruptions: Math.max(0, t.joins - 1), telemetry };
  });
}

/** The date of `at` on the court's wall clock, `YYYY-MM-DD`. */
function courtDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

/** Assembles the minutes from their sources. */
export function buildMinutes(src: MinutesSources): MinutesContent {
  const s = src.session;
  const dir = directory(src);
  const life = lifecycle(src);
  const m = measures(src);
  const susp = suspensions(src);
  const attended = new Set(src.attendance.filter((a) => a.event === 'join').map((a) => a.participantId));
  const endAt = life.times.ended ? new Date(life.times.ended) : src.generatedAt;
  const events = [...life.events, ...m.events, ...attendanceEvents(src, dir, endAt), ...pauseEvents(src, dir), ...susp.events, ...hearingEvents(src)];
  // A stable order: by time, then by kind so that equal instants read the same every time.
  events.sort((a, b) => a.at.localeCompare(b.at) || a.kind.localeCompare(b.kind));
  const courtTimeZone = s.timeZones?.court ?? 'UTC';
  const c = src.identityCheck;
  const plan = src.interpretation;
  return {
    format: MINUTES_FORMAT,
    session: { id: s._id.toHexString(), countryPair: s.countryPair, scheduledStart: iso(s.start), scheduledEnd: iso(s.end), courtTimeZone },
    trial: { caseNumber: src.trial.caseNumber, court: src.trial.court, courtCountry: src.trial.courtCountry },
    place: { witnessCountry: s.fromCountry, courtCountry: s.courtCountry, court: src.trial.court, courtRoom: s.courtRoom },
    date: courtDate(life.times.live ? new Date(life.times.live) : s.start, courtTimeZone),
    times: life.times,
    participants: [...dir].map(([participantId, p]) => ({ participantId, ...p, attended: attended.has(participantId) })),
    identityCheck: c ? { documentType: c.documentType, matched: c.matched, note: c.note ?? '', by: fromBy(c.by), at: iso(c.at) } : null,
    identityOverride: src.identityOverride ? { reason: src.identityOverride.reason, by: fromBy(src.identityOverride.by), at: iso(src.identityOverride.at) } : null,
    oath: src.oath ? { kind: src.oath.kind, rightsInformed: src.oath.rightsInformed, by: fromBy(src.oath.by), at: iso(src.oath.at) } : null,
    interpretation: plan ? { witnessLanguage: plan.witnessLanguage, courtLanguage: plan.courtLanguage, mode: plan.mode, interpreters: plan.interpreterParticipantIds.map((id) => ({ role: 'interpreter', name: dir.get(id)?.name ?? '' })) } : null,
    measures: m.measures,
    suspensions: susp.list,
    technical: technical(src, dir, endAt),
    events,
    remarks: null,
    generatedAt: src.generatedAt.toISOString(),
  };
}
