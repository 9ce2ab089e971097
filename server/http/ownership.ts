/**
 * Authorization by ownership: the one table of who may read or change which record, by the
 * caller's relation to it (on the trial as prosecutor or presiding judge, a participant of the
 * session, the witness's handler), not only by their account role. `access.ts` decides which
 * roles may call a route at all; the services load the records and ask these functions about
 * each one. Pure functions over plain records: no database, no HTTP.
 */
import type { ParticipantRole, UserRole } from '../../common/vocabulary.js';
import type { Principal } from './access.js';

/** What the rules need of a trial. */
export interface TrialRef {
  readonly id: string;
  readonly judgeId: string;
  readonly prosecutorIds: readonly string[];
}

/** What the rules need of a session. */
export interface SessionRef {
  readonly trialId: string;
  readonly participants: readonly { readonly userId: string; readonly role: string }[];
}

/** What the rules need of a witness. */
export interface WitnessRef {
  readonly handlerId: string | null;
  readonly trialIds: readonly string[];
}

/**
 * Account roles that see every trial, session and witness (codename data): administrators,
 * programme staff (they report on all of them) and courtroom operators (they run any room).
 */
const SEES_ALL: readonly UserRole[] = ['admin', 'staff', 'operator'];

/** Account roles that may see where the witness testifies from (country, time zone). */
const SEES_WITNESS_LOCATION: readonly UserRole[] = ['admin', 'staff', 'operator', 'prosecutor', 'judge'];

/**
 * Which account roles may hold each session role. `support` is programme staff (or someone
 * invited by link); the accused, the public gallery and the witness join only by invitation.
 */
export const PARTICIPANT_ACCOUNT_ROLES: Record<ParticipantRole, readonly UserRole[]> = {
  judge: ['judge'],
  prosecutor: ['prosecutor'],
  defence: ['defence'],
  interpreter: ['interpreter'],
  operator: ['operator', 'admin'],
  support: ['staff'],
  authority: ['judge'],
  accused: [],
  public: [],
  witness: [],
};

/** True when an account of `accountRole` may hold `participantRole` in a session. */
export function fitsParticipantRole(participantRole: ParticipantRole, accountRole: UserRole): boolean {
  return PARTICIPANT_ACCOUNT_ROLES[participantRole].includes(accountRole);
}

/** True for roles that see every record of the kinds above. */
export function seesAll(actor: Principal): boolean {
  return SEES_ALL.includes(actor.role);
}

const takesPart = (actor: Principal, s: SessionRef): boolean => s.participants.some((p) => p.userId === actor.userId);

/**
 * Trials the caller reads, given the trials they are on and those of sessions they take part in:
 * everyone who sees all, a prosecutor their trials, a judge those they preside or sit in, defence
 * those they take part in. `'all'` when unrestricted.
 */
export function readableTrials(actor: Principal, rel: { readonly onTrial: readonly string[]; readonly takingPart: readonly string[] }): 'all' | string[] {
  if (seesAll(actor)) return 'all';
  if (actor.role === 'prosecutor' || actor.role === 'judge') return [...new Set([...rel.onTrial, ...rel.takingPart])];
  if (actor.role === 'defence') return [...rel.takingPart];
  return [];
}

/** True when the caller is on the trial as one of its prosecutors or its presiding judge. */
export function isOnTrial(actor: Principal, trial: TrialRef): boolean {
  return (actor.role === 'prosecutor' && trial.prosecutorIds.includes(actor.userId)) || (actor.role === 'judge' && trial.judgeId === actor.userId);
}

/** Who may change a trial or record its sentences: an admin, or one of its prosecutors. */
export function managesTrial(actor: Principal, trial: TrialRef): boolean {
  return actor.role === 'admin' || (actor.role === 'prosecutor' && trial.prosecutorIds.includes(actor.userId));
}

/** Who may read a session: those who see all, its participants, the trial's prosecutors and presiding judge. */
export function readsSession(actor: Principal, session: SessionRef, trial: TrialRef | undefined): boolean {
  return seesAll(actor) || takesPart(actor, session) || (trial !== undefined && isOnTrial(actor, trial));
}

/**
 * Who may manage a session (change it, move it on, invite to it): admins and courtroom operators
 * any; a judge the sessions they sit in or whose trial they preside; a prosecutor the sessions of
 * the trials they prosecute (from the current trial, so a reassignment applies at once).
 */
export function managesSession(actor: Principal, session: SessionRef, trial: TrialRef): boolean {
  if (actor.role === 'admin' || actor.role === 'operator') return true;
  if (actor.role === 'judge') return takesPart(actor, session) || trial.judgeId === actor.userId;
  return actor.role === 'prosecutor' && trial.prosecutorIds.includes(actor.userId);
}

/** Whether the caller may see the witness's country and time zone in session records. */
export function seesWitnessLocation(actor: Principal): boolean {
  return SEES_WITNESS_LOCATION.includes(actor.role);
}

/**
 * Who may read a witness's codename data: those who see all, and prosecutors and judges of a
 * trial the witness is linked to (`readable` from `readableTrials`).
 */
export function readsWitness(actor: Principal, witness: WitnessRef, readable: 'all' | readonly string[]): boolean {
  if (seesAll(actor)) return true;
  if (actor.role !== 'prosecutor' && actor.role !== 'judge') return false;
  return readable === 'all' || witness.trialIds.some((t) => readable.includes(t));
}

/** Who may read or write a witness's protected identity: an admin, or the witness's handler. */
export function handlesIdentity(actor: Principal, witness: WitnessRef): boolean {
  return actor.role === 'admin' || (actor.role === 'staff' && witness.handlerId === actor.userId);
}

/** Who may hand a witness to another handler or archive it: an admin, or the current handler. */
export function managesWitness(actor: Principal, witness: WitnessRef): boolean {
  return handlesIdentity(actor, witness);
}
