/**
 * Shapes of the records API, taken from the server's own schemas modules (types only: nothing of
 * the server is bundled).
 */
import type { CreateUserInput, DirectoryEntry, UserView } from '../../../server/auth/auth.schemas.js';
import type { WitnessView } from '../../../server/witnesses/witness.schemas.js';
import type { TrialView } from '../../../server/trials/trial.schemas.js';
import type { CreateSessionInput, InvitationView, SessionRecordView } from '../../../server/sessions/session.schemas.js';
import type { CreateSentenceInput, SentenceView } from '../../../server/sentences/sentence.schemas.js';
import type { Reported, Summary, SummaryRow } from '../../../server/reports/report.schemas.js';

export type User = UserView;
/** What an administrator sends to create an account. */
export type NewUser = CreateUserInput;
/** A colleague as schedulers see them when picking participants. */
export type DirectoryUser = DirectoryEntry;
export type UserRole = UserView['role'];
export type Witness = WitnessView;
export type Trial = TrialView;
export type TestimonySession = SessionRecordView;
export type Sentence = SentenceView;
export type NewSentence = CreateSentenceInput;
export type ReportRow = SummaryRow;
export type ReportSummary = Summary;
/** A count, or a suppressed small count such as `"<3"`. */
export type Count = Reported;

/** A participant as the schedule form edits it (the role is checked by the server). */
export interface Participant {
  readonly userId: string;
  readonly role: string;
}

/** The body of `POST /api/sessions` as the form builds it. */
export type NewSession = Omit<CreateSessionInput, 'participants' | 'measures'> & {
  readonly participants: readonly Participant[];
  readonly measures: readonly string[];
};

export interface LoginResult {
  readonly token: string;
  readonly user: User;
}

/** `POST /api/sessions/:id/invitations`: the link carries the token in its fragment. */
export interface IssuedInvitation {
  readonly invitation: InvitationView;
  /** `/join#token=…` */
  readonly link: string;
}

/** A page of a list: sessions page with `next`, the other lists with `nextAfter`. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly next?: string | null;
  readonly nextAfter?: string | null;
}
