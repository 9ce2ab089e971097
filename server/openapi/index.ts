/** Public surface of the OpenAPI module: `GET /api/openapi.json`. */
import type { RouteKit } from '../http/routeKit.js';
import { buildOpenApi } from './openapi.js';

export { buildOpenApi } from './openapi.js';

/** Registers the document route; call after every other route is registered. */
export function openApiRoutes(kit: RouteKit): void {
  let doc: Record<string, unknown> | undefined;
  kit.add({
    key: 'GET /openapi.json',
    tag: 'meta',
    summary: 'This document.',
    handle: async () => {
      doc ??= buildOpenApi(kit.routes);
      return doc;
    },
  });
}
