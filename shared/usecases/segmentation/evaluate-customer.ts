import { ConflictError } from '../../domain/errors';
import type { CompiledEngine } from '../../domain/segmentation/engine';
import type { CustomerState } from '../../domain/segmentation/definitions';
import type { EventEnvelope } from '../../events/envelope';
import { countMetric } from '../../runtime/observability';
import { event, type Ctx } from '../customers';
import { setTimer } from '../timers/timers';
import { loadEngine } from './engine-cache';
import { planEvaluation } from './plan';

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
      const { result: r, write, timerAt } = planEvaluation(ctx, eng, customerId, { ...header, profile: header.profile, memberships: header.memberships.filter((id) => known.has(id)) }, now);
      if (!write) return { ...NOTHING, ...(r.state.timerAt ? { timerAt: r.state.timerAt } : {}) };
      await deps.membership.apply(write);
      if (timerAt) await setTimer(deps, { kind: SEGMENT_TIMER_KIND, key: customerId, dueAt: timerAt });
      countMetric('CustomersEvaluated');
      if (r.entered.length) countMetric('SegmentEntries', r.entered.length);
      return { changed: true, entered: r.entered, exited: r.exited, tagsAdded: r.tagsAdded, tagsRemoved: r.tagsRemoved, ...(r.state.timerAt ? { timerAt: r.state.timerAt } : {}) };
    } catch (e) {
      if (e instanceof ConflictError && attempt < 5) continue;
      throw e;
    }
  }
}
