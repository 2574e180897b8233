import { ValidationError } from '../../shared/domain/errors';
import { addBusinessMs, assertCalendar, businessMsBetween, calendarIssues, instantOf, localDate, offsetAt, type BusinessCalendar } from '../../shared/domain/service/business-hours';

/** Business-hours arithmetic: weekends, lunch breaks, holidays, make-up working days, time zones, DST. */
const H = 3_600_000;
const M = 60_000;
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();

const shanghai: BusinessCalendar = {
  timeZone: 'Asia/Shanghai',
  workingDays: [1, 2, 3, 4, 5],
  hours: [
    { from: '09:00', to: '12:00' },
    { from: '13:00', to: '18:00' },
  ],
  holidays: ['2026-10-01', '2026-10-02', '2026-10-05'],
  extraWorkingDays: ['2026-10-10'],
};
const newYork: BusinessCalendar = { timeZone: 'America/New_York', workingDays: [1, 2, 3, 4, 5, 6, 7], hours: [{ from: '00:00', to: '24:00' }], holidays: [] };
const berlin9to17: BusinessCalendar = { timeZone: 'Europe/Berlin', workingDays: [1, 2, 3, 4, 5, 6, 7], hours: [{ from: '09:00', to: '17:00' }], holidays: [] };

describe('wall time and instants through Intl', () => {
  it.each([
    ['Asia/Shanghai', '2026-03-02T00:00:00Z', 8 * H],
    ['America/New_York', '2026-01-15T12:00:00Z', -5 * H],
    ['America/New_York', '2026-07-15T12:00:00Z', -4 * H],
    ['Asia/Kolkata', '2026-07-15T12:00:00Z', 5.5 * H],
    ['UTC', '2026-07-15T12:00:00Z', 0],
  ])('%s at %s is UTC%d ms', (tz, when, offset) => {
    expect(offsetAt(at(when), tz)).toBe(offset);
  });

  it('reads a wall time that does not exist (spring forward) as the end of the gap, an ambiguous one (fall back) as the earlier instant', () => {
    // New York, 2026-03-08: 02:00 → 03:00. 02:30 does not exist; 03:30 EDT is 07:30Z.
    expect(iso(instantOf(2026, 3, 8, 2 * 60 + 30, 'America/New_York'))).toBe('2026-03-08T07:30:00.000Z');
    expect(iso(instantOf(2026, 3, 8, 3 * 60, 'America/New_York'))).toBe('2026-03-08T07:00:00.000Z');
    // 2026-11-01: 02:00 → 01:00. 01:30 happens twice: 05:30Z (EDT) first.
    expect(iso(instantOf(2026, 11, 1, 90, 'America/New_York'))).toBe('2026-11-01T05:30:00.000Z');
  });

  it('knows the local date of an instant', () => {
    expect(localDate(at('2026-05-01T17:00:00Z'), 'Asia/Shanghai')).toBe('2026-05-02');
    expect(localDate(at('2026-05-01T03:00:00Z'), 'America/Los_Angeles')).toBe('2026-04-30');
  });
});

describe('business time between two instants', () => {
  it('counts only working hours: lunch break, evening and weekend do not count', () => {
    // Friday 2026-05-08 17:00 Shanghai (09:00Z) to Monday 2026-05-11 10:00 (02:00Z): 1 h Friday + 1 h Monday.
    expect(businessMsBetween(shanghai, at('2026-05-08T09:00:00Z'), at('2026-05-11T02:00:00Z'))).toBe(2 * H);
    // 11:30 to 13:30 local on a Tuesday: 30 min before lunch, 30 after.
    expect(businessMsBetween(shanghai, at('2026-05-12T03:30:00Z'), at('2026-05-12T05:30:00Z'))).toBe(H);
    expect(businessMsBetween(shanghai, at('2026-05-12T05:30:00Z'), at('2026-05-12T03:30:00Z'))).toBe(0);
  });

  it('skips holidays and counts a make-up working day (调休) on a Saturday', () => {
    // National Day: Thu 10-01, Fri 10-02 and Mon 10-05 are off; Sat 10-10 is worked.
    expect(businessMsBetween(shanghai, at('2026-09-30T10:00:00Z'), at('2026-10-06T01:00:00Z'))).toBe(0);
    expect(businessMsBetween(shanghai, at('2026-10-09T10:00:00Z'), at('2026-10-10T10:00:00Z'))).toBe(8 * H);
  });

  it('a working day with a clock change is an hour shorter or longer', () => {
    // New York round the clock: the spring-forward day has 23 hours, the fall-back day 25.
    expect(businessMsBetween(newYork, instantOf(2026, 3, 8, 0, 'America/New_York'), instantOf(2026, 3, 9, 0, 'America/New_York'))).toBe(23 * H);
    expect(businessMsBetween(newYork, instantOf(2026, 11, 1, 0, 'America/New_York'), instantOf(2026, 11, 2, 0, 'America/New_York'))).toBe(25 * H);
  });

  it('9 to 5 stays 9 to 5 local across a DST change (the UTC hours move)', () => {
    // Berlin: CET until 2026-03-29 (09:00 = 08:00Z), CEST after (09:00 = 07:00Z).
    expect(businessMsBetween(berlin9to17, at('2026-03-28T00:00:00Z'), at('2026-03-31T00:00:00Z'))).toBe(3 * 8 * H);
    expect(iso(addBusinessMs(berlin9to17, at('2026-03-28T15:00:00Z'), 2 * H))).toBe('2026-03-29T08:00:00.000Z');
  });
});

describe('adding business time', () => {
  it('moves over the lunch break, the evening and the weekend', () => {
    // Tuesday 11:00 local + 2 h = 14:00 local (the lunch hour does not count).
    expect(iso(addBusinessMs(shanghai, at('2026-05-12T03:00:00Z'), 2 * H))).toBe('2026-05-12T06:00:00.000Z');
    // Friday 17:00 local + 4 h = Monday 12:00 local... 1 h Friday, 3 h Monday morning.
    expect(iso(addBusinessMs(shanghai, at('2026-05-08T09:00:00Z'), 4 * H))).toBe('2026-05-11T04:00:00.000Z');
  });

  it('starting outside working hours, counts from the next opening; zero is the next opening', () => {
    // Saturday noon + 30 min = Monday 09:30 local.
    expect(iso(addBusinessMs(shanghai, at('2026-05-09T04:00:00Z'), 30 * M))).toBe('2026-05-11T01:30:00.000Z');
    expect(iso(addBusinessMs(shanghai, at('2026-05-09T04:00:00Z'), 0))).toBe('2026-05-11T01:00:00.000Z');
    expect(iso(addBusinessMs(shanghai, at('2026-05-12T03:00:00Z'), 0))).toBe('2026-05-12T03:00:00.000Z');
  });

  it('lands exactly at the end of a working interval rather than the next morning', () => {
    expect(iso(addBusinessMs(shanghai, at('2026-05-12T09:00:00Z'), H))).toBe('2026-05-12T10:00:00.000Z');
  });

  it('skips a holiday week and uses the make-up Saturday', () => {
    // Wed 09-30 17:00 local + 2 h: 1 h that day, then Thu/Fri/Mon off, Sat 10-03/Sun 10-04 weekend → Tue 10-06 10:00.
    expect(iso(addBusinessMs(shanghai, at('2026-09-30T09:00:00Z'), 2 * H))).toBe('2026-10-06T02:00:00.000Z');
    // Fri 10-09 17:00 local + 2 h → Sat 10-10 (worked) 10:00.
    expect(iso(addBusinessMs(shanghai, at('2026-10-09T09:00:00Z'), 2 * H))).toBe('2026-10-10T02:00:00.000Z');
  });

  it('is the inverse of between', () => {
    const start = at('2026-05-07T06:17:00Z');
    for (const minutes of [1, 59, 60, 300, 481, 2000, 9000]) {
      const due = addBusinessMs(shanghai, start, minutes * M);
      expect(businessMsBetween(shanghai, start, due)).toBe(minutes * M);
    }
  });

  it('refuses a calendar with no working time at all (every working day a holiday)', () => {
    const saturdays = Array.from({ length: 4 * 366 }, (_, i) => new Date(Date.UTC(2026, 4, 1) + i * 86_400_000).toISOString().slice(0, 10)).filter((d) => new Date(`${d}T00:00:00Z`).getUTCDay() === 6);
    const never: BusinessCalendar = { timeZone: 'UTC', workingDays: [6], hours: [{ from: '09:00', to: '10:00' }], holidays: saturdays };
    expect(() => addBusinessMs(never, at('2026-05-01T00:00:00Z'), H)).toThrow(ValidationError);
    expect(iso(addBusinessMs({ ...never, holidays: saturdays.slice(1) }, at('2026-05-01T00:00:00Z'), H))).toBe('2026-05-02T10:00:00.000Z');
  });
});

describe('calendar validation', () => {
  it('accepts a sound calendar and sorts its hours', () => {
    expect(calendarIssues(shanghai)).toEqual([]);
    expect(assertCalendar({ ...shanghai, hours: [shanghai.hours[1]!, shanghai.hours[0]!] }).hours[0]!.from).toBe('09:00');
  });

  it.each([
    ['overlapping hours', { hours: [{ from: '09:00', to: '12:30' }, { from: '12:00', to: '18:00' }] }, 'calendar.hours.1'],
    ['an end before the start', { hours: [{ from: '18:00', to: '09:00' }] }, 'calendar.hours.0.to'],
    ['a time that is not HH:MM', { hours: [{ from: '9am', to: '18:00' }] }, 'calendar.hours.0.from'],
    ['an unknown time zone', { timeZone: 'Mars/Olympus' }, 'calendar.timeZone'],
    ['a weekday out of range', { workingDays: [0, 1] }, 'calendar.workingDays'],
    ['a repeated weekday', { workingDays: [1, 1] }, 'calendar.workingDays'],
    ['no working day', { workingDays: [], extraWorkingDays: [] }, 'calendar.workingDays'],
    ['an impossible holiday', { holidays: ['2026-02-30'] }, 'calendar.holidays.0'],
    ['a repeated holiday', { holidays: ['2026-10-01', '2026-10-01'] }, 'calendar.holidays.1'],
    ['a day both holiday and working day', { extraWorkingDays: ['2026-10-01'] }, 'calendar.extraWorkingDays.0'],
  ])('names %s', (_, patch, field) => {
    const issues = calendarIssues({ ...shanghai, ...patch } as BusinessCalendar);
    expect(issues.map((i) => i.field)).toContain(field);
    expect(() => assertCalendar({ ...shanghai, ...patch } as BusinessCalendar)).toThrow(ValidationError);
  });
});
