/** Public surface of the witness domain. */
export { WitnessService } from './witness.service.js';
export { IdentityCipher } from './identityCipher.js';
export { rotateIdentityKeys, sealedWithOtherKey } from './identityRotation.js';
export { witnessRoutes } from './witness.routes.js';
export type { WitnessView } from './witness.schemas.js';
