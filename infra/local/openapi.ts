import { toJSONSchema } from 'zod/mini';
import type { RouteContract, Schema } from '../../shared/api/contract';
import { httpFunctions } from '../wiring';

/**
 * The OpenAPI 3.1 document, generated from the route contracts of the wiring table (the same zod
 * schemas the handlers validate with): request bodies and parameters as the client sends them
 * (`io: 'input'`), responses as the API answers (`io: 'output'`).
 */
type JsonSchema = Record<string, unknown>;

const PROBLEM_REF = { $ref: '#/components/schemas/Problem' };
const PROBLEM_TEXT: Record<number, string> = {
  400: 'Invalid request: `errors` names each bad field',
  401: 'Missing, expired or invalid bearer token',
  403: 'The caller\'s role lacks the permission this route needs',
  404: 'Not found',
  409: 'Conflict (duplicate identity, stale version, wrong state)',
  413: 'Body too large',
  415: 'Body is not application/json',
  422: 'Idempotency-Key reused with a different body',
};

function toSchema(schema: Schema, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = toJSONSchema(schema, { io, unrepresentable: 'any', target: 'draft-2020-12' }) as JsonSchema;
  return rest;
}

function parameters(schema: Schema | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const json = toSchema(schema, 'input');
  const props = (json.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((json.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => {
    const { description, ...rest } = s;
    return {
      name,
      in: where,
      required: where === 'path' || (required.has(name) && !('default' in s)),
      schema: rest,
      ...(typeof description === 'string' ? { description } : {}),
    };
  });
}

function errorStatuses(c: RouteContract): number[] {
  const out = [400];
  if (c.permission !== 'public') out.push(401, 403);
  if (c.params) out.push(404);
  if (c.method !== 'GET') out.push(409);
  if (c.body) out.push(413, 415);
  if (c.idempotent) out.push(422);
  return out;
}

function operation(c: RouteContract): JsonSchema {
  const params = [...parameters(c.params, 'path'), ...parameters(c.query, 'query')];
  if (c.idempotent) {
    params.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'Retries with the same key (and body) get the first answer instead of repeating the write.',
      schema: { type: 'string', minLength: 1, maxLength: 255 },
    });
  }
  const responses: Record<string, JsonSchema> = {
    [String(c.status)]:
      c.status === 204
        ? { description: 'No content' }
        : { description: 'Success', content: { [c.responseType ?? 'application/json']: { schema: toSchema(c.response, 'output') } } },
  };
  for (const s of errorStatuses(c)) {
    responses[String(s)] = { description: PROBLEM_TEXT[s] ?? 'Error', content: { 'application/problem+json': { schema: PROBLEM_REF } } };
  }
  return {
    operationId: c.operationId,
    summary: c.summary,
    tags: [c.tag],
    ...(c.permission === 'public' ? { security: [] } : { security: [{ bearerAuth: [] }], description: `Needs the \`${c.permission}\` permission.` }),
    ...(params.length ? { parameters: params } : {}),
    ...(c.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(c.body, 'input') } } } } : {}),
    responses,
  };
}

export function buildOpenApi(serverUrl: string): JsonSchema {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  const tags = new Set<string>();
  for (const fn of httpFunctions()) {
    const c = fn.http;
    tags.add(c.tag);
    (paths[c.path] ??= {})[c.method.toLowerCase()] = operation(c);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'CRM API',
      version: '1.0.0',
      description: 'Customer profiles, timeline, dedup and merge. Generated from the route contracts in infra/wiring.ts.',
    },
    servers: [{ url: serverUrl }],
    tags: [...tags].sort().map((name) => ({ name })),
    security: [{ bearerAuth: [] }],
    paths,
    components: {
      securitySchemes: {
        bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'A Cognito access token (locally: `npm run token -- --role admin`).' },
      },
      schemas: {
        Problem: {
          type: 'object',
          description: 'RFC 9457 problem details',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            instance: { type: 'string' },
            correlationId: { type: 'string' },
            errors: {
              type: 'array',
              items: { type: 'object', required: ['field', 'message'], properties: { field: { type: 'string' }, message: { type: 'string' } } },
            },
          },
          additionalProperties: true,
        },
      },
    },
  };
}
