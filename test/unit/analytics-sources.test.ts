import { busiestUnlisted, periodBySource } from '../../shared/domain/analytics/sources';

const buckets = (...rows: [string, Record<string, number>][]) => new Map(rows);

describe('periodBySource', () => {
  it('sums each campaign and journey over the period across channels, keeping a campaign\'s sends per channel', () => {
    const origins = new Map([
      ['campaign:c1:email', buckets(['2026-03-02', { sent: 100, opened: 40, 'revenue|USD': 5_000 }], ['2026-03-09', { sent: 20, converted: 2 }])],
      ['campaign:c1:sms', buckets(['2026-03-02', { sent: 30, clicked: 3 }])],
      ['journey:j1:email', buckets(['2026-03-02', { sent: 7 }])],
      ['-', buckets(['2026-03-02', { sent: 999 }])],
      ['survey:t1:email', buckets(['2026-03-02', { sent: 5 }])],
    ]);
    const out = periodBySource(origins);
    expect([...out.keys()].sort()).toEqual(['campaign:c1', 'journey:j1']);
    expect(out.get('campaign:c1')).toEqual({ kind: 'campaign', id: 'c1', counters: { sent: 150, opened: 40, 'revenue|USD': 5_000, converted: 2, clicked: 3 }, sentByChannel: { email: 120, sms: 30 } });
    expect(out.get('journey:j1')).toEqual({ kind: 'journey', id: 'j1', counters: { sent: 7 }, sentByChannel: { email: 7 } });
  });
  it('is empty when nothing was sent in the period', () => {
    expect(periodBySource(new Map()).size).toBe(0);
  });
});

describe('busiestUnlisted', () => {
  it('gives the ids of one kind that sent in the period and are not listed, busiest first, up to the cap', () => {
    const inPeriod = periodBySource(new Map([
      ['campaign:a:email', buckets(['2026-03-02', { sent: 5 }])],
      ['campaign:b:email', buckets(['2026-03-02', { sent: 50 }])],
      ['campaign:c:sms', buckets(['2026-03-02', { sent: 20 }])],
      ['journey:j:email', buckets(['2026-03-02', { sent: 99 }])],
    ]));
    expect(busiestUnlisted(inPeriod, 'campaign', new Set(['c']), 10)).toEqual(['b', 'a']);
    expect(busiestUnlisted(inPeriod, 'campaign', new Set(), 2)).toEqual(['b', 'c']);
    expect(busiestUnlisted(inPeriod, 'journey', new Map([['j', {}]]), 10)).toEqual([]);
  });
});
