import type { RouteContract } from '../api/contract';
import { auditTarget, bodyFields, type AuditKind, type AuditRecord } from '../domain/audit';
import type { Deps } from '../runtime/deps';
import { countMetric, type Log } from '../runtime/observability';
import { AuditRepo } from '../store/audit-repo';
import { repoOf } from '../store/repo-of';
import type { HttpEvent } from './handler';
import type { Principal } from './principal';

/** Which audit record a route's successful call makes, if any (see RouteContract.audit). */
export function auditKindOf(contract: RouteContract): AuditKind | undefined {
  if (contract.audit === 'skip') return undefined;
  if (contract.audit) return contract.audit;
  if (contract.permission === 'public' || contract.method === 'GET') return undefined;
  return 'write';
}

export interface AuditInput {
  kind: AuditKind;
  contract: RouteContract;
  event: HttpEvent;
  principal: Principal;
  params?: Record<string, unknown>;
  body?: unknown;
  answer?: unknown;
  status: number;
  correlationId: string;
  scope?: { changes: AuditRecord['changes']; reason?: string; revealed?: string[] };
}

/**
 * Appends the request's audit record. Tried three times; if the table still refuses, the write it
 * records has happened already, so the answer stands and the failure is logged and counted
 * (`AuditWriteFailed`, alarmed) rather than turned into an error for the caller.
 */
export async function writeAudit(deps: Deps, log: Log, a: AuditInput): Promise<void> {
  const target = auditTarget(a.contract.path, a.params, a.answer);
  const http = a.event.requestContext?.http;
  const record: AuditRecord = {
    id: deps.ids.next(),
    at: deps.clock.now().toISOString(),
    kind: a.kind,
    actor: { sub: a.principal.sub, roles: [...a.principal.roles], ...(a.principal.clientId ? { clientId: a.principal.clientId } : {}) },
    source: { ...(http?.sourceIp ? { ip: http.sourceIp } : {}), ...(http?.userAgent ? { userAgent: http.userAgent.slice(0, 200) } : {}) },
    action: a.contract.operationId,
    method: a.contract.method,
    path: (a.event.rawPath ?? a.contract.path).slice(0, 300),
    status: a.status,
    correlationId: a.correlationId,
    ...(target ? { target } : {}),
    ...(bodyFields(a.body) ? { fields: bodyFields(a.body) } : {}),
    ...(a.scope?.changes?.length ? { changes: a.scope.changes } : {}),
    ...(a.scope?.reason ? { reason: a.scope.reason } : {}),
    ...(a.scope?.revealed ? { revealed: a.scope.revealed } : {}),
  };
  const repo = repoOf(deps, AuditRepo);
  for (let attempt = 1; ; attempt++) {
    try {
      await repo.append(record, deps.config.auditRetentionDays);
      return;
    } catch (err) {
      if ((err as { name?: string }).name === 'ConditionalCheckFailedException') return;
      if (attempt >= 3) {
        countMetric('AuditWriteFailed');
        log.error('audit record not written', { error: err as Error, auditId: record.id, action: record.action });
        return;
      }
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}
