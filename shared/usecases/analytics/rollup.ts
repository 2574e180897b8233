import { checkoutCount, eventAdds, moves, NEEDS_PROFILE, orderCount, type CheckoutFacts, type FactsCount, type RollupAdd } from '../../domain/analytics/rollups';
import type { EventEnvelope } from '../../events/envelope';
import type { Deps } from '../../runtime/deps';
import { repoOf } from '../../store/repo-of';
import { RollupsRepo } from '../../store/rollups-repo';
import { transactWrite, type FailedCondition, type TransactItem } from '../../store/transact';

/**
 * Counts events into the analytics rollups, exactly once each: one transaction per batch holds a
 * marker per event (it fails if an event was counted before), the event's log entry, the facts of
 * the orders and checkouts the events are about (guarded by their version) and every counter
 * update, merged per item. When the batch's transaction fails on a condition, each event is tried
 * on its own: a duplicate is acknowledged, a fact changed meanwhile is read again.
 */
export type Outcome = 'counted' | 'duplicate';

const MAX_ITEMS = 100;
const FACT_RETRIES = 5;

type FactRef = { kind: 'order' | 'checkout'; platform: string; store: string; id: string };
const refId = (r: FactRef) => `${r.kind}|${r.platform}|${r.store}|${r.id}`;

/** What an event says about a checkout, merged into its facts. */
type CheckoutNews = { started?: true; abandoned?: true; completed?: { currency: string; valueMinor: number } };

interface Plan {
  event: EventEnvelope;
  adds: RollupAdd[];
  facts: FactRef[];
  checkoutNews: Map<string, CheckoutNews>;
}

async function planOf(deps: Deps, e: EventEnvelope): Promise<Plan> {
  const d = e.data as Record<string, unknown>;
  const plan: Plan = { event: e, adds: [], facts: [], checkoutNews: new Map() };
  const profile = NEEDS_PROFILE.has(e.type) && typeof d.customerId === 'string' ? await deps.customers.get(d.customerId) : undefined;
  plan.adds = eventAdds({ id: e.id, type: e.type, occurredAt: e.occurredAt, data: d }, { ...(profile ? { profile: { ...(profile.sourceChannel ? { sourceChannel: profile.sourceChannel } : {}), ...(profile.store ? { store: profile.store } : {}) } } : {}) });
  const platform = String(d.platform ?? '');
  const store = String(d.store ?? '');
  if (e.type === 'OrderPlaced' || e.type === 'OrderUpdated' || e.type === 'OrderRefunded') {
    plan.facts.push({ kind: 'order', platform, store, id: String(d.orderId) });
    if (e.type === 'OrderPlaced') {
      const order = await deps.orders.get(platform, store, String(d.orderId));
      if (order?.checkoutId) {
        const ref: FactRef = { kind: 'checkout', platform, store, id: order.checkoutId };
        plan.facts.push(ref);
        plan.checkoutNews.set(refId(ref), { completed: { currency: order.currency, valueMinor: order.totalMinor } });
      }
    }
  }
  if (e.type === 'CheckoutStarted' || e.type === 'CheckoutAbandoned') {
    const ref: FactRef = { kind: 'checkout', platform, store, id: String(d.checkoutId) };
    plan.facts.push(ref);
    plan.checkoutNews.set(refId(ref), e.type === 'CheckoutStarted' ? { started: true } : { abandoned: true });
  }
  return plan;
}

/** The fact records of a group: read once each, moved to what the thing counts now. */
async function factItems(deps: Deps, plans: Plan[]): Promise<{ items: TransactItem[]; adds: { add: RollupAdd; shardKey: string }[] }> {
  const repo = repoOf(deps, RollupsRepo);
  const refs = new Map<string, FactRef>();
  const news = new Map<string, CheckoutNews[]>();
  for (const p of plans) {
    for (const r of p.facts) refs.set(refId(r), r);
    for (const [k, n] of p.checkoutNews) news.set(k, [...(news.get(k) ?? []), n]);
  }
  const items: TransactItem[] = [];
  const adds: { add: RollupAdd; shardKey: string }[] = [];
  for (const [key, r] of refs) {
    if (r.kind === 'order') {
      const stored = await repo.facts<FactsCount | null>('order', r.platform, r.store, r.id);
      const now = orderCount(await deps.orders.get(r.platform, r.store, r.id)) ?? null;
      const before = stored.facts ?? undefined;
      const m = moves('orders', before, now ?? undefined);
      if (!m.length && stored.version > 0) continue;
      items.push(repo.factsPut('order', r.platform, r.store, r.id, now, stored.version));
      adds.push(...m.map((add) => ({ add, shardKey: key })));
    } else {
      const stored = await repo.facts<CheckoutFacts>('checkout', r.platform, r.store, r.id);
      const next: CheckoutFacts = { store: r.store, ...(stored.facts ?? {}) };
      for (const n of news.get(key) ?? []) {
        if (n.started && !next.startedDay) {
          const c = await deps.checkouts.get(r.platform, r.store, r.id);
          if (c) Object.assign(next, { startedDay: c.startedAt.slice(0, 10), currency: c.currency, valueMinor: c.totalMinor });
        }
        if (n.abandoned) next.abandoned = true;
        if (n.completed) Object.assign(next, { completed: true, orderCurrency: n.completed.currency, orderValueMinor: n.completed.valueMinor });
      }
      if (JSON.stringify(next) === JSON.stringify(stored.facts ?? { store: r.store })) continue;
      items.push(repo.factsPut('checkout', r.platform, r.store, r.id, next, stored.version));
      adds.push(...moves('checkouts', checkoutCount(stored.facts), checkoutCount(next)).map((add) => ({ add, shardKey: key })));
    }
  }
  return { items, adds };
}

class Conflict extends Error {
  constructor(readonly failed: FailedCondition[]) {
    super('a condition of the analytics transaction failed');
  }
}

async function commit(deps: Deps, plans: Plan[]): Promise<void> {
  const repo = repoOf(deps, RollupsRepo);
  const nowMs = deps.clock.now().getTime();
  const facts = await factItems(deps, plans);
  const items: TransactItem[] = [];
  for (const p of plans) items.push(repo.markerPut(p.event.id, nowMs), repo.logPut(p.event, nowMs));
  items.push(...facts.items);
  items.push(...repo.updates([...plans.flatMap((p) => p.adds.map((add) => ({ add, shardKey: p.event.id }))), ...facts.adds]));
  if (items.length > MAX_ITEMS) throw new RangeError(`${items.length} items`);
  await transactWrite(deps.db, items, (failed) => new Conflict(failed));
}

/** Counts one event on its own: a duplicate is reported, a fact that moved meanwhile is read again. */
async function countOne(deps: Deps, e: EventEnvelope): Promise<Outcome> {
  for (let attempt = 0; ; attempt++) {
    const plan = await planOf(deps, e);
    try {
      await commit(deps, [plan]);
      return 'counted';
    } catch (err) {
      if (!(err instanceof Conflict)) throw err;
      // Items 0 and 1 are this event's marker and log entry: the marker exists, so it was counted.
      if (err.failed.some((f) => f.index === 0)) return 'duplicate';
      if (attempt + 1 >= FACT_RETRIES) throw new Error(`the facts of event ${e.id} kept changing; it will be retried`);
    }
  }
}

/**
 * Counts a batch: all in one transaction when it fits and nothing conflicts, otherwise each event
 * on its own. The answer has one outcome (or the error) per event id.
 */
export async function countEvents(deps: Deps, events: readonly EventEnvelope[]): Promise<Map<string, Outcome | Error>> {
  const out = new Map<string, Outcome | Error>();
  const unique = [...new Map(events.map((e) => [e.id, e])).values()];
  if (unique.length > 1) {
    try {
      const plans = await Promise.all(unique.map((e) => planOf(deps, e)));
      await commit(deps, plans);
      for (const e of unique) out.set(e.id, 'counted');
      for (const e of events) if (!out.has(e.id)) out.set(e.id, 'duplicate');
      return out;
    } catch (err) {
      if (!(err instanceof Conflict) && !(err instanceof RangeError) && !isTransientConflict(err)) throw err;
    }
  }
  for (const e of unique) {
    try {
      out.set(e.id, await countOne(deps, e));
    } catch (err) {
      out.set(e.id, err as Error);
    }
  }
  return out;
}

/** A transaction cancelled by a concurrent one (after transactWrite's own retries): try the events one by one. */
function isTransientConflict(err: unknown): boolean {
  return (err as { name?: string })?.name === 'TransactionCanceledException';
}
