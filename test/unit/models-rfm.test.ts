import { cdnowSummary, parseCdnow, type SummaryOrder } from '../../shared/domain/cdnow';
import { ValidationError } from '../../shared/domain/errors';
import { toMinor } from '../../shared/domain/money';
import { EMPTY_AGGREGATES } from '../../shared/domain/orders';
import { quintileCuts, RFM_SEGMENT_NAMES, rfmCuts, rfmInputFromAggregates, rfmScores, rfmSegment, scoreWithCuts, type RfmInput, type RfmSegment } from '../../shared/domain/models/rfm';
import { readShared } from '../support/shared-data';

/** RFM quintile scores, their cut points, and the 11-segment map of docs/value-models.md. */
describe('quintileCuts', () => {
  it('takes the smallest value with at least k/5 of the values at or below it', () => {
    expect(quintileCuts([5, 4, 3, 2, 1])).toEqual([1, 2, 3, 4]);
    expect(quintileCuts([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])).toEqual([2, 4, 6, 8]);
    expect(quintileCuts([7])).toEqual([7, 7, 7, 7]);
    expect(quintileCuts([1, 1, 1, 1, 1, 1, 2, 2, 3, 5])).toEqual([1, 1, 1, 2]);
  });

  it('refuses no values and non-finite ones', () => {
    expect(() => quintileCuts([])).toThrow(ValidationError);
    expect(() => quintileCuts([1, NaN], 'monetary')).toThrow('monetary[1]');
  });
});

describe('rfmScores', () => {
  const input = (recencyDays: number, frequency: number, monetary: number): RfmInput => ({ recencyDays, frequency, monetary });

  it('scores 1–5 by quintile: recent, frequent and big spenders high', () => {
    const buyers = [input(1, 5, 500), input(2, 4, 400), input(3, 3, 300), input(4, 2, 200), input(5, 1, 100)];
    const { cuts, scores } = rfmScores(buyers);
    expect(cuts).toEqual({ recency: [1, 2, 3, 4], frequency: [1, 2, 3, 4], monetary: [100, 200, 300, 400], buyers: 5 });
    expect(scores.map((s) => s.code)).toEqual(['555', '444', '333', '222', '111']);
    expect(scores.map((s) => s.segment)).toEqual(['champions', 'loyal', 'need_attention', 'hibernating', 'lost']);
  });

  it('gives equal values equal scores whatever the input order', () => {
    const buyers = [input(10, 1, 50), input(10, 1, 50), input(3, 1, 80), input(40, 2, 50), input(10, 1, 20), input(200, 1, 50), input(3, 6, 900)];
    const { scores } = rfmScores(buyers);
    const reversed = rfmScores([...buyers].reverse()).scores.reverse();
    expect(reversed).toEqual(scores);
    expect(scores[0]).toEqual(scores[1]);
    // Most buyers bought once: they share the lowest frequency score.
    expect(new Set(scores.filter((_, i) => buyers[i]!.frequency === 1).map((s) => s.f))).toEqual(new Set([1]));
  });

  it('scores a single customer between recomputes exactly as the batch did', () => {
    const buyers = Array.from({ length: 97 }, (_, i) => input((i * 37) % 365, 1 + ((i * 7) % 9), 1000 + ((i * 7919) % 50_000)));
    const { cuts, scores } = rfmScores(buyers);
    buyers.forEach((b, i) => expect(scoreWithCuts(b, cuts)).toEqual(scores[i]));
    // A newcomer beyond every cut.
    expect(scoreWithCuts(input(0, 50, 10_000_000), cuts)).toMatchObject({ r: 5, f: 5, m: 5, fm: 5, segment: 'champions' });
    expect(scoreWithCuts(input(10_000, 0, 0), cuts)).toMatchObject({ r: 1, f: 1, m: 1, segment: 'lost' });
  });

  it('rounds FM = (F + M) / 2 half up', () => {
    const cuts = { recency: [1, 2, 3, 4], frequency: [1, 2, 3, 4], monetary: [1, 2, 3, 4], buyers: 5 } as const;
    expect(scoreWithCuts(input(1, 1, 2), cuts)).toMatchObject({ r: 5, f: 1, m: 2, fm: 2, segment: 'potential_loyalist' });
    expect(scoreWithCuts(input(1, 3, 4), cuts)).toMatchObject({ fm: 4, segment: 'champions' });
    expect(scoreWithCuts(input(1, 1, 1), cuts)).toMatchObject({ fm: 1, segment: 'new' });
  });

  it('scores the CDNOW buyers on every dimension and fills most segments', () => {
    const orders: SummaryOrder[] = parseCdnow(readShared('data', 'cdnow', 'CDNOW_sample.txt')).map((e) => ({
      placedAt: e.data.placedAt as string,
      totalMinor: toMinor(e.data.total as string, 'USD'),
      currency: 'USD',
      identity: { platformCustomerId: e.data.customer?.id },
    }));
    const summary = [...cdnowSummary(orders, '1998-06-30').values()];
    const buyers = summary.map((s) => input(Math.round((s.T - s.t_x) * 7), s.x + 1, Math.round(s.zbar * s.x * 100)));
    const { scores } = rfmScores(buyers);
    for (const k of ['r', 'f', 'm'] as const) expect(new Set(scores.map((s) => s[k])).size).toBeGreaterThanOrEqual(3);
    expect(new Set(scores.map((s) => s.segment)).size).toBeGreaterThanOrEqual(8);
  });

  it('refuses invalid inputs and cuts', () => {
    expect(() => rfmCuts([])).toThrow('inputs');
    expect(() => rfmCuts([input(-1, 1, 1)])).toThrow('inputs[0].recencyDays');
    expect(() => rfmCuts([input(1, Infinity, 1)])).toThrow('inputs[0].frequency');
    const cuts = rfmCuts([input(1, 1, 1)]);
    expect(() => scoreWithCuts(input(1, 1, NaN), cuts)).toThrow('input.monetary');
    expect(() => scoreWithCuts(input(1, 1, 1), { ...cuts, frequency: [3, 2, 1, 0] })).toThrow('cuts.frequency');
  });
});

describe('rfmSegment', () => {
  it('maps every R × FM cell as documented', () => {
    const table: Record<number, RfmSegment[]> = {
      5: ['new', 'potential_loyalist', 'potential_loyalist', 'champions', 'champions'],
      4: ['promising', 'potential_loyalist', 'potential_loyalist', 'loyal', 'loyal'],
      3: ['about_to_sleep', 'about_to_sleep', 'need_attention', 'loyal', 'loyal'],
      2: ['hibernating', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
      1: ['lost', 'hibernating', 'at_risk', 'at_risk', 'cant_lose'],
    };
    for (const r of [1, 2, 3, 4, 5]) for (const fm of [1, 2, 3, 4, 5]) expect(rfmSegment(r, fm)).toBe(table[r]![fm - 1]);
    expect(new Set(Object.values(table).flat()).size).toBe(11);
    expect(Object.keys(RFM_SEGMENT_NAMES)).toHaveLength(11);
    expect(RFM_SEGMENT_NAMES.cant_lose).toBe("Can't lose");
  });

  it('refuses scores outside 1–5', () => {
    expect(() => rfmSegment(0, 3)).toThrow('r: must be a score');
    expect(() => rfmSegment(3, 2.5)).toThrow('fm: must be a score');
  });
});

describe('rfmInputFromAggregates', () => {
  it('takes whole days since the last order, the order count and the spend in one currency', () => {
    const agg = { ...EMPTY_AGGREGATES, orderCount: 3, spentMinor: { USD: 12_345, EUR: 99 }, lastOrderAt: '2024-01-10T23:00:00Z' };
    expect(rfmInputFromAggregates(agg, 'USD', '2024-01-20T01:00:00Z')).toEqual({ recencyDays: 10, frequency: 3, monetary: 12_345 });
    expect(rfmInputFromAggregates(agg, 'GBP', '2024-01-20T01:00:00Z')).toMatchObject({ monetary: 0 });
    expect(rfmInputFromAggregates(EMPTY_AGGREGATES, 'USD', '2024-01-20T01:00:00Z')).toBeUndefined();
  });
});
