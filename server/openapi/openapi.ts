/**
 * The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with
 * (zod's JSON Schema output is draft 2020-12, which OpenAPI 3.1 uses).
 */
import { z } from 'zod';
import type { RegisteredRoute } from '../http/routeKit.js';

type Json = Record<string, unknown>;

function jsonSchema(schema: z.ZodType): Json {
  const out = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as Json;
  delete out.$schema;
  return out;
}

/** Parameters (path or query) from an object schema's properties. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): Json[] {
  if (!schema) return [];
  const js = jsonSchema(schema);
  const props = (js.properties ?? {}) as Record<string, Json>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({ name, in: where, required: where === 'path' || required.has(name), schema: s }));
}

const ERROR = { $ref: '#/components/schemas/Error' };
const error = (description: string): Json => ({ description, content: { 'application/json': { schema: ERROR } } });

/** Every status the route can answer: its success, and each error the kit or the route declares. */
function responses(r: RegisteredRoute): Json {
  const out: Json = {
    [String(r.status)]: { description: 'Success', content: Object.fromEntries([['application/json', {}], ...r.produces.map((t) => [t, {}])]) },
    '400': error('Invalid input (fields listed, values never echoed); keys starting with $ or holding a dot are refused'),
  };
  if (r.access !== 'public') {
    out['401'] = error('Missing, bad or expired token, or one issued before the account was deactivated or changed role or password');
    out['403'] = error(`Allowed roles: ${r.access.join(', ')}; within them, the caller's relation to the record decides (403 when they may read it but not change it; password_change_required while a one-time password is unchanged)`);
  }
  if (r.badCredentials) out['401'] = error(r.badCredentials);
  if (r.params) out['404'] = error('No such record, or one the caller may not read (never 403, so ids cannot be probed)');
  if (r.conflicts) out['409'] = error(r.conflicts);
  if (r.body) out['413'] = error('The body is larger than BODY_LIMIT');
  if (r.throttled) out['429'] = error(r.throttled);
  return out;
}

function operation(r: RegisteredRoute): Json {
  const op: Json = {
    tags: [r.tag],
    summary: r.summary,
    parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
    responses: responses(r),
    'x-roles': r.access,
  };
  if (r.rules.length > 0) {
    op.description = `Rules across fields:\n${r.rules.map((x) => `- ${x}`).join('\n')}`;
    op['x-cross-field-rules'] = r.rules;
  }
  if (r.access !== 'public') op.security = [{ bearer: [] }];
  if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } };
  return op;
}

/** Builds the document from the registered routes. */
export function buildOpenApi(routes: readonly RegisteredRoute[]): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const path = `/api${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    paths[path] = { ...(paths[path] ?? {}), [r.method]: operation(r), 'x-method-not-allowed': { $ref: '#/components/responses/MethodNotAllowed' } };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Witness Bridge API',
      version: '0.1.0',
      description:
        'Protected cross-border testimony: programme records. Every path answers a method it does not declare with 405 and an Allow header (x-method-not-allowed); an unknown path under /api answers 404 route_not_found.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      responses: {
        MethodNotAllowed: { description: 'The path does not take this method; Allow lists those it takes', headers: { Allow: { schema: { type: 'string' } } }, content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
      schemas: {
        Error: {
          type: 'object',
          required: ['error'],
          properties: {
            error: {
              type: 'object',
              required: ['code', 'message'],
              properties: {
                code: { type: 'string' },
                message: { type: 'string' },
                details: { type: 'array', items: { type: 'object', properties: { path: { type: 'string' }, message: { type: 'string' } } } },
              },
            },
          },
        },
      },
    },
  };
}
