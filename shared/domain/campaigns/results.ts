import type { CampaignChannel, CampaignCost } from './campaign';

/**
 * A campaign's results: counters per variant and per channel, their rates, revenue, cost and ROI.
 * Rates are per message sent (delivery, open, click, conversion, unsubscribe) and click-to-open
 * per open; revenue is the attributed revenue in the cost currency (other currencies are shown
 * but not set against the cost); cost is the fixed cost plus the per-message cost of each channel,
 * the fixed cost shared among variants and channels by their messages sent; ROI = (revenue − cost)
 * / cost, null while the cost is 0. Pure.
 */
export interface Counters {
  recipients: number;
  sent: number;
  scheduled: number;
  skipped: number;
  failed: number;
  delivered: number;
  bounced: number;
  complained: number;
  opened: number;
  clicked: number;
  converted: number;
  unsubscribed: number;
  revenueMinor: Record<string, number>;
  skippedBy: Record<string, number>;
}

export const zeroCounters = (): Counters => ({
  recipients: 0,
  sent: 0,
  scheduled: 0,
  skipped: 0,
  failed: 0,
  delivered: 0,
  bounced: 0,
  complained: 0,
  opened: 0,
  clicked: 0,
  converted: 0,
  unsubscribed: 0,
  revenueMinor: {},
  skippedBy: {},
});

export interface Rates {
  delivery: number | null;
  open: number | null;
  click: number | null;
  clickToOpen: number | null;
  conversion: number | null;
  unsubscribe: number | null;
}

const ratio = (a: number, b: number) => (b > 0 ? Math.round((a / b) * 10_000) / 10_000 : null);

export function ratesOf(c: Counters): Rates {
  return {
    delivery: ratio(c.delivered, c.sent),
    open: ratio(c.opened, c.sent),
    click: ratio(c.clicked, c.sent),
    clickToOpen: ratio(c.clicked, c.opened),
    conversion: ratio(c.converted, c.sent),
    unsubscribe: ratio(c.unsubscribed, c.sent),
  };
}

/** ROI = (revenue − cost) / cost, rounded to 4 places; null when there is no cost to set it against. */
export function roi(revenueMinor: number, costMinor: number): number | null {
  if (costMinor <= 0) return null;
  return Math.round(((revenueMinor - costMinor) / costMinor) * 10_000) / 10_000;
}

/** The per-message cost of messages sent on one channel. */
export const messageCost = (cost: CampaignCost, channel: CampaignChannel, sent: number) => (cost.perMessageMinor[channel] ?? 0) * sent;

/** The fixed cost's share for `sent` of `totalSent` messages (all of it when nothing was sent and this is the whole). */
export function fixedShare(cost: CampaignCost, sent: number, totalSent: number, whole = false): number {
  if (whole) return cost.fixedMinor;
  if (totalSent <= 0) return 0;
  return Math.round((cost.fixedMinor * sent) / totalSent);
}

export interface ResultRow extends Counters {
  rates: Rates;
  /** Revenue in the cost currency. */
  revenue: number;
  costMinor: number;
  roi: number | null;
  revenuePerRecipient: number | null;
}

/** Adds rates, revenue in the cost currency, cost and ROI to counters. */
export function resultRow(c: Counters, costMinor: number, currency: string): ResultRow {
  const revenue = c.revenueMinor[currency] ?? 0;
  return { ...c, rates: ratesOf(c), revenue, costMinor, roi: roi(revenue, costMinor), revenuePerRecipient: c.sent > 0 ? Math.round(revenue / c.sent) : null };
}
