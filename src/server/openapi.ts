/**
 * @module server/openapi
 * Generates the OpenAPI 3.1 document of the API from the route catalogue and its zod schemas (`z.toJSONSchema`,
 * JSON Schema 2020-12, the dialect OpenAPI 3.1 uses): no hand-written duplicate of any schema.
 */
import { z } from 'zod';
import { ROUTES, type RouteDoc } from './api-schemas.js';

type JsonObject = Record<string, unknown>;

const schemaOf = (schema: z.ZodType): JsonObject => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonObject;
  return rest;
};

function parameters(route: RouteDoc): JsonObject[] {
  const of = (schema: z.ZodObject | undefined, where: 'path' | 'query'): JsonObject[] => {
    if (schema === undefined) return [];
    const json = schemaOf(schema) as { properties?: Record<string, JsonObject>; required?: string[] };
    return Object.entries(json.properties ?? {}).map(([name, property]) => ({
      name, in: where, required: where === 'path' || (json.required ?? []).includes(name), schema: property,
    }));
  };
  const headers = route.path.endsWith('/events') ? [{ name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } }] : [];
  return [...of(route.params, 'path'), ...of(route.query, 'query'), ...headers];
}

/** The OpenAPI 3.1 document. */
export function openApiDocument(options: { readonly version: string; readonly serverUrl?: string }): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of ROUTES) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const operation: JsonObject = {
      summary: route.summary,
      operationId: `${route.method.toLowerCase()}${path.replace(/[{}]/g, '').split(/[/.]/).map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('')}`,
      security: route.auth ? [{ bearerAuth: [] }, { apiKeyHeader: [] }] : [],
      parameters: parameters(route),
      responses: Object.fromEntries(Object.entries(route.responses).map(([status, response]) => [status, {
        description: response.description,
        ...(response.headers === undefined ? {} : {
          headers: Object.fromEntries(Object.entries(response.headers).map(([name, description]) => [name, { description, schema: { type: 'integer', minimum: 1 } }])),
        }),
        ...(response.schema === undefined && response.contentType === undefined ? {}
          : { content: { [response.contentType ?? 'application/json']: { schema: response.schema === undefined ? { type: 'string' } : schemaOf(response.schema) } } }),
      }])),
    };
    if (route.body !== undefined) operation['requestBody'] = { required: true, content: { 'application/json': { schema: schemaOf(route.body) } } };
    (paths[path] ??= {})[route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: { title: 'Zero-Error (zerr) API', version: options.version, description: 'Runs as resources: solve and build runs, their events (SSE), escalations. Errors are `{ error: { code, message } }`.' },
    ...(options.serverUrl === undefined ? {} : { servers: [{ url: options.serverUrl }] }),
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', description: 'an API key `zerr_<id>_<secret>` (zerr keys create)' },
        apiKeyHeader: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
      },
    },
    paths,
  };
}
