import type { $ZodType } from 'zod/v4/core';
import type { Permission } from '../domain/roles';

/**
 * A route's contract, declared once: the wiring table mounts it (CDK and local), the handler
 * enforces it (permission, validation), and the OpenAPI document is generated from it.
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
  params?: P;
  query?: Q;
  body?: B;
  response: R;
  status: number;
  /** Accepts an `Idempotency-Key` header: a retried write gets the first answer. */
  idempotent?: boolean;
}

export function defineRoute<P extends Schema, Q extends Schema, B extends Schema, R extends Schema>(c: RouteContract<P, Q, B, R>): RouteContract<P, Q, B, R> {
  return c;
}

export const routeKey = (c: Pick<RouteContract, 'method' | 'path'>) => `${c.method} ${c.path}`;
