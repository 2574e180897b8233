import { bucketsOf, monthShares, previousPeriod, resolvePeriod, weekStart } from '../../shared/domain/analytics/period';
import { chooseDimension, chooseFilter, chooseMetrics } from '../../shared/domain/analytics/query';
import { ValidationError } from '../../shared/domain/errors';

const TODAY = '2026-11-22'; // a Sunday

function issues(fn: () => unknown): { field: string; message: string }[] {
  try {
    fn();
  } catch (e) {
    if (e instanceof ValidationError) return e.issues;
    throw e;
  }
  throw new Error('expected a ValidationError');
}

describe('report periods', () => {
  it('default to the last 30 days, 12 weeks or 12 months ending today', () => {
    expect(resolvePeriod({}, TODAY)).toMatchObject({ from: '2026-10-24', to: TODAY, granularity: 'day' });
    expect(resolvePeriod({}, TODAY).buckets).toHaveLength(30);
    const weeks = resolvePeriod({ granularity: 'week' }, TODAY);
    expect(weeks).toMatchObject({ from: '2026-08-31', to: '2026-11-22' });
    expect(weeks.buckets).toHaveLength(12);
    expect(resolvePeriod({ granularity: 'month' }, TODAY)).toMatchObject({ from: '2025-12-01', to: '2026-11-30', buckets: expect.arrayContaining(['2025-12-01', '2026-11-01']) });
  });

  it('widen week and month periods to whole buckets (ISO weeks start on Monday)', () => {
    expect(weekStart('2026-11-22')).toBe('2026-11-16');
    expect(weekStart('2026-11-16')).toBe('2026-11-16');
    expect(resolvePeriod({ from: '2026-01-15', to: '2026-03-02', granularity: 'month' }, TODAY)).toMatchObject({ from: '2026-01-01', to: '2026-03-31', buckets: ['2026-01-01', '2026-02-01', '2026-03-01'] });
    expect(bucketsOf('2024-02-26', '2024-03-10', 'week')).toEqual(['2024-02-26', '2024-03-04']);
  });

  it('name every bad field: dates that are not dates, out of range, a bad granularity', () => {
    expect(issues(() => resolvePeriod({ from: '2026-02-30', to: '2027-01-01', granularity: 'hour' }, TODAY))).toEqual([
      { field: 'granularity', message: 'must be one of day, week, month' },
      { field: 'from', message: 'must be a date YYYY-MM-DD' },
    ]);
    expect(issues(() => resolvePeriod({ from: '2026-11-23' }, TODAY))).toEqual([{ field: 'from', message: 'must not be after today (2026-11-22, UTC)' }]);
    expect(issues(() => resolvePeriod({ from: '1989-12-31' }, TODAY))[0]!.message).toMatch(/1990-01-01/);
    expect(issues(() => resolvePeriod({ from: '2026-11-02', to: '2026-11-01' }, TODAY))).toEqual([{ field: 'from', message: 'must not be after to (2026-11-01)' }]);
  });

  it('refuse periods too long for the granularity: 400 days, 157 weeks, 60 months', () => {
    expect(resolvePeriod({ from: '2025-10-19', to: TODAY }, TODAY).buckets).toHaveLength(400);
    expect(issues(() => resolvePeriod({ from: '2025-10-18', to: TODAY }, TODAY))[0]!.message).toMatch(/at most 400 days; this period has 401/);
    expect(issues(() => resolvePeriod({ from: '2023-01-01', granularity: 'week' }, TODAY))[0]!.message).toMatch(/at most 157 weeks/);
    expect(resolvePeriod({ from: '2021-12-01', granularity: 'month' }, TODAY).buckets).toHaveLength(60);
    expect(issues(() => resolvePeriod({ from: '2021-11-30', granularity: 'month' }, TODAY))[0]!.message).toMatch(/at most 60 months/);
  });

  it('read a period that ends in the future up to today, so a widened week or month period can be sent back', () => {
    expect(resolvePeriod({ from: '2026-11-01', to: '2027-01-01' }, TODAY)).toMatchObject({ from: '2026-11-01', to: TODAY });
    const week = resolvePeriod({ from: '2026-11-18', granularity: 'week' }, '2026-11-18');
    expect(week.to).toBe('2026-11-22');
    expect(resolvePeriod({ from: week.from, to: week.to }, '2026-11-18')).toMatchObject({ from: '2026-11-16', to: '2026-11-18' });
  });

  it('compare with the period of the same length just before', () => {
    expect(previousPeriod(resolvePeriod({ from: '2026-11-01', to: '2026-11-30' }, '2026-11-30'))).toEqual({ from: '2026-10-02', to: '2026-10-31' });
  });
});

describe('metrics, dimensions and filters', () => {
  const KNOWN = ['orders', 'revenue', 'aov'] as const;
  it('take all metrics by default, a chosen subset, and name the unknown ones', () => {
    expect(chooseMetrics(undefined, KNOWN)).toEqual(['orders', 'revenue', 'aov']);
    expect(chooseMetrics('revenue, orders,revenue', KNOWN)).toEqual(['revenue', 'orders']);
    expect(issues(() => chooseMetrics('revenue,profit,margin', KNOWN))).toEqual([{ field: 'metrics', message: 'unknown metrics "profit", "margin"; known: orders, revenue, aov' }]);
  });

  it('know their dimensions', () => {
    expect(chooseDimension('store', ['store', 'channel'] as const)).toBe('store');
    expect(issues(() => chooseDimension('colour', ['store', 'channel'] as const))[0]).toEqual({ field: 'by', message: 'unknown dimension "colour"; this report breaks down by store, channel' });
  });

  it('take one printable store or channel filter', () => {
    expect(chooseFilter({ store: 'flagship' }, ['store', 'channel'])).toEqual({ dim: 'store', value: 'flagship' });
    expect(chooseFilter({}, ['store'])).toBeUndefined();
    expect(issues(() => chooseFilter({ store: 'a\u0007b' }, ['store']))[0]!.field).toBe('store');
    expect(issues(() => chooseFilter({ store: ' padded' }, ['store']))[0]!.field).toBe('store');
    expect(issues(() => chooseFilter({ store: 'x'.repeat(256) }, ['store']))[0]!.field).toBe('store');
    expect(issues(() => chooseFilter({ channel: 'web' }, ['store']))).toEqual([{ field: 'channel', message: 'this report filters by store only' }]);
    expect(issues(() => chooseFilter({ store: 'a', channel: 'web' }, ['store', 'channel']))).toEqual([{ field: 'channel', message: 'filter by one of store or channel at a time' }]);
  });
});

describe('monthShares', () => {
  it('gives each month the period touches the share of its days inside the period', () => {
    expect([...monthShares('2026-01-17', '2026-03-10')]).toEqual([
      ['2026-01', 15 / 31],
      ['2026-02', 1],
      ['2026-03', 10 / 31],
    ]);
    expect([...monthShares('2024-02-01', '2024-02-29')]).toEqual([['2024-02', 1]]);
    expect([...monthShares('2026-05-05', '2026-05-05')]).toEqual([['2026-05', 1 / 31]]);
  });
});
