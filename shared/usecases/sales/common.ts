import type { PipelineActor } from '../../domain/sales/access';
import type { PipelineSettings } from '../../domain/sales/settings';
import type { EventData, EventType } from '../../events/catalog';
import { makeEvent } from '../../events/envelope';
import type { Permission } from '../../domain/roles';
import { localDate } from '../../domain/service/business-hours';
import { stableId } from '../../runtime/ports';
import { ContractsRepo } from '../../store/contracts-repo';
import { LeadsRepo } from '../../store/leads-repo';
import type { Notification } from '../../store/notifications-repo';
import { OpportunitiesRepo } from '../../store/opportunities-repo';
import { outboxPut } from '../../store/outbox';
import { PipelineSettingsRepo } from '../../store/pipeline-settings-repo';
import { PipelineStatsRepo } from '../../store/pipeline-stats-repo';
import { QuotesRepo } from '../../store/quotes-repo';
import { repoOf } from '../../store/repo-of';
import { transactWrite, type TransactItem } from '../../store/transact';
import type { Ctx } from '../customers';

/** What every pipeline use case shares: the caller as an actor, the repositories, events, settings. */
export type { Ctx };

/** A use case's context with the caller's pipeline rights (the ownership rule). */
export interface SalesCtx extends Ctx {
  actor: PipelineActor;
}

/** The caller (the HTTP principal: `sub` and its permissions) as the pipeline sees them. */
export function actorOf(p: { sub: string; can(permission: Permission): boolean }): PipelineActor {
  return { id: p.sub, all: p.can('pipeline:all'), admin: p.can('pipeline:admin') };
}

/** The context of an HTTP request's use case: the caller is the actor. */
export function salesCtxOf(r: { deps: Ctx['deps']; correlationId: string; principal: { sub: string; can(permission: Permission): boolean } }): SalesCtx {
  return { deps: r.deps, correlationId: r.correlationId, actorId: r.principal.sub, actor: actorOf(r.principal) };
}

/** Timers and consumers act for the system: they see everything. */
export const systemCtx = (ctx: Ctx): SalesCtx => ({ ...ctx, actor: { id: ctx.actorId, all: true, admin: true } });

export const salesRepos = (deps: Ctx['deps']) => ({
  leads: repoOf(deps, LeadsRepo),
  opportunities: repoOf(deps, OpportunitiesRepo),
  quotes: repoOf(deps, QuotesRepo),
  contracts: repoOf(deps, ContractsRepo),
  settings: repoOf(deps, PipelineSettingsRepo),
  stats: repoOf(deps, PipelineStatsRepo),
});

export const settingsOf = (ctx: Ctx): Promise<PipelineSettings> => repoOf(ctx.deps, PipelineSettingsRepo).get();

/** An event about a lead, opportunity, quote or contract (its id is the subject), as an outbox item. */
export function eventItem<T extends EventType>(ctx: Ctx, type: T, data: EventData<T>, at: string, subject: string): TransactItem {
  return outboxPut(ctx.deps.db.tableName, makeEvent(type, data, { id: ctx.deps.ids.next(), occurredAt: at, correlationId: ctx.correlationId, subject }));
}

export const nowIso = (ctx: Ctx) => ctx.deps.clock.now().toISOString();
export const todayIn = (ctx: Ctx, s: Pick<PipelineSettings, 'reportTimeZone'>) => localDate(ctx.deps.clock.now().getTime(), s.reportTimeZone);
export const dayOf = (iso: string, s: Pick<PipelineSettings, 'reportTimeZone'>) => localDate(Date.parse(iso), s.reportTimeZone);

/** A notification whose id derives from its cause (a retried handler writes the same one). */
export function salesNotification(agentId: string, kind: Notification['kind'], title: string, at: string, cause: string, taskId?: string): Notification {
  return { id: stableId(Date.parse(at), `${kind}:${agentId}:${cause}`), agentId, kind, title, ...(taskId ? { taskId } : {}), read: false, createdAt: at };
}

/** Field names whose values differ between two versions of an object (bookkeeping fields left out). */
export function changedFields<T extends object>(before: T, after: T, ignore: readonly string[] = ['updatedAt', 'version']): string[] {
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => !ignore.includes(k) && JSON.stringify((before as Record<string, unknown>)[k]) !== JSON.stringify((after as Record<string, unknown>)[k]));
}

export const clip = (s: string, n = 80) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Retries a read-modify-write a few times when a concurrent writer got there first (a version race). */
export async function withRetry<T>(fn: (attempt: number) => Promise<T>, isRace: (e: unknown) => boolean, attempts = 5): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      if (attempt + 1 < attempts && isRace(e)) {
        await new Promise((r) => setTimeout(r, 10 * 2 ** attempt + Math.random() * 10));
        continue;
      }
      throw e;
    }
  }
}

/**
 * One transaction's items with tags, so a failed condition maps back to the rule that refused it
 * (the held-lead limit, a dedup claim, a version race).
 */
export class Tx {
  readonly items: TransactItem[] = [];
  private readonly tags: { tag: string; from: number; to: number }[] = [];

  add(tag: string, ...items: (TransactItem | undefined)[]): this {
    const list = items.filter((i): i is TransactItem => !!i);
    this.tags.push({ tag, from: this.items.length, to: this.items.length + list.length });
    this.items.push(...list);
    return this;
  }

  tagOf(index: number): string | undefined {
    return this.tags.find((t) => index >= t.from && index < t.to)?.tag;
  }

  /** Runs it; `onConflict` gets the tags whose condition failed, with the items as they were. */
  async run(ctx: Ctx, onConflict: (failed: { tag: string; item?: Record<string, unknown> }[]) => Error): Promise<void> {
    if (this.items.length > 100) throw new Error(`a transaction of ${this.items.length} items is over DynamoDB's 100`);
    await transactWrite(ctx.deps.db, this.items, (failed) => onConflict(failed.map((f) => ({ tag: this.tagOf(f.index) ?? 'unknown', ...(f.item ? { item: f.item } : {}) }))));
  }
}
