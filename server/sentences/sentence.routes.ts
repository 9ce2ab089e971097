/** Sentence routes. */
import type { RouteKit } from '../http/routeKit.js';
import { createSentenceBody, sentenceListQuery } from './sentence.schemas.js';
import type { SentenceService } from './sentence.service.js';

/** Registers the sentence routes. */
export function sentenceRoutes(kit: RouteKit, sentences: SentenceService): void {
  kit.add({ key: 'POST /sentences', tag: 'sentences', summary: 'Records a sentence for a defendant of a trial (its prosecutors or an admin).', body: createSentenceBody, status: 201, conflicts: 'The defendant already has a sentence in this trial (sentence_exists)', rules: ['termMonths is 0 unless outcome is convicted', 'defendantId must be a defendant of trialId', 'trialId must name a trial the caller manages (403 not_your_trial)'], handle: ({ body, actor }) => sentences.create(body, actor()) });
  kit.add({ key: 'GET /sentences', tag: 'sentences', summary: 'Lists sentences of the trials the caller may read.', query: sentenceListQuery, handle: ({ query, actor }) => sentences.list(query, actor()) });
}
