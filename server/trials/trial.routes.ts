/** Trial routes. */
import type { RouteKit } from '../http/routeKit.js';
import { idParams } from '../http/validate.js';
import { createTrialBody, trialListQuery, updateTrialBody } from './trial.schemas.js';
import type { TrialService } from './trial.service.js';

/** Registers the trial routes. */
export function trialRoutes(kit: RouteKit, trials: TrialService): void {
  kit.add({ key: 'POST /trials', tag: 'trials', summary: 'Opens a trial (a prosecutor lists themselves among its prosecutors).', body: createTrialBody, status: 201, conflicts: 'The case number exists (case_number_taken)', rules: ['judgeId must be an active judge and each of prosecutorIds an active prosecutor', 'a prosecutor lists themselves among prosecutorIds'], handle: ({ body, actor }) => trials.create(body, actor()) });
  kit.add({ key: 'GET /trials', tag: 'trials', summary: 'Lists the trials the caller may read.', query: trialListQuery, handle: ({ query, actor }) => trials.list(query, actor()) });
  kit.add({ key: 'GET /trials/:id', tag: 'trials', summary: 'Reads a trial.', params: idParams, handle: ({ params, actor }) => trials.read(params.id, actor()) });
  kit.add({ key: 'PATCH /trials/:id', tag: 'trials', summary: 'Updates a trial (its prosecutors or an admin).', params: idParams, body: updateTrialBody, rules: ['judgeId must be an active judge and each of prosecutorIds an active prosecutor'], handle: ({ params, body, actor }) => trials.update(params.id, body, actor()) });
}
