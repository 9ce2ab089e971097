/** Sentence routes. */
import type { RouteKit } from '../http/routeKit.js';
import { createSentenceBody, sentenceListQuery } from './sentence.schemas.js';
import type { SentenceService } from './sentence.service.js';

/** Registers the sentence routes. */
export function sentenceRoutes(kit: RouteKit, sentences: SentenceService): void {
  kit.add({ key: 'POST /sentences', tag: 'sentences', summary: 'Records a sentence for a defendant of a trial.', body: createSentenceBody, status: 201, handle: ({ body, actor }) => sentences.create(body, actor()) });
  kit.add({ key: 'GET /sentences', tag: 'sentences', summary: 'Lists sentences.', query: sentenceListQuery, handle: ({ query }) => sentences.list(query) });
}
