/** Public surface of the sessions domain. */
export { SessionService } from './session.service.js';
export { toSessionView } from './session.views.js';
export { Listeners } from './listeners.js';
export type { SessionDoc } from './session.model.js';
export { InvitationService, INVITATION_LEAD_MS, hashToken } from './invitation.service.js';
export { createRoomAccess } from './roomAccess.js';
export { sessionRoutes } from './session.routes.js';
export type { SessionRecordView, InvitationView } from './session.schemas.js';
export { AttendanceModel, SessionModel, removeRepeatedAttendance } from './session.model.js';
