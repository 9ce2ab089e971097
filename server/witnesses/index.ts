/** Public surface of the witness domain. */
export { WitnessService } from './witness.service.js';
export { IdentityCipher } from './identityCipher.js';
export { witnessRoutes } from './witness.routes.js';
export type { WitnessView } from './witness.schemas.js';
