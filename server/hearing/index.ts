/** Public surface of the hearing domain (MLA hearings: identity check, oath, suspensions, interpretation, minutes). */
export { HearingService } from './hearing.service.js';
export { InterpretationService } from './interpretation.service.js';
export { MinutesService } from './minutes.service.js';
export { hearingRoutes } from './hearing.routes.js';
export type { MinutesContent } from './minutes.content.js';
export type { InterpretationView, MinutesView, MinutesVerification } from './hearing.schemas.js';
