import { capVerdict, LEDGER_KEEP_MS, quietHoursEnd, recordSend, zoneOf } from '../../shared/domain/messaging/schedule';
import { DEFAULT_MESSAGING_SETTINGS, settingsIssues } from '../../shared/domain/messaging/settings';
import { isIanaTimeZone } from '../../shared/domain/customer';

/** Quiet hours in the customer's zone (daylight-saving edges included) and the frequency caps. */
const at = (iso: string) => Date.parse(iso);
const end = (now: string, tz: string, start: string, stop: string) => {
  const r = quietHoursEnd(at(now), tz, { enabled: true, start, end: stop });
  return r === undefined ? undefined : new Date(r).toISOString();
};

describe('quiet hours', () => {
  it.each([
    // [now (UTC), zone, start, end, end of quiet hours or undefined]
    ['2026-05-12T14:30:00.000Z', 'Asia/Shanghai', '21:00', '08:00', '2026-05-13T00:00:00.000Z'], // 22:30 local → 08:00 next day
    ['2026-05-12T18:00:00.000Z', 'Asia/Shanghai', '21:00', '08:00', '2026-05-13T00:00:00.000Z'], // 02:00 local → 08:00 same day
    ['2026-05-12T12:59:59.000Z', 'Asia/Shanghai', '21:00', '08:00', undefined], // 20:59:59 local
    ['2026-05-12T13:00:00.000Z', 'Asia/Shanghai', '21:00', '08:00', '2026-05-13T00:00:00.000Z'], // 21:00 sharp is quiet
    ['2026-05-13T00:00:00.000Z', 'Asia/Shanghai', '21:00', '08:00', undefined], // 08:00 sharp is not
    ['2026-05-12T14:30:00.000Z', 'Europe/Berlin', '21:00', '08:00', undefined], // 16:30 in Berlin
    ['2026-05-12T04:30:00.000Z', 'Asia/Shanghai', '12:00', '14:00', '2026-05-12T06:00:00.000Z'], // a window within one day
    ['2026-05-12T06:30:00.000Z', 'Asia/Shanghai', '12:00', '14:00', undefined],
    // Spring forward in Berlin (2026-03-29 02:00 → 03:00): 08:00 is CEST (+2).
    ['2026-03-28T22:00:00.000Z', 'Europe/Berlin', '21:00', '08:00', '2026-03-29T06:00:00.000Z'],
    // An end inside the gap (02:30 does not exist that night) is read past the gap: 03:30 CEST.
    ['2026-03-28T22:00:00.000Z', 'Europe/Berlin', '21:00', '02:30', '2026-03-29T01:30:00.000Z'],
    // Fall back in Berlin (2026-10-25 03:00 CEST → 02:00 CET): 08:00 is CET (+1).
    ['2026-10-24T20:00:00.000Z', 'Europe/Berlin', '21:00', '08:00', '2026-10-25T07:00:00.000Z'],
    // 02:30 happens twice; during the second 02:15 (CET) the end is the second 02:30, not the past one.
    ['2026-10-25T01:15:00.000Z', 'Europe/Berlin', '22:00', '02:30', '2026-10-25T01:30:00.000Z'],
    // During the first 02:15 (CEST) the end is the first 02:30.
    ['2026-10-25T00:15:00.000Z', 'Europe/Berlin', '22:00', '02:30', '2026-10-25T00:30:00.000Z'],
    // New York spring forward (2026-03-08): 21:00 EST on the 7th → 08:00 EDT on the 8th.
    ['2026-03-08T02:00:00.000Z', 'America/New_York', '21:00', '08:00', '2026-03-08T12:00:00.000Z'],
  ])('at %s in %s with %s–%s ends at %s', (now, tz, start, stop, want) => {
    expect(end(now, tz, start, stop)).toBe(want);
  });

  it('disabled quiet hours never hold a message', () => {
    expect(quietHoursEnd(at('2026-05-12T18:00:00Z'), 'Asia/Shanghai', { enabled: false, start: '21:00', end: '08:00' })).toBeUndefined();
  });

  it('falls back to the brand zone for a missing or unknown customer zone', () => {
    expect(zoneOf(undefined, DEFAULT_MESSAGING_SETTINGS, isIanaTimeZone)).toBe('Asia/Shanghai');
    expect(zoneOf('Mars/Base', DEFAULT_MESSAGING_SETTINGS, isIanaTimeZone)).toBe('Asia/Shanghai');
    expect(zoneOf('Europe/Berlin', DEFAULT_MESSAGING_SETTINGS, isIanaTimeZone)).toBe('Europe/Berlin');
  });
});

describe('frequency caps', () => {
  const caps = (perDay: number, perWeek: number, week: 'rolling' | 'calendar' = 'rolling') => ({ perDay, perWeek, week });

  it('counts the local calendar day of the customer', () => {
    // 23:30 and 00:30 in Shanghai are two days; in UTC they would be the same one.
    const sends = [at('2026-05-12T15:30:00Z')];
    expect(capVerdict(sends, at('2026-05-12T16:30:00Z'), 'Asia/Shanghai', caps(1, 0))).toEqual({ ok: true });
    expect(capVerdict(sends, at('2026-05-12T15:45:00Z'), 'Asia/Shanghai', caps(1, 0))).toEqual({ ok: false, window: 'day', limit: 1, count: 1 });
    expect(capVerdict(sends, at('2026-05-12T16:30:00Z'), 'UTC', caps(1, 0))).toEqual({ ok: false, window: 'day', limit: 1, count: 1 });
  });

  it('a rolling week is the last 7 × 24 hours', () => {
    const sends = [at('2026-05-01T10:00:00Z'), at('2026-05-03T10:00:00Z'), at('2026-05-05T10:00:00Z')];
    expect(capVerdict(sends, at('2026-05-07T10:00:00Z'), 'UTC', caps(2, 3))).toMatchObject({ ok: false, window: 'week', count: 3 });
    expect(capVerdict(sends, at('2026-05-08T10:00:01Z'), 'UTC', caps(2, 3))).toEqual({ ok: true });
  });

  it('a calendar week runs Monday to Sunday in the customer zone', () => {
    // 2026-05-10 is a Sunday, 2026-05-11 a Monday.
    const sends = [at('2026-05-10T10:00:00Z'), at('2026-05-10T11:00:00Z')];
    expect(capVerdict(sends, at('2026-05-10T12:00:00Z'), 'UTC', caps(0, 2, 'calendar'))).toMatchObject({ ok: false, window: 'week' });
    expect(capVerdict(sends, at('2026-05-11T00:00:01Z'), 'UTC', caps(0, 2, 'calendar'))).toEqual({ ok: true });
    // Sunday 17:00 UTC is already Monday 01:00 in Shanghai: a new week there.
    expect(capVerdict(sends, at('2026-05-10T17:00:00Z'), 'Asia/Shanghai', caps(0, 2, 'calendar'))).toEqual({ ok: true });
  });

  it('0 means no cap; the ledger keeps only what can still count', () => {
    expect(capVerdict(Array.from({ length: 50 }, (_, i) => at('2026-05-12T00:00:00Z') + i), at('2026-05-12T01:00:00Z'), 'UTC', caps(0, 0))).toEqual({ ok: true });
    const now = at('2026-05-20T00:00:00Z');
    expect(recordSend([now - LEDGER_KEEP_MS - 1, now - 1000], now)).toEqual([now - 1000, now]);
  });
});

describe('settings validation', () => {
  it('names each bad field', () => {
    const { version: _v, ...s } = DEFAULT_MESSAGING_SETTINGS;
    expect(settingsIssues(s)).toEqual([]);
    const bad = { ...s, frequencyCaps: { perDay: 3, perWeek: 2, week: 'rolling' as const }, quietHours: { enabled: true, start: '25:00', end: '08:00' }, defaultTimeZone: 'Nowhere/City', email: { fromName: 'A"B', fromAddress: 'nope' }, webhook: { url: 'http://gateway.example.com', consentChannel: 'wechat' as const } };
    expect(settingsIssues(bad).map((i) => i.field)).toEqual(['frequencyCaps.perWeek', 'quietHours.start', 'defaultTimeZone', 'email.fromAddress', 'email.fromName', 'webhook.url']);
  });
});
