import type { CampaignChannel } from '../../domain/campaigns/campaign';

/**
 * The campaign's own counters (`CMPC#<campaign>`), summed over their slots into one map whose
 * attribute names carry the dimensions, `|`-separated:
 *
 * - `r|<wave>|<variant or ->|<channel or ->` recipients the fan-out wrote (the remainder of an A/B
 *   test has no variant or channel until the winner is sent to it);
 * - `x|segment`, `x|recent` members left out by an exclusion segment or a recent campaign message;
 *   `dup` members met again through a second included segment;
 * - `k|<reason>|<variant>|<channel>` recipients the campaign skipped itself (coupons-exhausted);
 * - `cv|<variant>|<channel>`, `ord|…`, `rev|<variant>|<channel>|<currency>`, `rsq|…|<currency>`:
 *   converted recipients, orders, revenue and the sum of squares of revenue per recipient, within
 *   the campaign's attribution window.
 */
export const NONE = '-';
export const recipientsCounter = (wave: string, variant: string | undefined, channel: CampaignChannel | undefined) => `r|${wave}|${variant ?? NONE}|${channel ?? NONE}`;
export const skipCounter = (reason: string, variant: string, channel: CampaignChannel) => `k|${reason}|${variant}|${channel}`;
export const convertedCounter = (variant: string, channel: string) => `cv|${variant}|${channel}`;
export const ordersCounter = (variant: string, channel: string) => `ord|${variant}|${channel}`;
export const revenueCounter = (variant: string, channel: string, currency: string) => `rev|${variant}|${channel}|${currency}`;
export const revenueSquaresCounter = (variant: string, channel: string, currency: string) => `rsq|${variant}|${channel}|${currency}`;
export const EXCLUDED_SEGMENT = 'x|segment';
export const EXCLUDED_RECENT = 'x|recent';
export const DUPLICATE = 'dup';

/** Sums the counters whose name starts with `prefix|`, keyed by the remaining parts picked by `key`. */
export function sumBy(counters: Record<string, number>, prefix: string, key: (parts: string[]) => string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, n] of Object.entries(counters)) {
    if (!name.startsWith(`${prefix}|`)) continue;
    const k = key(name.split('|').slice(1));
    if (k === undefined) continue;
    out[k] = (out[k] ?? 0) + n;
  }
  return out;
}

/** Recipients the fan-out put in each wave. */
export const recipientsByWave = (counters: Record<string, number>) => sumBy(counters, 'r', (p) => p[0]);
