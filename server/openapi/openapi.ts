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

function operation(r: RegisteredRoute): Json {
  const responses: Json = {
    [String(r.status)]: {
      description: 'Success',
      content: Object.fromEntries([['application/json', {}], ...r.produces.map((t) => [t, {}])]),
    },
    '400': { description: 'Invalid input (fields listed, values never echoed)', content: { 'application/json': { schema: ERROR } } },
  };
  if (r.access !== 'public') {
    responses['401'] = { description: 'Missing or bad token', content: { 'application/json': { schema: ERROR } } };
    responses['403'] = { description: `Allowed roles: ${r.access.join(', ')}`, content: { 'application/json': { schema: ERROR } } };
  }
  const op: Json = {
    tags: [r.tag],
    summary: r.summary,
    parameters: [...parameters(r.params, 'path'), ...parameters(r.query, 'query')],
    responses,
    'x-roles': r.access,
  };
  if (r.access !== 'public') op.security = [{ bearer: [] }];
  if (r.body) op.requestBody = { required: true, content: { 'application/json': { schema: jsonSchema(r.body) } } };
  return op;
}

/** Builds the document from the registered routes. */
export function buildOpenApi(routes: readonly RegisteredRoute[]): Json {
  const paths: Record<string, Json> = {};
  for (const r of routes) {
    const path = `/api${r.path.replace(/:([A-Za-z]+)/g, '{$1}')}`;
    paths[path] = { ...(paths[path] ?? {}), [r.method]: operation(r) };
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Witness Bridge API', version: '0.1.0', description: 'Protected cross-border testimony: programme records.' },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
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
