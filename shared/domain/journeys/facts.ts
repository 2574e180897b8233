import type { CustomerFacts } from '../conditions';
import type { Customer } from '../customer';
import type { Aggregates } from '../orders';
import type { CustomerState } from '../segmentation/definitions';
import { isValidTimeZone } from '../service/business-hours';

/**
 * A customer's facts for journey conditions, from the header items of their partition (profile,
 * aggregates, the derived state the segmentation engine keeps, segment refs): the same facts
 * segments are evaluated against, as last derived. Undefined for a customer no longer live.
 */
export function factsOf(h: { profile?: Customer; aggregates: Aggregates; state?: CustomerState; memberships: readonly string[] }): CustomerFacts | undefined {
  const p = h.profile;
  if (!p || p.status !== 'active') return undefined;
  const s = h.state;
  return {
    profile: p,
    aggregates: h.aggregates,
    activity: h.aggregates.activity ?? {},
    ...(s?.tier ? { tier: s.tier } : {}),
    ...(s?.lifecycle ? { lifecycle: s.lifecycle } : {}),
    ...(s?.rfm ? { rfm: s.rfm } : {}),
    ...(s?.predictions ? { predictions: s.predictions } : {}),
    segments: h.memberships,
  };
}

/** The zone local times are read in for a customer: theirs (the profile's time zone), else the journey's (or the brand's). */
export function zoneFor(customer: Pick<Customer, 'timeZone'> | undefined, fallback: string): string {
  const own = customer?.timeZone;
  return typeof own === 'string' && isValidTimeZone(own) ? own : fallback;
}

/** Fields derived from the facts that event filters may test (see DERIVED_FIELDS). */
export function derivedFields(type: string, data: Record<string, unknown>, facts: CustomerFacts | undefined): Record<string, unknown> {
  if (type === 'OrderPlaced' && facts) {
    const first = facts.aggregates.firstOrderAt;
    const placed = data.placedAt;
    return { isFirstOrder: !!first && typeof placed === 'string' && Date.parse(first) === Date.parse(placed) };
  }
  return {};
}
