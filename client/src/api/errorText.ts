/**
 * Error codes of the API and of the rooms, turned into the client's own sentences from
 * `strings.ts`. The server's English `message` is never shown: it bypasses translation, and only
 * the code and the field paths of a validation error are trusted to mean something.
 */
import { t } from '../strings.js';

const e = t.apiErrors;

/** Every code the server (HTTP, signalling, media) answers with, and its sentence. */
const BY_CODE: ReadonlyMap<string, string> = new Map([
  // 400
  ['validation_failed', e.validationFailed],
  ['malformed_json', e.unreadable],
  ['unsupported_encoding', e.unreadable],
  ['operator_injection', e.refusedKeys],
  // 401
  ['unauthorized', e.unauthorized],
  ['invalid_token', e.invalidToken],
  ['bad_credentials', e.badCredentials],
  ['session_required', e.sessionRequired],
  ['invalid_invitation', e.invalidInvitation],
  ['invitation_used', e.invitationUsed],
  ['device_key_required', e.deviceKeyRequired],
  // 403
  ['forbidden', e.forbidden],
  ['control_forbidden', e.controlForbidden],
  ['not_your_session', e.notYourSession],
  ['not_your_trial', e.notYourTrial],
  ['not_admitted', e.notAdmitted],
  ['publish_forbidden', e.publishForbidden],
  ['consume_forbidden', e.consumeForbidden],
  // 404
  ['not_found', e.notFound],
  ['route_not_found', e.notFound],
  ['participant_not_found', e.participantNotFound],
  ['transport_not_found', e.mediaGone],
  ['producer_not_found', e.mediaGone],
  ['consumer_not_found', e.mediaGone],
  // 409
  ['conflict', e.conflict],
  ['username_taken', e.usernameTaken],
  ['codename_taken', e.codenameTaken],
  ['case_number_taken', e.caseNumberTaken],
  ['sentence_exists', e.sentenceExists],
  ['witness_double_booked', e.witnessBooked],
  ['court_room_double_booked', e.courtRoomBooked],
  ['judge_double_booked', e.judgeBooked],
  ['invalid_state', e.invalidState],
  ['invalid_transition', e.invalidTransition],
  ['session_not_scheduled', e.sessionNotScheduled],
  ['session_over', e.sessionOver],
  ['invitation_not_yet_valid', e.invitationNotYetValid],
  ['room_not_open', e.roomNotOpen],
  ['self_target', e.selfTarget],
  ['not_joined', e.notJoined],
  ['peer_closed', e.notJoined],
  ['cannot_consume', e.cannotConsume],
  // 413, 429, 500
  ['payload_too_large', e.tooLarge],
  ['too_many_requests', e.tooMany],
  ['login_throttled', e.loginThrottled],
  ['internal', e.server],
]);

/**
 * The client's sentence for an error code of the API or of a room (signalling and media
 * acknowledgements use the same codes), or `undefined` for a code it does not know. The rooms'
 * `sentence(err)` helper can call this before falling back to its own sentences.
 */
export function sentenceForCode(code: string): string | undefined {
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
