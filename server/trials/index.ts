/** Public surface of the trial domain. */
export { TrialService } from './trial.service.js';
export { trialRoutes } from './trial.routes.js';
export type { TrialView } from './trial.schemas.js';
