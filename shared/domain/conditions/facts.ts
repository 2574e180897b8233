import type { Customer } from '../customer';

/**
 * What a condition is evaluated against: one customer's profile and the numbers derived from their
 * orders and behaviour. Built by the caller (one read of the customer's item collection); the
 * condition code only reads it.
 */
export interface CustomerFacts {
  /** `birthday` is `YYYY-MM-DD`, or `--MM-DD` when the year is unknown. */
  profile: Pick<Customer, 'name' | 'email' | 'phone' | 'gender' | 'birthday' | 'country' | 'region' | 'city' | 'sourceChannel' | 'store' | 'tags' | 'attributes' | 'consent' | 'createdAt'>;
  /** `days` = orders per UTC day `YYYY-MM-DD` (see Aggregates in ../orders). */
  aggregates: { orderCount: number; spentMinor: Record<string, number>; refundedMinor: Record<string, number>; firstOrderAt?: string; lastOrderAt?: string; days: Record<string, number> };
  /**
   * Per-UTC-day counts of other behaviour, keyed by kind: 'interaction:<type>' (inquiry,
   * complaint, browse, add-to-cart, ...), 'checkout:abandoned', 'product:<name or sku>',
   * 'category:<name>'.
   */
  activity: Record<string, Record<string, number>>;
  tier?: string;
  lifecycle?: string;
  rfm?: { r: number; f: number; m: number; group: string };
  /** `clvMinor` is in the brand's base currency. */
  predictions?: { pAlive: number; churnRisk: number; expectedOrders90: number; expectedOrders365: number; clvMinor: number; nextOrderAt?: string };
  /** Ids of the segments the customer is in. */
  segments: readonly string[];
}
