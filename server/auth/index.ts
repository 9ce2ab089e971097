/** Public surface of the auth domain. */
export { AuthService } from './auth.service.js';
export { authRoutes } from './auth.routes.js';
export { TokenService } from './tokens.js';
export { hashPassword, generatePassword, newTokenEpoch } from './passwords.js';
export { UserModel } from './user.model.js';
export type { FirstRunAdmin } from './firstRun.js';
export type { AccountChange } from './accountEvents.js';
export type { UserView } from './auth.schemas.js';
