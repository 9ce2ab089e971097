/** Trial routes. */
import type { RouteKit } from '../http/routeKit.js';
import { idParams } from '../http/validate.js';
import { createTrialBody, trialListQuery, updateTrialBody } from './trial.schemas.js';
import type { TrialService } from './trial.service.js';

/** Registers the trial routes. */
export function trialRoutes(kit: RouteKit, trials: TrialService): void {
  kit.add({ key: 'POST /trials', tag: 'trials', summary: 'Opens a trial.', body: createTrialBody, status: 201, handle: ({ body, actor }) => trials.create(body, actor()) });
  kit.add({ key: 'GET /trials', tag: 'trials', summary: 'Lists trials.', query: trialListQuery, handle: ({ query }) => trials.list(query) });
  kit.add({ key: 'GET /trials/:id', tag: 'trials', summary: 'Reads a trial.', params: idParams, handle: ({ params }) => trials.get(params.id) });
  kit.add({ key: 'PATCH /trials/:id', tag: 'trials', summary: 'Updates a trial.', params: idParams, body: updateTrialBody, handle: ({ params, body, actor }) => trials.update(params.id, body, actor()) });
}
