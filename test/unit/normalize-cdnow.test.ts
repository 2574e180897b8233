import { cdnowSummary, parseCdnow } from '../../shared/domain/cdnow';
import { IngestError, type NormalizedOrder } from '../../shared/domain/ingest';
import { toMinor } from '../../shared/domain/money';
import { normalizeDelivery } from '../../shared/domain/normalize';
import { delivery, readShared } from '../support/shared-data';

/**
 * The CDNOW log as generic webhook deliveries, through the real normalizer, summarised per
 * customer: the summary must be the published one for every customer.
 */
const text = readShared('data', 'cdnow', 'CDNOW_sample.txt');
const envelopes = parseCdnow(text);
const orders: NormalizedOrder[] = envelopes.flatMap((e) =>
  normalizeDelivery(delivery('generic', e.type, e, { deliveryId: e.id, sourceId: 'cdnow-import' }), { defaultPhoneRegion: 'US' }).map((i) => {
    if (i.type !== 'order') throw new Error(`expected an order, got ${i.type}`);
    return i.order;
  }),
);

describe('parseCdnow', () => {
  it('makes one order.upsert per line with a deterministic id, the customer on platform cdnow, at noon UTC', () => {
    expect(envelopes).toHaveLength(6919);
    expect(new Set(envelopes.map((e) => e.id)).size).toBe(6919);
    expect(envelopes[0]).toEqual({
      id: 'cdnow-1-1',
      type: 'order.upsert',
      occurredAt: '1997-01-01T12:00:00.000Z',
      data: {
        platform: 'cdnow',
        store: 'cdnow',
        orderId: 'cdnow-1-1',
        customer: { id: '1' },
        placedAt: '1997-01-01T12:00:00.000Z',
        status: 'fulfilled',
        currency: 'USD',
        total: '29.33',
        subtotal: '29.33',
        lines: [
          { product: 'CD', quantity: 1, unitPrice: '14.67' },
          { product: 'CD', quantity: 1, unitPrice: '14.66' },
        ],
        channel: 'web',
      },
    });
    expect(orders[0]?.identity).toEqual({ platform: 'cdnow', store: 'cdnow', platformCustomerId: '1', sourceChannel: 'cdnow' });
  });

  it('gives lines that add up to the dollar value exactly, and one line when the price divides', () => {
    const raw = text.split(/\r?\n/).filter((l) => l.trim());
    const wrong = orders.filter((o, i) => {
      const [, , , cds, dollars] = (raw[i] ?? '').trim().split(/\s+/);
      return (
        o.totalMinor !== toMinor(dollars ?? '', 'USD') ||
        o.subtotalMinor !== o.totalMinor ||
        o.lines.reduce((s, l) => s + l.quantity * l.unitPriceMinor, 0) !== o.totalMinor ||
        o.lines.reduce((s, l) => s + l.quantity, 0) !== Number(cds) ||
        o.lines.length > 2
      );
    });
    expect(wrong).toEqual([]);
    expect(orders.filter((o) => o.lines.length === 2).length).toBeGreaterThan(1000); // 1,808 lines do not divide
    expect(orders[2]?.lines).toEqual([{ product: 'CD', quantity: 1, unitPriceMinor: 1496 }]);
  });

  it('refuses a line that is not a transaction, naming its number', () => {
    expect(() => parseCdnow(' 00004 0001 19970101  2   29.33\n00004 0001 1997-01-18 2 29.73\n')).toThrow(new IngestError('is not `cust_full cust_sample YYYYMMDD cds dollars`', 'line 2'));
    expect(() => parseCdnow(' 00004 0001 19970230  2   29.33')).toThrow(new IngestError('19970230 is not a date', 'line 1'));
  });
});

describe('cdnowSummary', () => {
  const published = readShared('data', 'cdnow', 'cdnow_customers_summary_with_transactions.csv')
    .split(/\r?\n/)
    .slice(1)
    .filter((l) => l.trim())
    .map((l) => {
      const [id = '', x, tx, T, zbar] = l.split(',');
      return { id, x: Number(x), t_x: Number(tx), T: Number(T), zbar: Number(zbar) };
    });
  const summary = cdnowSummary(orders);
  /** The file rounds to 2 decimals (half up): ours must round to the same figure. */
  const near = (ours: number, theirs: number) => Math.abs(ours - theirs) <= 0.005 + 1e-9;

  it('reproduces the published summary for every one of the 2,357 customers', () => {
    expect(published).toHaveLength(2357);
    expect(summary.size).toBe(2357);
    const wrong = published.filter((p) => {
      const s = summary.get(p.id);
      return !s || s.x !== p.x || !near(s.t_x, p.t_x) || !near(s.T, p.T) || !near(s.zbar, p.zbar);
    });
    expect(wrong).toEqual([]);
  });

  it('counts the repeat purchase days of customer 1 like the paper', () => {
    // 1997-01-01 (first), 1997-01-18, 1997-08-02 within calibration; 1997-12-12 after it.
    const one = summary.get('1');
    expect(one).toMatchObject({ customerId: '1', x: 2 });
    expect(one?.t_x).toBeCloseTo(213 / 7, 10);
    expect(one?.T).toBeCloseTo(272 / 7, 10);
    expect(one?.zbar).toBeCloseTo(22.345, 10);
    expect(published[0]).toEqual({ id: '1', x: 2, t_x: 30.43, T: 38.86, zbar: 22.35 });
  });

  it('merges orders of one day, skips cancelled orders, and honours another calibration end', () => {
    const o = (day: string, totalMinor: number, status: NormalizedOrder['status'] = 'paid') => ({ placedAt: `${day}T12:00:00.000Z`, totalMinor, currency: 'USD', status, identity: { platformCustomerId: 'c' } });
    const s = cdnowSummary([o('2024-01-01', 1000), o('2024-01-08', 500), o('2024-01-08', 700), o('2024-01-15', 9900, 'cancelled'), o('2024-02-05', 300)], '2024-01-29');
    expect(s.get('c')).toEqual({ customerId: 'c', x: 1, t_x: 1, T: 4, zbar: 12 });
  });
});
