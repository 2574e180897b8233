import { AsyncLocalStorage } from 'node:async_hooks';
import { diffFields, type AuditChange } from '../domain/audit';

/**
 * The changes a request made, collected while its use case runs: a use case that knows an
 * object's state before and after (a profile edit, a ticket update) calls `noteChange`, and the
 * HTTP kernel puts what was noted in the request's audit record. Outside a request (workers,
 * tests) noting does nothing.
 */
interface Scope {
  changes: AuditChange[];
  reason?: string;
  /** Personal fields handed out in plain text (reveals, exports). */
  revealed?: string[];
}

const storage = new AsyncLocalStorage<Scope>();
const MAX_CHANGES = 100;

export function runAudited<T>(fn: () => Promise<T>): { scope: Scope; result: Promise<T> } {
  const scope: Scope = { changes: [] };
  return { scope, result: storage.run(scope, fn) };
}

export function noteChange(entity: string, id: string, before: object | undefined, after: object | undefined): void {
  const scope = storage.getStore();
  if (!scope) return;
  for (const c of diffFields(entity, id, before, after)) if (scope.changes.length < MAX_CHANGES) scope.changes.push(c);
}

/** The reason a caller gave (reveals, exports) and the personal fields handed out, kept in the audit record. */
export function noteReason(reason: string, revealed?: readonly string[]): void {
  const scope = storage.getStore();
  if (!scope) return;
  scope.reason = reason.slice(0, 500);
  if (revealed) scope.revealed = [...revealed];
}
