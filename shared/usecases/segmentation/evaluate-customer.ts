import { ConflictError } from '../../domain/errors';
import { evaluate, type CompiledEngine } from '../../domain/segmentation/engine';
import type { CustomerState } from '../../domain/segmentation/definitions';
import type { EventEnvelope } from '../../events/envelope';
import { countMetric } from '../../runtime/observability';
import { event, type Ctx } from '../customers';
import { setTimer } from '../timers/timers';
import { loadEngine } from './engine-cache';
import { sameState as same } from './backfill';

export const SEGMENT_TIMER_KIND = 'segment-eval';

export interface EvaluationOutcome {
  changed: boolean;
  entered: string[];
  exited: string[];
  tagsAdded: string[];
  tagsRemoved: string[];
  timerAt?: string;
}

const NOTHING: EvaluationOutcome = { changed: false, entered: [], exited: [], tagsAdded: [], tagsRemoved: [] };

/**
 * Brings one customer's derived state up to date: lifecycle, tier, RFM, predictions, churn warning,
 * rule tags and segment memberships, with an event for each change, in one guarded write; then sets
 * a timer for the next instant time alone would change something. Idempotent: evaluating again
 * changes nothing. A customer no longer active leaves every segment.
 */
export async function evaluateCustomer(ctx: Ctx, customerId: string, engine?: CompiledEngine): Promise<EvaluationOutcome> {
  const { deps } = ctx;
  const eng = engine ?? (await loadEngine(deps));
  for (let attempt = 0; ; attempt++) {
    const now = deps.clock.now();
    const at = now.toISOString();
    const header = await deps.membership.header(customerId);
    const evt = (type: Parameters<typeof event>[1], data: Record<string, unknown>): EventEnvelope => event(ctx, type, { customerId, ...data } as never, at);
    try {
      if (!header.profile || header.profile.status !== 'active') {
        if (!header.memberships.length) return NOTHING;
        const state: CustomerState = { ...(header.state ?? { version: 0 }), evaluatedAt: at, version: (header.state?.version ?? 0) + 1 };
        delete state.timerAt;
        await deps.membership.apply({
          customerId,
          ...(header.state ? { before: header.state } : {}),
          state,
          entered: [],
          exited: header.memberships,
          events: header.memberships.map((segmentId) => evt('SegmentExited', { segmentId })),
        });
        return { ...NOTHING, changed: true, exited: header.memberships };
      }
      // Refs of a deleted segment are the clean-up job's to remove, without SegmentExited.
      const known = new Set(eng.segments.map((x) => x.id));
      const r = evaluate(eng, { profile: header.profile, aggregates: header.aggregates, state: header.state, memberships: header.memberships.filter((id) => known.has(id)), now });
      const tagsChanged = r.tagsAdded.length + r.tagsRemoved.length > 0;
      const changed = tagsChanged || r.entered.length + r.exited.length > 0 || !same(header.state, r.state);
      if (!changed) return { ...NOTHING, ...(r.state.timerAt ? { timerAt: r.state.timerAt } : {}) };
      const events: EventEnvelope[] = [
        ...r.entered.map((segmentId) => evt('SegmentEntered', { segmentId })),
        ...r.exited.map((segmentId) => evt('SegmentExited', { segmentId })),
        ...(tagsChanged ? [evt('CustomerTagsChanged', { added: r.tagsAdded, removed: r.tagsRemoved, source: 'rule' })] : []),
        ...(r.tierChange ? [evt('TierChanged', r.tierChange)] : []),
        ...(r.lifecycleChange ? [evt('LifecycleChanged', r.lifecycleChange)] : []),
        ...(r.churnWarningRaised ? [evt('ChurnWarningRaised', { ...r.churnWarningRaised, currency: eng.config.baseCurrency })] : []),
      ];
      await deps.membership.apply({
        customerId,
        ...(header.state ? { before: header.state } : {}),
        state: r.state,
        ...(tagsChanged ? { tags: { list: r.tags, profileVersion: header.profile.version, now: at } } : {}),
        entered: r.entered,
        exited: r.exited,
        events,
      });
      if (r.state.timerAt && r.state.timerAt !== header.state?.timerAt) await setTimer(deps, { kind: SEGMENT_TIMER_KIND, key: customerId, dueAt: r.state.timerAt });
      countMetric('CustomersEvaluated');
      if (r.entered.length) countMetric('SegmentEntries', r.entered.length);
      return { changed: true, entered: r.entered, exited: r.exited, tagsAdded: r.tagsAdded, tagsRemoved: r.tagsRemoved, ...(r.state.timerAt ? { timerAt: r.state.timerAt } : {}) };
    } catch (e) {
      if (e instanceof ConflictError && attempt < 5) continue;
      throw e;
    }
  }
}
