/**
 * The domain vocabulary of Witness Bridge: participant and account roles, protective measures,
 * session statuses and media kinds, and the English names of roles and documents. With `errors.ts` beside it, the bottom of the module graph:
 * `server/`, `media/` and `client/` import it; it imports nothing.
 */

/** Roles of user accounts. */
export const USER_ROLES = ['admin', 'prosecutor', 'judge', 'operator', 'staff', 'defence', 'interpreter'] as const;
export type UserRole = (typeof USER_ROLES)[number];

/** Roles a participant can hold in a live testimony session. */
export const PARTICIPANT_ROLES = [
  'judge',
  'prosecutor',
  'defence',
  'accused',
  'witness',
  'interpreter',
  'support',
  'operator',
  'public',
  /** The requested state's judicial authority, present where the witness is (MLA hearings). */
  'authority',
] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/**
 * Participant roles that only watch and listen: they publish nothing, so their pages never ask
 * for a camera or microphone (the public gallery).
 */
export const WATCH_ONLY_ROLES = ['public'] as const satisfies readonly ParticipantRole[];

/** Protective measures a court can order. */
export const PROTECTIVE_MEASURES = ['pseudonym', 'faceMask', 'voiceMask', 'closedSession', 'noRecording'] as const;
export type ProtectiveMeasure = (typeof PROTECTIVE_MEASURES)[number];

/** Measures that can be ordered or lifted while the hearing runs. */
export const LIVE_MEASURES = ['closedSession', 'faceMask', 'voiceMask'] as const satisfies readonly ProtectiveMeasure[];
export type LiveMeasure = (typeof LIVE_MEASURES)[number];

/** Session lifecycle. */
export const SESSION_STATUSES = ['scheduled', 'lobby', 'live', 'ended', 'cancelled'] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** Media kinds a room carries. */
export const MEDIA_KINDS = ['audio', 'video'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

/**
 * What a viewer receives of a stream: the stream as published, its server-side disguise (face
 * hidden, voice shifted), or nothing.
 */
export const MEDIA_VARIANTS = ['raw', 'masked', 'none'] as const;
export type MediaVariant = (typeof MEDIA_VARIANTS)[number];

/**
 * How the witness's video is disguised: `face` fills the tracked head (whole frame until a face is
 * found, or when it is lost), `frame` masks the whole frame in coarse blocks, `blur` blurs it all.
 */
export const MASKING_MODES = ['face', 'frame', 'blur'] as const;
export type MaskingMode = (typeof MASKING_MODES)[number];

/** Documents the requested authority may check the witness's identity against (MLA hearings). */
export const IDENTITY_DOCUMENT_TYPES = ['passport', 'identityCard', 'residencePermit', 'travelDocument', 'other'] as const;
export type IdentityDocumentType = (typeof IDENTITY_DOCUMENT_TYPES)[number];

/** How the English texts name each role: the minutes, the court's pages, the English witness pages. */
export const ROLE_NAMES: Readonly<Record<UserRole | ParticipantRole, string>> = {
  judge: 'Judge',
  prosecutor: 'Prosecutor',
  defence: 'Defence counsel',
  accused: 'Accused',
  witness: 'Witness',
  interpreter: 'Interpreter',
  support: 'Support person',
  operator: 'Courtroom operator',
  public: 'Public gallery',
  authority: 'Requested authority',
  admin: 'Administrator',
  staff: 'Programme staff',
};

/** How the English texts name each identity document (at the start of a sentence). */
export const IDENTITY_DOCUMENT_NAMES: Readonly<Record<IdentityDocumentType, string>> = {
  passport: 'Passport',
  identityCard: 'Identity card',
  residencePermit: 'Residence permit',
  travelDocument: 'Travel document',
  other: 'Other document',
};

/** How interpretation runs: after the speaker on the floor, or at once on its own channel. */
export const INTERPRETATION_MODES = ['consecutive', 'simultaneous'] as const;
export type InterpretationMode = (typeof INTERPRETATION_MODES)[number];

/** What the witness undertakes before testifying: an oath, or a solemn declaration instead. */
export const OATH_KINDS = ['oath', 'declaration'] as const;
export type OathKind = (typeof OATH_KINDS)[number];
