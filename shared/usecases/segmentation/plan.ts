import type { Customer } from '../../domain/customer';
import type { CustomerState } from '../../domain/segmentation/definitions';
import { evaluate, type CompiledEngine, type EngineResult } from '../../domain/segmentation/engine';
import type { EventEnvelope } from '../../events/envelope';
import type { CustomerHeader, Evaluation } from '../../store/membership-repo';
import { event, type Ctx } from '../customers';

/**
 * One customer's evaluation as a write: the engine's result, and — when anything changed — the
 * guarded write with an event per change, and the timer to set. Shared by the per-event evaluation
 * (evaluate-customer.ts) and the backfill's scanned pages (backfill.ts).
 */
export interface EvaluationPlan {
  result: EngineResult;
  /** Undefined when nothing changed: nothing to write. */
  write?: Evaluation;
  /** Set when the next instant moved: the timer to set after the write. */
  timerAt?: string;
}

export function planEvaluation(ctx: Ctx, engine: CompiledEngine, customerId: string, header: CustomerHeader & { profile: Customer }, now: Date): EvaluationPlan {
  const r = evaluate(engine, { profile: header.profile, aggregates: header.aggregates, state: header.state, memberships: header.memberships, now });
  const tagsChanged = r.tagsAdded.length + r.tagsRemoved.length > 0;
  if (!tagsChanged && r.entered.length + r.exited.length === 0 && sameState(header.state, r.state)) return { result: r };
  const at = now.toISOString();
  const evt = (type: Parameters<typeof event>[1], data: Record<string, unknown>): EventEnvelope => event(ctx, type, { customerId, ...data } as never, at);
  const events: EventEnvelope[] = [
    ...r.entered.map((segmentId) => evt('SegmentEntered', { segmentId })),
    ...r.exited.map((segmentId) => evt('SegmentExited', { segmentId })),
    ...(tagsChanged ? [evt('CustomerTagsChanged', { added: r.tagsAdded, removed: r.tagsRemoved, source: 'rule' })] : []),
    ...(r.tierChange ? [evt('TierChanged', r.tierChange)] : []),
    ...(r.lifecycleChange ? [evt('LifecycleChanged', r.lifecycleChange)] : []),
    ...(r.churnWarningRaised ? [evt('ChurnWarningRaised', { ...r.churnWarningRaised, currency: engine.config.baseCurrency })] : []),
  ];
  return {
    result: r,
    write: {
      customerId,
      ...(header.state ? { before: header.state } : {}),
      state: r.state,
      ...(tagsChanged ? { tags: { list: r.tags, profileVersion: header.profile.version, now: at } } : {}),
      entered: r.entered,
      exited: r.exited,
      events,
    },
    ...(r.state.timerAt && r.state.timerAt !== header.state?.timerAt ? { timerAt: r.state.timerAt } : {}),
  };
}

/** Deep equality of stored values (a key whose value is undefined counts as absent). */
function equal(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  for (const k in ra) if (ra[k] !== undefined && !equal(ra[k], rb[k])) return false;
  for (const k in rb) if (rb[k] !== undefined && ra[k] === undefined) return false;
  return true;
}

/** Milliseconds from the evaluation to the expected next order (a waiting time that only changes with the day). */
const wait = (s: CustomerState) => (s.predictions?.nextOrderAt && s.evaluatedAt ? Date.parse(s.predictions.nextOrderAt) - Date.parse(s.evaluatedAt) : undefined);

/**
 * Does a new state say what the stored one says? Bookkeeping (`evaluatedAt`, `version`) aside. The
 * expected next order is the evaluation instant plus a waiting time that only changes with the day,
 * so it is compared as that waiting time (to the second): a state that only moved with the clock
 * is the same state, and is not written again.
 */
export function sameState(a: CustomerState | undefined, b: CustomerState): boolean {
  if (!a) return false;
  const ra = a as unknown as Record<string, unknown>;
  const rb = b as unknown as Record<string, unknown>;
  for (const k of new Set([...Object.keys(ra), ...Object.keys(rb)])) {
    if (k === 'evaluatedAt' || k === 'version') continue;
    if (k !== 'predictions') {
      if (!equal(ra[k], rb[k])) return false;
      continue;
    }
    if (!a.predictions || !b.predictions) {
      if (a.predictions !== b.predictions) return false;
      continue;
    }
    const { nextOrderAt: na, ...pa } = a.predictions;
    const { nextOrderAt: nb, ...pb } = b.predictions;
    if (!equal(pa, pb) || (na === undefined) !== (nb === undefined)) return false;
    if (na !== undefined && Math.abs(wait(a)! - wait(b)!) >= 1000) return false;
  }
  return true;
}

