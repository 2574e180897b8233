import { nextHoliday, nextOccasion, waitUntil } from '../../shared/domain/journeys/waits';

/** When waits end and date triggers fire: local times across daylight-saving changes, birthdays, offsets. */
const at = (s: string) => Date.parse(s);
const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('waits', () => {
  it('a duration is exact', () => {
    expect(iso(waitUntil({ kind: 'duration', value: 2, unit: 'seconds' }, at('2026-03-10T12:00:00Z'), 'UTC', {}))).toBe('2026-03-10T12:00:02.000Z');
    expect(iso(waitUntil({ kind: 'duration', value: 3, unit: 'weeks' }, at('2026-03-10T12:00:00Z'), 'UTC', {}))).toBe('2026-03-31T12:00:00.000Z');
  });

  it('a time of day is the next one strictly after now, in the zone, across a DST change', () => {
    // New York springs forward on 2026-03-08: 09:00 is 14:00Z the day before, 13:00Z after.
    expect(iso(waitUntil({ kind: 'time-of-day', time: '09:00' }, at('2026-03-07T15:00:00Z'), 'America/New_York', {}))).toBe('2026-03-08T13:00:00.000Z');
    expect(iso(waitUntil({ kind: 'time-of-day', time: '09:00' }, at('2026-03-07T13:00:00Z'), 'America/New_York', {}))).toBe('2026-03-07T14:00:00.000Z');
    // Exactly at 09:00: the next day's.
    expect(iso(waitUntil({ kind: 'time-of-day', time: '09:00' }, at('2026-03-10T01:00:00Z'), 'Asia/Shanghai', {}))).toBe('2026-03-11T01:00:00.000Z');
    // A wall time inside the gap (02:30 on the spring-forward day) is the end of the gap.
    expect(iso(waitUntil({ kind: 'time-of-day', time: '02:30' }, at('2026-03-08T05:00:00Z'), 'America/New_York', {}))).toBe('2026-03-08T07:30:00.000Z');
  });

  it('a time of day on given weekdays skips the others', () => {
    // 2026-03-10 is a Tuesday; Mondays only → 2026-03-16.
    expect(iso(waitUntil({ kind: 'time-of-day', time: '10:00', weekdays: [1] }, at('2026-03-10T12:00:00Z'), 'UTC', {}))).toBe('2026-03-16T10:00:00.000Z');
  });

  it('a date wait follows the customer: birthday (Feb 29 on Feb 28), a date attribute with an offset, the last order', () => {
    expect(iso(waitUntil({ kind: 'date', field: 'birthday', time: '09:00' }, at('2027-01-10T00:00:00Z'), 'UTC', { birthday: '1992-02-29' }))).toBe('2027-02-28T09:00:00.000Z');
    expect(iso(waitUntil({ kind: 'date', field: 'birthday' }, at('2028-01-10T00:00:00Z'), 'Europe/Berlin', { birthday: '--02-29' }))).toBe('2028-02-29T08:00:00.000Z');
    expect(iso(waitUntil({ kind: 'date', field: 'attributes.renewal', offsetDays: -7 }, at('2026-03-10T00:00:00Z'), 'UTC', { attributes: { renewal: '2026-04-01' } }))).toBe('2026-03-25T09:00:00.000Z');
    expect(iso(waitUntil({ kind: 'date', field: 'lastOrderAt', offsetDays: 30, time: '10:00' }, at('2026-03-10T00:00:00Z'), 'UTC', { lastOrderAt: '2026-03-01T22:00:00Z' }))).toBe('2026-03-31T10:00:00.000Z');
    expect(waitUntil({ kind: 'date', field: 'attributes.renewal' }, at('2026-03-10T00:00:00Z'), 'UTC', { attributes: { renewal: 'soon' } })).toBeUndefined();
    expect(waitUntil({ kind: 'date', field: 'birthday' }, at('2026-03-10T00:00:00Z'), 'UTC', {})).toBeUndefined();
  });
});

describe('date triggers', () => {
  it('birthday: the next one at the local time, named by its date (once a year)', () => {
    const t = { type: 'date' as const, on: 'birthday' as const, time: '09:00' };
    expect(nextOccasion(t, { birthday: '1990-06-15' }, at('2026-03-10T00:00:00Z'), 'Asia/Shanghai')).toEqual({ anchor: 'birthday:2026-06-15', at: at('2026-06-15T01:00:00Z') });
    // Past this year: next year's.
    expect(nextOccasion(t, { birthday: '1990-01-15' }, at('2026-03-10T00:00:00Z'), 'UTC')).toEqual({ anchor: 'birthday:2027-01-15', at: at('2027-01-15T09:00:00Z') });
    // Today, a few hours late (the customer was updated on the day): still today's, within the grace.
    expect(nextOccasion(t, { birthday: '1990-03-10' }, at('2026-03-10T15:00:00Z'), 'UTC')).toEqual({ anchor: 'birthday:2026-03-10', at: at('2026-03-10T09:00:00Z') });
    // Three days before the birthday.
    expect(nextOccasion({ ...t, offsetDays: -3 }, { birthday: '1990-06-15' }, at('2026-03-10T00:00:00Z'), 'UTC')).toEqual({ anchor: 'birthday:2026-06-15', at: at('2026-06-12T09:00:00Z') });
    expect(nextOccasion(t, { birthday: 'not a date' }, at('2026-03-10T00:00:00Z'), 'UTC')).toBeUndefined();
  });

  it('N days after the last order, named by that order; a date attribute; a holiday', () => {
    expect(nextOccasion({ type: 'date', on: 'last-order', offsetDays: 90, time: '10:00' }, { lastOrderAt: '2026-01-05T08:00:00.000Z' }, at('2026-03-10T00:00:00Z'), 'UTC')).toEqual({ anchor: 'last-order:2026-01-05T08:00:00.000Z', at: at('2026-04-05T10:00:00Z') });
    expect(nextOccasion({ type: 'date', on: 'last-order', offsetDays: 30 }, { lastOrderAt: '2025-01-05T08:00:00.000Z' }, at('2026-03-10T00:00:00Z'), 'UTC')).toBeUndefined();
    expect(nextOccasion({ type: 'date', on: 'attribute', attribute: 'renewal', offsetDays: -7 }, { attributes: { renewal: '2026-04-01' } }, at('2026-03-10T00:00:00Z'), 'UTC')).toEqual({ anchor: 'renewal:2026-04-01', at: at('2026-03-25T09:00:00Z') });
    expect(nextHoliday({ type: 'date', on: 'holiday', day: '12-25', time: '08:00' }, at('2026-12-26T00:00:00Z'), 'Europe/Berlin')).toEqual({ anchor: 'holiday:2027-12-25', at: at('2027-12-25T07:00:00Z') });
  });
});
