/** What callers see of a session: the record view (trimmed to what the caller needs) and the room's view. */
import type { ParticipantRole, ProtectiveMeasure, SessionStatus } from '../../common/vocabulary.js';
import type { SessionView } from '../signaling/ports.js';
import type { SessionDoc } from './session.model.js';
import type { SessionRecordView } from './session.schemas.js';

/**
 * The full record view. `withLocation: false` leaves out where the witness testifies from (the
 * country, the country pair that names it, the witness's time zone), for callers who must not
 * learn it (defence, interpreters).
 */
export function toRecordView(s: SessionDoc, withLocation = true): SessionRecordView {
  const view: SessionRecordView = {
    id: s._id.toHexString(),
    trialId: s.trialId,
    witnessId: s.witnessId,
    fromCountry: s.fromCountry,
    courtCountry: s.courtCountry,
    countryPair: s.countryPair,
    courtRoom: s.courtRoom,
    start: s.start.toISOString(),
    end: s.end.toISOString(),
    timeZones: { witness: s.timeZones?.witness ?? 'UTC', court: s.timeZones?.court ?? 'UTC' },
    participants: s.participants.map((p) => ({ participantId: p.participantId, userId: p.userId, role: p.role as ParticipantRole, displayName: p.displayName })),
    measures: s.measures as ProtectiveMeasure[],
    interpreterLanguage: s.interpreterLanguage ?? null,
    status: s.status as SessionStatus,
    liveAt: s.liveAt ? s.liveAt.toISOString() : null,
    endedAt: s.endedAt ? s.endedAt.toISOString() : null,
  };
  if (withLocation) return view;
  const { fromCountry: _c, countryPair: _p, timeZones, ...rest } = view;
  return { ...rest, timeZones: { court: timeZones.court } };
}

/** The parts of a session a live room needs. */
export function toSessionView(s: SessionDoc): SessionView {
  return { id: s._id.toHexString(), status: s.status as SessionStatus, measures: s.measures as ProtectiveMeasure[], windowStart: s.start, windowEnd: s.end, suspended: s.suspended ?? false };
}
