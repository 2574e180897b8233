import { cdnowSummary, parseCdnow, type SummaryOrder } from '../../shared/domain/cdnow';
import { ValidationError } from '../../shared/domain/errors';
import { toMinor } from '../../shared/domain/money';
import { EMPTY_AGGREGATES, type Aggregates } from '../../shared/domain/orders';
import { fitBgNbd } from '../../shared/domain/models/bg-nbd';
import { purchaseHistory, purchaseHistoryFromAggregates } from '../../shared/domain/models/purchase-history';
import { readShared } from '../support/shared-data';

/** (x, t_x, T, zbar) from stored data as of `now`: the same figures as the papers' summary. */
const orders: SummaryOrder[] = parseCdnow(readShared('data', 'cdnow', 'CDNOW_sample.txt')).map((e) => ({
  placedAt: e.data.placedAt as string,
  totalMinor: toMinor(e.data.total as string, 'USD'),
  currency: 'USD',
  identity: { platformCustomerId: e.data.customer?.id },
}));

describe('purchaseHistory', () => {
  it('rebuilds the CDNOW calibration summary of all 2,357 customers from their order times (weeks)', () => {
    const summary = cdnowSummary(orders);
    const byCustomer = new Map<string, { at: string; valueMinor: number }[]>();
    for (const o of orders) {
      const id = o.identity.platformCustomerId!;
      byCustomer.set(id, [...(byCustomer.get(id) ?? []), { at: o.placedAt, valueMinor: o.totalMinor }]);
    }
    const wrong = [...summary.values()].filter((s) => {
      const h = purchaseHistory(byCustomer.get(s.customerId)!, '1997-09-30T00:00:00Z', { unitDays: 7 });
      return !h || h.x !== s.x || Math.abs(h.t_x - s.t_x) > 1e-12 || Math.abs(h.T - s.T) > 1e-12 || Math.abs(h.zbar! / 100 - s.zbar) > 1e-9;
    });
    expect(wrong).toEqual([]);
    // And a fit on them in days is the published one with alpha in days.
    const rows = [...byCustomer.values()].map((p) => purchaseHistory(p, '1997-09-30T00:00:00Z')!);
    const fit = fitBgNbd(rows);
    expect(fit.alpha / 7).toBeCloseTo(4.4135, 1);
    expect(fit.r).toBeCloseTo(0.2426, 3);
  });

  it('counts several orders on one day once, with their summed value', () => {
    const h = purchaseHistory(
      [
        { at: '2024-01-01T09:00:00Z', valueMinor: 1000 },
        { at: '2024-01-08T10:00:00Z', valueMinor: 500 },
        { at: '2024-01-08T23:59:59Z', valueMinor: 700 },
        { at: '2024-01-15', valueMinor: 300 },
      ],
      '2024-01-29T15:00:00Z',
    );
    expect(h).toEqual({ x: 2, t_x: 14, T: 28, zbar: 750, firstDay: '2024-01-01', lastDay: '2024-01-15', purchaseDays: 3, exact: true });
  });

  it('ignores purchases after the day of now, counts those on it, and leaves zbar out without values', () => {
    const h = purchaseHistory(['2024-01-10T12:00:00Z', '2024-01-01T08:00:00Z', '2024-02-01T00:00:00Z', '2024-01-20T23:00:00Z'], '2024-01-20T01:00:00Z');
    expect(h).toEqual({ x: 2, t_x: 19, T: 19, firstDay: '2024-01-01', lastDay: '2024-01-20', purchaseDays: 3, exact: true });
    expect(purchaseHistory(['2024-01-01'], '2024-01-01T00:00:00Z')).toEqual({ x: 0, t_x: 0, T: 0, firstDay: '2024-01-01', lastDay: '2024-01-01', purchaseDays: 1, exact: true });
    expect(purchaseHistory([{ at: '2024-01-01', valueMinor: 500 }], '2024-01-08')).toMatchObject({ x: 0, zbar: 0, T: 7 });
    expect(purchaseHistory(['2024-03-01'], '2024-02-01T00:00:00Z')).toBeUndefined();
    expect(purchaseHistory([], '2024-02-01T00:00:00Z')).toBeUndefined();
  });

  it('refuses bad instants, values and units', () => {
    expect(() => purchaseHistory(['2024-01-01'], 'soon')).toThrow(ValidationError);
    expect(() => purchaseHistory(['not a date'], '2024-01-02')).toThrow('purchases[0].at');
    expect(() => purchaseHistory([{ at: '2024-01-01', valueMinor: NaN }], '2024-01-02')).toThrow('purchases[0].valueMinor');
    expect(() => purchaseHistory(['2024-01-01'], '2024-01-02', { unitDays: 0 })).toThrow('unitDays');
  });
});

describe('purchaseHistoryFromAggregates', () => {
  const agg = (over: Partial<Aggregates>): Aggregates => ({ ...EMPTY_AGGREGATES, ...over });

  it('is exact while the first order day is in the per-day counts', () => {
    const a = agg({ orderCount: 4, spentMinor: { USD: 9000 }, firstOrderAt: '2024-01-01T09:00:00Z', lastOrderAt: '2024-01-15T10:00:00Z', days: { '2024-01-01': 1, '2024-01-08': 2, '2024-01-15': 1 } });
    expect(purchaseHistoryFromAggregates(a, '2024-01-29T12:00:00Z')).toEqual({ x: 2, t_x: 14, T: 28, firstDay: '2024-01-01', lastDay: '2024-01-15', purchaseDays: 3, exact: true });
    expect(purchaseHistoryFromAggregates(a, '2024-01-29T12:00:00Z', { unitDays: 7, currency: 'USD' })).toEqual({ x: 2, t_x: 2, T: 4, zbar: 3000, firstDay: '2024-01-01', lastDay: '2024-01-15', purchaseDays: 3, exact: true });
    // As of an earlier day: later days are left out.
    expect(purchaseHistoryFromAggregates(a, '2024-01-10T00:00:00Z')).toMatchObject({ x: 1, t_x: 7, T: 9 });
  });

  it('estimates x once the first orders were pruned, assuming one order a day', () => {
    const a = agg({ orderCount: 6, spentMinor: { USD: 6000 }, firstOrderAt: '2022-03-01T00:00:00Z', lastOrderAt: '2024-01-15T00:00:00Z', days: { '2023-12-01': 1, '2024-01-15': 2 } });
    // 3 orders outside the window → 3 days, plus 2 days in it.
    expect(purchaseHistoryFromAggregates(a, '2024-01-20T00:00:00Z')).toMatchObject({ x: 4, purchaseDays: 5, firstDay: '2022-03-01', lastDay: '2024-01-15', exact: false });
    const onlyOld = agg({ orderCount: 2, firstOrderAt: '2022-03-01T00:00:00Z', lastOrderAt: '2022-05-01T00:00:00Z', days: {} });
    expect(purchaseHistoryFromAggregates(onlyOld, '2024-01-20T00:00:00Z')).toMatchObject({ x: 1, firstDay: '2022-03-01', lastDay: '2022-05-01', exact: false });
    const one = agg({ orderCount: 1, firstOrderAt: '2022-03-01T00:00:00Z', lastOrderAt: '2022-03-01T00:00:00Z', days: {} });
    expect(purchaseHistoryFromAggregates(one, '2024-01-20T00:00:00Z', { currency: 'USD' })).toMatchObject({ x: 0, t_x: 0, zbar: 0, exact: false });
  });

  it('is undefined without orders or before the first one', () => {
    expect(purchaseHistoryFromAggregates(EMPTY_AGGREGATES, '2024-01-01T00:00:00Z')).toBeUndefined();
    expect(purchaseHistoryFromAggregates(agg({ orderCount: 1, firstOrderAt: '2024-02-01T00:00:00Z', lastOrderAt: '2024-02-01T00:00:00Z', days: { '2024-02-01': 1 } }), '2024-01-01T00:00:00Z')).toBeUndefined();
  });
});
