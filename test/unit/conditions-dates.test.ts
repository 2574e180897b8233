import { birthdayMonthDay, civilFromDays, dayKey, daysFromCivil, hasZone, monthStart, nextBirthday, parseDayKey, parseInstant } from '../../shared/domain/conditions/dates';

describe('condition calendar helpers', () => {
  it('day numbers agree with Date.UTC, both ways, across centuries and leap days', () => {
    for (const [y, m, d] of [[1970, 1, 1], [1969, 12, 31], [2000, 2, 29], [2100, 3, 1], [1900, 2, 28], [2026, 3, 10], [1600, 12, 31]] as const) {
      const day = daysFromCivil(y, m, d);
      expect(day * 86_400_000).toBe(Date.UTC(y, m - 1, d));
      expect(civilFromDays(day)).toBe(y * 10_000 + m * 100 + d);
    }
    expect(dayKey(daysFromCivil(2026, 3, 9))).toBe('2026-03-09');
    expect(parseDayKey('2026-03-09')).toBe(daysFromCivil(2026, 3, 9));
    expect(parseDayKey('2026-3-9')).toBeNaN();
  });

  it('parses the ISO forms of instants exactly like Date.parse (zone-less as UTC)', () => {
    for (const s of ['2026-03-10', '2026-03-10T10:00Z', '2026-03-10T10:00:05Z', '2026-03-10T10:00:05.1Z', '2026-03-10T10:00:05.123456Z', '2026-03-10T10:00:05+08:00', '2026-03-10T10:00:05-0530', '2024-02-29T23:59:59.999Z']) {
      expect([s, parseInstant(s)]).toEqual([s, Date.parse(s)]);
    }
    expect(parseInstant('2026-03-10T10:00:05')).toBe(Date.parse('2026-03-10T10:00:05Z'));
    for (const bad of ['', '2026-02-29', '2026-13-01', '2026-03-10T24:00Z', '2026-03-10T10:60Z', '2026-03-10T10:00:05.Z', '2026-03-10T10:00+8', '2026-03-10X', '10/03/2026']) expect([bad, parseInstant(bad)]).toEqual([bad, NaN]);
    expect(hasZone('2026-03-10')).toBe(true);
    expect(hasZone('2026-03-10T10:00:05Z')).toBe(true);
    expect(hasZone('2026-03-10T10:00:05-0530')).toBe(true);
    expect(hasZone('2026-03-10T10:00:05')).toBe(false);
  });

  it('reads birthdays with or without a year and finds the next one', () => {
    expect(birthdayMonthDay('1990-02-28')).toBe(228);
    expect(birthdayMonthDay('--02-29')).toBe(229);
    expect(birthdayMonthDay('--02-30')).toBe(-1);
    expect(birthdayMonthDay('1991-02-29')).toBe(-1);
    expect(birthdayMonthDay('02-29')).toBe(-1);
    expect(birthdayMonthDay(undefined)).toBe(-1);
    const day = (s: string) => daysFromCivil(Number(s.slice(0, 4)), Number(s.slice(5, 7)), Number(s.slice(8)));
    expect(dayKey(nextBirthday(day('2027-02-28'), 229))).toBe('2027-02-28');
    expect(dayKey(nextBirthday(day('2027-03-01'), 229))).toBe('2028-02-29');
    expect(dayKey(nextBirthday(day('2026-12-31'), 101))).toBe('2027-01-01');
    expect(new Date(monthStart(2026, 13)).toISOString()).toBe('2027-01-01T00:00:00.000Z');
  });
});
