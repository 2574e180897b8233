import { IngestError, type IdentityHints, type NormalizedOrder } from './ingest';
import { currencyExponent, formatMinor, toMinor } from './money';
import type { GenericDataInput, GenericEnvelope } from './normalize/generic-schema';

/**
 * The CDNOW transaction log (shared/data/cdnow, Fader-Hardie-Lee) as generic webhook deliveries,
 * and the per-customer summary the BG/NBD and Gamma-Gamma papers fit on, rebuilt from orders.
 * Pure: the caller reads the file.
 */
export const CDNOW = { platform: 'cdnow', store: 'cdnow', currency: 'USD' } as const;

type OrderLine = NonNullable<GenericDataInput['order.upsert']['lines']>[number];

/** `quantity` CDs worth `totalMinor` as at most two lines whose sum is exactly the total. */
function cdLines(quantity: number, totalMinor: number): OrderLine[] {
  if (quantity === 0) return [];
  const base = Math.floor(totalMinor / quantity);
  const dearer = totalMinor - base * quantity; // this many CDs cost one cent more
  const out: OrderLine[] = [];
  if (dearer) out.push({ product: 'CD', quantity: dearer, unitPrice: formatMinor(base + 1, CDNOW.currency) });
  if (quantity - dearer) out.push({ product: 'CD', quantity: quantity - dearer, unitPrice: formatMinor(base, CDNOW.currency) });
  return out;
}

/**
 * One `order.upsert` envelope per line `cust_full cust_sample YYYYMMDD cds dollars`: id
 * `cdnow-<sample id>-<line number>`, customer id = the sample id on platform/store `cdnow`,
 * placed at 12:00 UTC that day. `dollars / cds` is often not a whole number of cents (29.33 for 2
 * CDs): such a purchase has two `CD` lines (1 × 14.67 + 1 × 14.66) so lines add up to the total.
 */
export function parseCdnow(text: string): GenericEnvelope<'order.upsert'>[] {
  const out: GenericEnvelope<'order.upsert'>[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const lineNo = index + 1;
    const line = raw.trim();
    if (!line) return;
    const field = `line ${lineNo}`;
    const m = /^(\d+)\s+(\d+)\s+(\d{4})(\d{2})(\d{2})\s+(\d+)\s+(\d+(?:\.\d+)?)$/.exec(line);
    if (!m) throw new IngestError('is not `cust_full cust_sample YYYYMMDD cds dollars`', field);
    const [, , sample = '', y, mo, d, cds = '', dollars = ''] = m;
    const day = `${y}-${mo}-${d}`;
    const at = new Date(`${day}T12:00:00Z`);
    if (Number.isNaN(at.getTime()) || at.toISOString().slice(0, 10) !== day) throw new IngestError(`${y}${mo}${d} is not a date`, field);
    const sampleId = String(Number(sample));
    const id = `cdnow-${sampleId}-${lineNo}`;
    const totalMinor = toMinor(dollars, CDNOW.currency, field);
    const placedAt = at.toISOString();
    out.push({
      id,
      type: 'order.upsert',
      occurredAt: placedAt,
      data: {
        platform: CDNOW.platform,
        store: CDNOW.store,
        orderId: id,
        customer: { id: sampleId },
        placedAt,
        status: 'fulfilled',
        currency: CDNOW.currency,
        total: dollars,
        subtotal: dollars,
        lines: cdLines(Number(cds), totalMinor),
        channel: 'web',
      },
    });
  });
  return out;
}

/** The published columns: repeat purchase days x, recency t_x and age T in weeks, mean repeat value zbar. */
export interface CdnowSummaryRow {
  customerId: string;
  x: number;
  t_x: number;
  T: number;
  /** Mean value of the repeat purchase days, in major units (dollars). */
  zbar: number;
}

export type SummaryOrder = Pick<NormalizedOrder, 'placedAt' | 'totalMinor' | 'currency'> & {
  status?: NormalizedOrder['status'];
  identity: Pick<IdentityHints, 'platformCustomerId'>;
};

const DAY_MS = 86_400_000;
const days = (from: string, to: string) => (Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS;

/**
 * Per customer, from their orders (UTC days; several orders on one day are one purchase whose
 * value is their sum; cancelled orders do not count): x = purchase days after the first within the
 * calibration period (to `calibrationEnd` inclusive), t_x = weeks from the first to the last such
 * day, T = weeks from the first purchase to `calibrationEnd`, zbar = mean value of the x repeat days.
 * Customers without an id or whose first purchase is after `calibrationEnd` are left out.
 */
export function cdnowSummary(orders: readonly SummaryOrder[], calibrationEnd = '1997-09-30'): Map<string, CdnowSummaryRow> {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(calibrationEnd) || Number.isNaN(Date.parse(calibrationEnd))) throw new IngestError('must be a date YYYY-MM-DD', 'calibrationEnd');
  const byCustomer = new Map<string, { currency: string; days: Map<string, number> }>();
  for (const o of orders) {
    const id = o.identity.platformCustomerId;
    if (!id || o.status === 'cancelled') continue;
    const c = byCustomer.get(id) ?? { currency: o.currency, days: new Map<string, number>() };
    if (c.currency !== o.currency) throw new IngestError(`customer ${id} has orders in ${c.currency} and ${o.currency}`, 'currency');
    const day = o.placedAt.slice(0, 10);
    c.days.set(day, (c.days.get(day) ?? 0) + o.totalMinor);
    byCustomer.set(id, c);
  }
  const out = new Map<string, CdnowSummaryRow>();
  for (const [customerId, c] of byCustomer) {
    const inPeriod = [...c.days.keys()].filter((d) => d <= calibrationEnd).sort();
    const first = inPeriod[0];
    if (!first) continue;
    const last = inPeriod[inPeriod.length - 1] ?? first;
    const repeat = inPeriod.slice(1);
    const scale = 10 ** (currencyExponent(c.currency) ?? 2);
    const repeatMinor = repeat.reduce((s, d) => s + (c.days.get(d) ?? 0), 0);
    out.set(customerId, {
      customerId,
      x: repeat.length,
      t_x: days(first, last) / 7,
      T: days(first, calibrationEnd) / 7,
      zbar: repeat.length ? repeatMinor / repeat.length / scale : 0,
    });
  }
  return out;
}
