import { msUntilUtc } from '../../infra/local/runtime';
import { snapshotPartial } from '../../shared/usecases/analytics/report-common';

describe('a daily schedule at a fixed UTC time (the local runtime, like the cron rule in AWS)', () => {
  const at = (iso: string) => Date.parse(iso);
  it('waits until the time today, or tomorrow once it has passed', () => {
    expect(msUntilUtc('00:20', at('2026-03-01T00:00:00Z'))).toBe(20 * 60_000);
    expect(msUntilUtc('00:20', at('2026-03-01T00:20:00Z'))).toBe(86_400_000);
    expect(msUntilUtc('00:20', at('2026-03-01T23:50:00Z'))).toBe(30 * 60_000);
    expect(msUntilUtc('23:05', at('2026-12-31T23:00:00Z'))).toBe(5 * 60_000);
  });
});

describe('report freshness', () => {
  it('is partial without a snapshot, for periods after it, and on the day a pass ran before its end', () => {
    expect(snapshotPartial(undefined, '2026-03-01')).toBe(true);
    expect(snapshotPartial({ asOf: '2026-02-28', takenAt: '2026-03-01T00:20:00Z' }, '2026-03-01')).toBe(true);
    // The 00:20 pass of 1 March holds all of 28 February, and only 20 minutes of 1 March.
    expect(snapshotPartial({ asOf: '2026-03-01', takenAt: '2026-03-01T00:20:00Z' }, '2026-02-28')).toBe(false);
    expect(snapshotPartial({ asOf: '2026-03-01', takenAt: '2026-03-01T00:20:00Z' }, '2026-03-01')).toBe(true);
    // A pass of a past day (taken after it ended) is whole; an index written before takenAt existed reads as before.
    expect(snapshotPartial({ asOf: '2026-03-01', takenAt: '2026-03-02T09:00:00Z' }, '2026-03-01')).toBe(false);
    expect(snapshotPartial({ asOf: '2026-03-01' }, '2026-03-01')).toBe(false);
  });
});
