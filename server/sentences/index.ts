/** Public surface of the sentence domain. */
export { SentenceService } from './sentence.service.js';
export { sentenceRoutes } from './sentence.routes.js';
export { SentenceModel } from './sentence.model.js';
export type { SentenceView } from './sentence.schemas.js';
