import { z } from 'zod';
import { API_PREFIX } from '#haven/http/register-routes.js';
import type { RouteSpec } from '#haven/http/route.js';

type JsonObject = Record<string, unknown>;

/**
 * The OpenAPI 3.1 document of the API, generated from the same zod schemas that validate requests:
 * the document cannot drift from what the server accepts.
 */
export function openApiDocument(routes: readonly RouteSpec[], version: string): JsonObject {
  const paths: Record<string, Record<string, JsonObject>> = {};
  for (const route of routes) {
    const path = `${API_PREFIX}${route.path.replace(/:([A-Za-z0-9_]+)/g, '{$1}')}`;
    const operation: JsonObject = {
      operationId: route.operationId,
      summary: route.summary,
      tags: [route.tag],
      security:
        'public' in route.access
          ? []
          : 'providerKey' in route.access
            ? [{ providerKey: [] }]
            : [{ session: [] }, { token: [] }],
      ...(('permission' in route.access && { 'x-permission': route.access.permission }) || {}),
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      responses: Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          {
            description: response.description,
            ...(response.schema
              ? { content: { 'application/json': { schema: schemaOf(response.schema, 'output') } } }
              : response.contentType
                ? { content: { [response.contentType]: { schema: { type: 'string', format: 'binary' } } } }
                : {}),
          },
        ]),
      ),
    };
    if (route.body) {
      operation.requestBody = {
        required: true,
        content: { 'application/json': { schema: schemaOf(route.body, 'input') } },
      };
    } else if (route.multipart) {
      operation.requestBody = {
        required: true,
        description: route.multipart.description,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              properties: { file: { type: 'array', items: { type: 'string', format: 'binary' } } },
            },
          },
        },
      };
    }
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation;
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Haven API',
      version,
      description:
        'Victim-identification database: cases, ingests, triage, media, hash lookup, accounts and audit. ' +
        'Errors always have the body {"error":{"code","message"}}.',
    },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        session: { type: 'apiKey', in: 'cookie', name: 'haven_session' },
        token: { type: 'http', scheme: 'bearer' },
        providerKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'A provider organisation key (hvp_...): reaches only the /provider routes',
        },
      },
    },
    paths,
  };
}

function parameters(schema: z.ZodType | undefined, location: 'path' | 'query'): JsonObject[] {
  if (!schema) {
    return [];
  }
  const json = schemaOf(schema, 'input');
  const properties = (json.properties ?? {}) as Record<string, JsonObject>;
  const required = new Set((json.required as string[] | undefined) ?? []);
  return Object.entries(properties).map(([name, property]) => ({
    name,
    in: location,
    required: location === 'path' || required.has(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

function schemaOf(schema: z.ZodType, io: 'input' | 'output'): JsonObject {
  const json = z.toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonObject;
  delete json.$schema;
  return json;
}
