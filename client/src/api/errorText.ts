/**
 * Error codes of the API and of the rooms, turned into the client's own sentences from
 * `strings.ts`. The server's English `message` is never shown: it bypasses translation, and only
 * the code and the field paths of a validation error are trusted to mean something.
 */
import { t } from '../strings.js';

const e = t.apiErrors;

/** Names of the sentences in `t.apiErrors` (the witness catalogue uses the same names). */
type SentenceKey = { [K in keyof typeof e]: (typeof e)[K] extends string ? K : never }[keyof typeof e];

/** Every code the server (HTTP, signalling, media) answers with, and the name of its sentence. */
const BY_CODE: ReadonlyMap<string, SentenceKey> = new Map<string, SentenceKey>([
  // 400
  ['validation_failed', 'validationFailed'],
  ['malformed_json', 'unreadable'],
  ['unsupported_encoding', 'unreadable'],
  ['operator_injection', 'refusedKeys'],
  // 401
  ['unauthorized', 'unauthorized'],
  ['invalid_token', 'invalidToken'],
  ['bad_credentials', 'badCredentials'],
  ['session_required', 'sessionRequired'],
  ['invalid_invitation', 'invalidInvitation'],
  ['invitation_used', 'invitationUsed'],
  ['device_key_required', 'deviceKeyRequired'],
  // 403
  ['forbidden', 'forbidden'],
  ['control_forbidden', 'controlForbidden'],
  ['not_your_session', 'notYourSession'],
  ['not_your_trial', 'notYourTrial'],
  ['not_admitted', 'notAdmitted'],
  ['publish_forbidden', 'publishForbidden'],
  ['consume_forbidden', 'consumeForbidden'],
  ['password_change_required', 'passwordChangeRequired'],
  ['role_not_permitted', 'roleNotPermitted'],
  ['not_handler', 'notHandler'],
  ['identity_staff_only', 'identityStaffOnly'],
  // 404
  ['not_found', 'notFound'],
  ['route_not_found', 'notFound'],
  ['participant_not_found', 'participantNotFound'],
  ['transport_not_found', 'mediaGone'],
  ['producer_not_found', 'mediaGone'],
  ['consumer_not_found', 'mediaGone'],
  ['identity_not_recorded', 'identityNotRecorded'],
  // 409
  ['conflict', 'conflict'],
  ['username_taken', 'usernameTaken'],
  ['codename_taken', 'codenameTaken'],
  ['case_number_taken', 'caseNumberTaken'],
  ['sentence_exists', 'sentenceExists'],
  ['witness_double_booked', 'witnessBooked'],
  ['court_room_double_booked', 'courtRoomBooked'],
  ['judge_double_booked', 'judgeBooked'],
  ['invalid_state', 'invalidState'],
  ['invalid_transition', 'invalidTransition'],
  ['session_not_scheduled', 'sessionNotScheduled'],
  ['session_over', 'sessionOver'],
  ['invitation_not_yet_valid', 'invitationNotYetValid'],
  ['room_not_open', 'roomNotOpen'],
  ['self_target', 'selfTarget'],
  ['not_joined', 'notJoined'],
  ['peer_closed', 'notJoined'],
  ['cannot_consume', 'cannotConsume'],
  ['wrong_transport', 'mediaGone'],
  ['room_closed', 'sessionOver'],
  ['room_full', 'roomFull'],
  ['last_admin', 'lastAdmin'],
  ['admin_change_busy', 'adminChangeBusy'],
  // The hearing (identity check, oath, suspension, minutes)
  ['identity_check_pending', 'identityCheckPending'],
  ['identity_not_confirmed', 'identityNotConfirmed'],
  ['identity_check_recorded', 'identityCheckRecorded'],
  ['identity_check_overridden', 'identityCheckOverridden'],
  ['override_not_needed', 'overrideNotNeeded'],
  ['authority_only', 'authorityOnly'],
  ['judge_only', 'judgeOnly'],
  ['oath_recorded', 'oathRecorded'],
  ['hearing_not_live', 'hearingNotLive'],
  ['hearing_live', 'hearingLive'],
  ['hearing_suspended', 'hearingSuspended'],
  ['hearing_not_suspended', 'hearingNotSuspended'],
  ['minutes_sealed', 'minutesSealed'],
  ['minutes_changed', 'minutesChanged'],
  ['minutes_not_found', 'minutesNotFound'],
  ['session_not_ended', 'sessionNotEnded'],
  ['not_your_minutes', 'notYourMinutes'],
  // 413, 429, 500
  ['payload_too_large', 'tooLarge'],
  ['too_many_requests', 'tooMany'],
  ['login_throttled', 'loginThrottled'],
  ['rate_limited', 'rateLimited'],
  ['token_expired', 'invalidToken'],
  ['internal', 'server'],
]);

/**
 * The client's sentence for an error code of the API or of a room (signalling and media
 * acknowledgements use the same codes), or `undefined` for a code it does not know. The rooms'
 * `sentence(err)` helper can call this before falling back to its own sentences.
 */
export function sentenceForCode(code: string): string | undefined {
  const key = BY_CODE.get(code);
  return key === undefined ? undefined : e[key];
}

/**
 * The name of a code's sentence (e.g. `invitation_used` → `invitationUsed`), so that another
 * language's catalogue (the witness pages') can give its own sentence for the same code.
 */
export function sentenceKeyForCode(code: string): string | undefined {
  return BY_CODE.get(code);
}

/** A sentence for an HTTP status whose code is unknown. */
export function sentenceForStatus(status: number): string {
  if (status === 400 || status === 422) return e.validationFailed;
  if (status === 401) return e.unauthorized;
  if (status === 403) return e.forbidden;
  if (status === 404) return e.notFound;
  if (status === 409) return e.conflict;
  if (status === 413) return e.tooLarge;
  if (status === 429) return e.tooMany;
  if (status >= 500) return e.server;
  return e.unexpected;
}

/** A failing field as the server reports it: a dotted path such as `body.participants.1.userId`. */
interface FieldIssue {
  readonly path: string;
}

function issuesOf(details: unknown): FieldIssue[] {
  if (!Array.isArray(details)) return [];
  return (details as unknown[]).filter((d): d is FieldIssue => typeof d === 'object' && d !== null && typeof (d as { path?: unknown }).path === 'string');
}

/** `body.participants.1.userId` → key `participants.userId`, in list `participants`, item 2. */
function parsePath(path: string): { key: string; list?: string; item?: number } {
  const parts = path.split('.').slice(1); // the first segment says body, query or params
  const named: string[] = [];
  let list: string | undefined;
  let item: number | undefined;
  for (const p of parts) {
    if (/^\d+$/.test(p)) {
      if (item === undefined && named.length > 0) {
        list = named.join('.');
        item = Number(p) + 1;
      }
    } else named.push(p);
  }
  return { key: named.join('.'), ...(list !== undefined && item !== undefined ? { list, item } : {}) };
}

function own(record: Record<string, string>, key: string): string | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

/** One field's problem as a sentence; `undefined` for a problem with the request as a whole. */
function fieldSentence(path: string): string | undefined {
  const { key, list, item } = parsePath(path);
  if (!key) return undefined;
  const last = key.split('.').at(-1) ?? key;
  const sentence = own(e.rules, key) ?? e.fieldInvalid(own(e.fields, key) ?? own(e.fields, last) ?? e.unnamedField);
  const itemName = list !== undefined ? own(e.lists, list) : undefined;
  return itemName !== undefined && item !== undefined ? e.listItem(itemName, item, sentence) : sentence;
}

/** What a validation error means for the user: a main sentence and one sentence per field. */
export interface ValidationText {
  readonly message: string;
  readonly fieldProblems: readonly string[];
}

/**
 * Sentences for the `details` of a 400: each failing field named in words with what it must be.
 * A request whose only problems are in the page's address (path parameters) reads as a bad link.
 */
export function validationText(details: unknown): ValidationText {
  const issues = issuesOf(details);
  if (issues.length > 0 && issues.every((i) => i.path.startsWith('params'))) return { message: e.badAddress, fieldProblems: [] };
  const sentences = issues.filter((i) => !i.path.startsWith('params')).map((i) => fieldSentence(i.path));
  const fieldProblems = [...new Set(sentences.filter((s): s is string => s !== undefined))].slice(0, 8);
  return { message: e.validationFailed, fieldProblems };
}

/** The sentence and field problems for a failed response's status, code and details. */
export function errorText(opts: { status: number; code: string | undefined; details: unknown }): ValidationText {
  const { status, code, details } = opts;
  if (code === 'validation_failed') return validationText(details);
  const byCode = code === undefined ? undefined : sentenceForCode(code);
  return { message: byCode ?? sentenceForStatus(status), fieldProblems: [] };
}
