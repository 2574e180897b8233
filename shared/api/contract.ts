import type { $ZodType } from 'zod/v4/core';
import type { Permission } from '../domain/roles';

/**
 * A route's contract, declared once: the wiring table mounts it (CDK and local), the handler
 * enforces it (permission, validation), and the OpenAPI document is generated from it.
 * Schemas are built on first use: a function builds only the schemas of its own route at cold
 * start, and response schemas only ever for the OpenAPI document.
 */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
export type Schema = $ZodType;

export interface RouteContract<P extends Schema = Schema, Q extends Schema = Schema, B extends Schema = Schema, R extends Schema = Schema> {
  operationId: string;
  method: HttpMethod;
  path: string;
  /** The permission the caller needs; `public` routes authenticate another way (signatures). */
  permission: Permission | 'public';
  summary: string;
  tag: string;
  readonly params?: P;
  readonly query?: Q;
  readonly body?: B;
  readonly response: R;
  status: number;
  /** The success body's media type when it is not JSON (e.g. `text/csv` for a download). */
  responseType?: string;
  /** Accepts an `Idempotency-Key` header: a retried write gets the first answer. */
  idempotent?: boolean;
  /**
   * The audit trail: every authenticated non-GET route is recorded as a write (and refused ones as
   * denied) unless `skip` (a POST that changes nothing, e.g. a preview); `export` and `reveal`
   * record a GET or POST that hands out personal data. Public routes are recorded only when set.
   */
  audit?: 'skip' | 'write' | 'export' | 'reveal' | 'privacy';
  /**
   * A tighter API Gateway throttle for this route than the stage default (requests per second and
   * burst): routes that scan, start background work or hand out personal data.
   */
  throttle?: { rateLimit: number; burstLimit: number };
}

type SchemaKeys = 'params' | 'query' | 'body' | 'response';
export type RouteDefinition<P extends Schema, Q extends Schema, B extends Schema, R extends Schema> = Omit<RouteContract<P, Q, B, R>, SchemaKeys> & {
  params?: () => P;
  query?: () => Q;
  body?: () => B;
  response: () => R;
};

/** Memoizes a schema factory: the schema is built the first time it is asked for. */
export function once<T>(build: () => T): () => T {
  let value: T | undefined;
  let built = false;
  return () => {
    if (!built) {
      value = build();
      built = true;
    }
    return value as T;
  };
}

export function defineRoute<P extends Schema, Q extends Schema, B extends Schema, R extends Schema>(def: RouteDefinition<P, Q, B, R>): RouteContract<P, Q, B, R> {
  const { params, query, body, response, ...meta } = def;
  const contract = { ...meta } as RouteContract<P, Q, B, R>;
  for (const [key, factory] of Object.entries({ params, query, body, response }) as [SchemaKeys, (() => Schema) | undefined][]) {
    if (factory) Object.defineProperty(contract, key, { enumerable: true, get: once(factory) });
  }
  return contract;
}

export const routeKey = (c: Pick<RouteContract, 'method' | 'path'>) => `${c.method} ${c.path}`;
