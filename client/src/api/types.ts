/**
 * Shapes of the records API, taken from the server's own schemas modules (types only: nothing of
 * the server is bundled).
 */
import type { CreateUserInput, DirectoryEntry, UserView } from '../../../server/auth/auth.schemas.js';
import type { CreateWitnessInput, Identity, UpdateWitnessInput, WitnessView } from '../../../server/witnesses/witness.schemas.js';
import type { CreateTrialInput, TrialView, UpdateTrialInput } from '../../../server/trials/trial.schemas.js';
import type { CreateSessionInput, InvitationInput, InvitationView, SessionRecordView, UpdateSessionInput } from '../../../server/sessions/session.schemas.js';
import type { CreateSentenceInput, SentenceView } from '../../../server/sentences/sentence.schemas.js';
import type { Reported, Summary, SummaryRow } from '../../../server/reports/report.schemas.js';
import type { MinutesView as ServerMinutesView } from '../../../server/hearing/hearing.schemas.js';

export type User = UserView;
/** What an administrator sends to create an account. */
export type NewUser = CreateUserInput;
/** A colleague as schedulers see them when picking participants. */
export type DirectoryUser = DirectoryEntry;
export type UserRole = UserView['role'];
export type Witness = WitnessView;
export type NewWitness = CreateWitnessInput;
export type WitnessChange = UpdateWitnessInput;
/** The protected identity (programme staff only). */
export type WitnessIdentity = Identity;
export type Trial = TrialView;
export type NewTrial = CreateTrialInput;
export type TrialChange = UpdateTrialInput;
export type SessionChange = UpdateSessionInput;
/** Roles a one-time link can carry. */
export type InvitationRole = InvitationInput['role'];
/** Language of the pages a link opens (stored on the invitation, put in the link by the server). */
export type InvitationLanguage = NonNullable<InvitationInput['language']>;
/** An issued link as listed, with its state (issued, used, revoked, expired) and language. */
export type Invitation = InvitationView;
export type InvitationState = InvitationView['state'];
export type TestimonySession = SessionRecordView;
export type Sentence = SentenceView;
/** Minutes of a hearing as issued (content, version, hashes, seal). */
export type MinutesView = ServerMinutesView;
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
