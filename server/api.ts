/**
 * Composes the domains' HTTP routes under `/api` and exposes the services that signalling needs.
 * Domains are imported through their `index.ts` only.
 */
import { Router } from 'express';
import type { Config } from '../config/index.js';
import type { Database } from './db/database.js';
import type { Logger } from './logger.js';
import type { RoomAccess } from './signaling/ports.js';

/** What the domains are built from. */
export interface ApiDeps {
  readonly config: Config;
  readonly logger: Logger;
  readonly database: Database;
}

/** The built API: its router plus the services other layers call. */
export interface Api {
  readonly router: Router;
  /** What live rooms need from the records domains (undefined until the sessions domain exists). */
  readonly roomAccess?: RoomAccess;
}

/** Builds every domain's routes. */
export async function buildApi(_deps: ApiDeps): Promise<Api> {
  const router = Router();
  return { router };
}
