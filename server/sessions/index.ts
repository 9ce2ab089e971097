/** Public surface of the sessions domain. */
export { SessionService } from './session.service.js';
export { InvitationService, INVITATION_LEAD_MS, hashToken } from './invitation.service.js';
export { createRoomAccess } from './roomAccess.js';
export { sessionRoutes } from './session.routes.js';
export type { SessionRecordView, InvitationView } from './session.schemas.js';
export { SessionModel } from './session.model.js';
