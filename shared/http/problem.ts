import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DomainError, type FieldIssue } from '../domain/errors';

/** RFC 9457 problem details; the only error shape the API answers with. */
export const SECURE_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'strict-transport-security': 'max-age=63072000; includeSubDomains',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
} as const;

export function problem(status: number, title: string, detail: string, extra: Record<string, unknown> = {}): APIGatewayProxyStructuredResultV2 {
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...SECURE_HEADERS },
    body: JSON.stringify({ type: 'about:blank', title, status, detail, ...extra }),
  };
}

export function problemFromError(err: unknown, instance: string, correlationId: string): APIGatewayProxyStructuredResultV2 {
  if (err instanceof DomainError) return problem(err.status, err.title, err.message, { instance, correlationId, ...err.extra });
  return problem(500, 'Internal error', 'Something went wrong on our side; the request can be retried.', { instance, correlationId });
}

export function zodIssues(issues: readonly { path: readonly PropertyKey[]; message: string; code?: string; keys?: string[] }[], root: string): FieldIssue[] {
  return issues.flatMap((i) => {
    const base = [root, ...i.path.map(String)].filter(Boolean).join('.');
    if (i.code === 'unrecognized_keys' && i.keys) return i.keys.map((k) => ({ field: base ? `${base}.${k}` : k, message: 'is not a known field' }));
    return [{ field: base || root, message: i.message }];
  });
}
