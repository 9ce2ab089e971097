/** Public surface of the auth domain. */
export { AuthService } from './auth.service.js';
export { authRoutes } from './auth.routes.js';
export { TokenService } from './tokens.js';
export type { UserView } from './auth.schemas.js';
