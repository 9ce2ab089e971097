/**
 * What the signed-in user may do to a record, so that screens offer only what the API will
 * accept. The API decides (server/http/access.ts and the services' ownership checks); this
 * mirrors those rules and must follow them when they change.
 */
import type { SessionStatus } from '../../../common/vocabulary.js';
import type { TestimonySession, Trial, User, UserRole, Witness } from '../api/types.js';

const is = (u: User | undefined, ...roles: UserRole[]): boolean => !!u && roles.includes(u.role);

/**
 * The lifecycle moves the API allows (server/sessions/session.service.ts TRANSITIONS): a session
 * is ended once live, and cancelled before that.
 */
export const NEXT_STATUS: Readonly<Record<SessionStatus, readonly SessionStatus[]>> = {
  scheduled: ['lobby', 'cancelled'],
  lobby: ['live', 'cancelled'],
  live: ['ended'],
  ended: [],
  cancelled: [],
};

/** A trial this user prosecutes. */
export function prosecutes(u: User | undefined, trial: Trial | undefined): boolean {
  return !!u && !!trial && trial.prosecutorIds.includes(u.id);
}

/** Trials: admins and prosecutors create; admins and the trial's prosecutors edit. */
export const canCreateTrial = (u: User | undefined) => is(u, 'admin', 'prosecutor');
export const canEditTrial = (u: User | undefined, trial: Trial) => is(u, 'admin') || (is(u, 'prosecutor') && prosecutes(u, trial));

/** Witnesses: programme staff and admins register any; prosecutors those of their own trials (codename data only). */
export const canRegisterWitness = (u: User | undefined) => is(u, 'admin', 'staff', 'prosecutor');
/** Codename data of a registered witness: programme staff and admins change it. */
export const canEditWitness = (u: User | undefined) => is(u, 'admin', 'staff');
/** The protected identity: entered with a new witness by programme staff and admins (never prosecutors). */
export const entersIdentity = (u: User | undefined) => is(u, 'admin', 'staff');
/** A registered witness's identity is read and replaced by an admin or the witness's handler. */
export const handlesIdentity = (u: User | undefined, w: Witness) => is(u, 'admin') || (is(u, 'staff') && w.handlerId === u?.id);
/** Who may list witnesses by codename. */
export const canListWitnesses = (u: User | undefined) => is(u, 'admin', 'staff', 'prosecutor', 'judge', 'operator');

/** Scheduling: admins for any trial, prosecutors for the trials they prosecute. */
export const canSchedule = (u: User | undefined) => is(u, 'admin', 'prosecutor');
export const canScheduleFor = (u: User | undefined, trial: Trial) => is(u, 'admin') || (is(u, 'prosecutor') && prosecutes(u, trial));

/**
 * Managing a session (change, invite, move on): admins and operators any; a judge their
 * hearings (listed as judge, or the trial's presiding judge); a prosecutor their trials'.
 */
export function managesSession(u: User | undefined, s: TestimonySession, trial: Trial | undefined): boolean {
  if (is(u, 'admin', 'operator')) return true;
  if (is(u, 'judge')) return s.participants.some((p) => p.userId === u?.id) || trial?.judgeId === u?.id;
  if (is(u, 'prosecutor')) return prosecutes(u, trial);
  return false;
}

/** Invitations: admins, prosecutors and operators who manage the session, until it is over. */
export const canInvite = (u: User | undefined, s: TestimonySession, trial: Trial | undefined) =>
  is(u, 'admin', 'prosecutor', 'operator') && managesSession(u, s, trial) && !['ended', 'cancelled'].includes(s.status);

/** Rescheduling (window, court room): schedulers who manage it, while it is still scheduled. */
export const canReschedule = (u: User | undefined, s: TestimonySession, trial: Trial | undefined) =>
  is(u, 'admin', 'prosecutor') && managesSession(u, s, trial) && s.status === 'scheduled';

/** A lifecycle move: prosecutors may only cancel; the others run the whole lifecycle. */
export function canMove(u: User | undefined, s: TestimonySession, trial: Trial | undefined, to: SessionStatus): boolean {
  if (!NEXT_STATUS[s.status].includes(to) || !managesSession(u, s, trial)) return false;
  if (is(u, 'prosecutor')) return to === 'cancelled';
  return is(u, 'admin', 'operator', 'judge');
}
