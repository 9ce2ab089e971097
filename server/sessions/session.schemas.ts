/** Validation of the session and invitation routes' input. */
import { z } from 'zod';
import { countryCode, limitQuery, objectId } from '../http/validate.js';
import { PARTICIPANT_ROLES, PROTECTIVE_MEASURES, SESSION_STATUSES, type ParticipantRole, type ProtectiveMeasure, type SessionStatus } from '../../common/vocabulary.js';

const dateTime = z.iso.datetime({ offset: true });
const timeZone = z.string().regex(/^[A-Za-z_]+(\/[A-Za-z0-9_+-]+){0,2}$/, 'must be an IANA time zone such as Europe/Chisinau');
/** Roles a user account can hold in a session (witnesses join only by invitation). */
const USER_PARTICIPANT_ROLES = PARTICIPANT_ROLES.filter((r) => r !== 'witness');

const participant = z.object({ userId: objectId, role: z.enum(USER_PARTICIPANT_ROLES as [ParticipantRole, ...ParticipantRole[]]) }).strict();
const measures = z.array(z.enum(PROTECTIVE_MEASURES)).max(PROTECTIVE_MEASURES.length);

export const createSessionBody = z
  .object({
    trialId: objectId,
    witnessId: objectId,
    fromCountry: countryCode,
    courtCountry: countryCode,
    courtRoom: z.string().trim().min(1).max(80),
    start: dateTime,
    end: dateTime,
    timeZones: z.object({ witness: timeZone, court: timeZone }).strict().default({ witness: 'UTC', court: 'UTC' }),
    participants: z.array(participant).max(30).default([]),
    measures: measures.default([]),
    interpreterLanguage: z.string().regex(/^[a-z]{2,3}$/, 'must be an ISO 639 code such as ro').optional(),
  })
  .strict();
export type CreateSessionInput = z.output<typeof createSessionBody>;

export const updateSessionBody = z
  .object({
    courtRoom: z.string().trim().min(1).max(80).optional(),
    start: dateTime.optional(),
    end: dateTime.optional(),
    participants: z.array(participant).max(30).optional(),
    measures: measures.optional(),
    interpreterLanguage: z.string().regex(/^[a-z]{2,3}$/).optional(),
  })
  .strict()
  .refine((v) => Object.keys(v).length > 0, 'must change at least one field');
export type UpdateSessionInput = z.output<typeof updateSessionBody>;

export const statusBody = z.object({ status: z.enum(['lobby', 'live', 'ended', 'cancelled']) }).strict();

export const sessionListQuery = z
  .object({
    from: dateTime.optional(),
    to: dateTime.optional(),
    status: z.enum(SESSION_STATUSES).optional(),
    witnessId: objectId.optional(),
    trialId: objectId.optional(),
    /** The previous page's `next` (the last id it returned). */
    after: objectId.optional(),
    limit: limitQuery,
  })
  .strict();
export type SessionListQuery = z.output<typeof sessionListQuery>;

/**
 * Roles a one-time link can carry: people without an account here. The judge, prosecutors and
 * operators join with their own accounts, so a link can never confer their rights. The requested
 * state's authority (MLA hearings) usually has no account in this system: it joins on a link,
 * beside the witness.
 */
export const INVITATION_ROLES = ['witness', 'accused', 'defence', 'interpreter', 'support', 'public', 'authority'] as const satisfies readonly (typeof PARTICIPANT_ROLES)[number][];

/** Languages the witness-facing pages speak; the link says which one to open in. */
export const INVITATION_LANGUAGES = ['en', 'ro', 'uk', 'bg'] as const;

/** Where an invitation stands, as those who manage the session see it. */
export const INVITATION_STATES = ['issued', 'used', 'revoked', 'expired'] as const;
export type InvitationState = (typeof INVITATION_STATES)[number];

export const invitationBody = z
  .object({
    role: z.enum(INVITATION_ROLES, { message: `must be one of ${INVITATION_ROLES.join(', ')} (the judge, prosecutors and operators join with their accounts)` }),
    /** Language of the pages the link opens (default English); carried in the link as `lang`. */
    language: z.enum(INVITATION_LANGUAGES).optional(),
    /** Label others see; the witness always appears under the codename. */
    displayName: z.string().trim().min(1).max(80).optional(),
  })
  .strict();
export type InvitationInput = z.output<typeof invitationBody>;

export const invitationParams = z.object({ id: objectId, invitationId: objectId }).strict();

export interface ParticipantView {
  readonly participantId: string;
  readonly userId: string;
  readonly role: ParticipantRole;
  readonly displayName: string;
}

/**
 * A session as the API returns it. `fromCountry`, `countryPair` and `timeZones.witness` say where
 * the witness is: they are left out for callers who must not learn it (defence, interpreters).
 */
export interface SessionRecordView {
  readonly id: string;
  readonly trialId: string;
  readonly witnessId: string;
  readonly fromCountry?: string;
  readonly courtCountry: string;
  readonly countryPair?: string;
  readonly courtRoom: string;
  readonly start: string;
  readonly end: string;
  readonly timeZones: { readonly witness?: string; readonly court: string };
  readonly participants: readonly ParticipantView[];
  readonly measures: readonly ProtectiveMeasure[];
  readonly interpreterLanguage: string | null;
  readonly status: SessionStatus;
  /** When the session went live (null if it never did: reports count it as held only then). */
  readonly liveAt: string | null;
  /** When it ended or was cancelled. */
  readonly endedAt: string | null;
}

export interface InvitationView {
  readonly id: string;
  readonly sessionId: string;
  readonly role: ParticipantRole;
  readonly participantId: string;
  readonly displayName: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly used: boolean;
  readonly revoked: boolean;
  /** revoked, else used, else expired (window closed or session over), else issued. */
  readonly state: InvitationState;
  readonly language: (typeof INVITATION_LANGUAGES)[number];
}
