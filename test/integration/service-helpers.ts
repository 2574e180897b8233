import type { Deps } from '../../shared/runtime/deps';
import type { MessageQueue, QueueName, SendOptions } from '../../shared/runtime/message-queue';
import type { Timer } from '../../shared/store/timers-repo';
import { createCustomer } from '../../shared/usecases/customers';
import { putAgent, createGroup } from '../../shared/usecases/service/admin';
import { SERVICE_TIMER_HANDLERS } from '../../shared/usecases/service/timer-kinds';
import { fireTimer } from '../../shared/usecases/timers/timers';
import type { Ctx } from '../../shared/usecases/customers';
import { testDeps } from '../support/db';

/**
 * A service-desk world on its own table: a clock the test moves, a queue that captures the timers
 * set, and helpers to fire every timer due up to now (as the timers worker would).
 */
export class CapturingQueue implements MessageQueue {
  sent: { queue: QueueName; body: string; opts?: SendOptions }[] = [];
  async send(queue: QueueName, body: string, opts?: SendOptions) {
    this.sent.push({ queue, body, ...(opts ? { opts } : {}) });
  }
}

export interface World {
  deps: Deps;
  clock: { t: number; set(iso: string): void; advance(ms: number): void };
  ctx(actorId?: string): Ctx;
  /** Fires every timer due up to the clock (the index, every shard), returns how many fired. */
  fireDue(): Promise<string[]>;
}

export async function serviceWorld(startIso = '2026-05-12T02:00:00.000Z', overrides: Partial<Deps> = {}): Promise<World> {
  const queue = new CapturingQueue();
  const clock = {
    t: Date.parse(startIso),
    set(iso: string) {
      this.t = Date.parse(iso);
    },
    advance(ms: number) {
      this.t += ms;
    },
  };
  const deps = await testDeps({ queue, clock: { now: () => new Date(clock.t) }, ...overrides });
  const ctx = (actorId = 'manager-1'): Ctx => ({ deps, correlationId: 'it-service', actorId });
  return {
    deps,
    clock,
    ctx,
    async fireDue() {
      const due: Timer[] = await deps.timers.due('2000-01-01T00:00:00.000Z', new Date(clock.t).toISOString());
      const fired: string[] = [];
      for (const t of due) {
        const outcome = await fireTimer({ deps, correlationId: `timer:${t.kind}`, actorId: `system:timer:${t.kind}` }, t, SERVICE_TIMER_HANDLERS);
        if (outcome === 'fired') fired.push(`${t.kind}:${t.key}`);
      }
      queue.sent = [];
      return fired;
    },
  };
}

/** A directory: manager `boss`, agents amy, bob (off duty), cid; group `care` (round-robin) managed by boss. */
export async function seedDesk(w: World, assignment: 'manual' | 'round-robin' | 'least-loaded' = 'round-robin') {
  const ctx = w.ctx('admin-1');
  await putAgent(ctx, 'boss', { name: 'Boss' });
  await putAgent(ctx, 'amy', { name: 'Amy', managerId: 'boss' });
  await putAgent(ctx, 'bob', { name: 'Bob', managerId: 'boss', onDuty: false });
  await putAgent(ctx, 'cid', { name: 'Cid', managerId: 'boss' });
  await putAgent(ctx, 'gone', { name: 'Gone', active: false });
  await createGroup(ctx, 'care', { name: 'Customer care', managerId: 'boss', members: ['amy', 'bob', 'cid'], assignment });
}

export async function newCustomer(w: World, extra: Record<string, unknown> = {}) {
  return createCustomer(w.ctx('admin-1'), { name: 'Li Lei', email: `li.${Math.random().toString(36).slice(2)}@example.com`, ...extra });
}
