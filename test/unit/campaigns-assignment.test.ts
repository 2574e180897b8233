import { assign, MAIN_WAVE, pickVariant, plannedWaves, unitHash, waveOf, waveSendAt } from '../../shared/domain/campaigns/assignment';
import { localFanoutStart, localSendAt, zoneOf } from '../../shared/domain/campaigns/local-time';

const ids = Array.from({ length: 20_000 }, (_, i) => `01J${String(i).padStart(23, '0')}`);

/** |observed − expected| within 4 standard deviations of a binomial count. */
function within4Sigma(observed: number, n: number, p: number) {
  const sd = Math.sqrt(n * p * (1 - p));
  expect(Math.abs(observed - n * p)).toBeLessThan(4 * sd);
}

describe('variant assignment', () => {
  test('the hash is uniform: each tenth of [0, 1) gets a tenth of 20,000 customers', () => {
    const buckets = new Array(10).fill(0);
    for (const id of ids) buckets[Math.floor(unitHash('CMP1', id) * 10)]++;
    for (const b of buckets) within4Sigma(b, ids.length, 0.1);
  });

  test('a 50/30/20 split lands within 4σ of its percentages, and is deterministic', () => {
    const c = { id: 'CMP2', variants: [{ id: 'A', splitPercent: 50 }, { id: 'B', splitPercent: 30 }, { id: 'C', splitPercent: 20 }] };
    const counts: Record<string, number> = { A: 0, B: 0, C: 0 };
    for (const id of ids) {
      const v = assign(c, id).variant!;
      counts[v] = (counts[v] ?? 0) + 1;
    }
    within4Sigma(counts.A!, ids.length, 0.5);
    within4Sigma(counts.B!, ids.length, 0.3);
    within4Sigma(counts.C!, ids.length, 0.2);
    expect(ids.slice(0, 50).map((id) => assign(c, id))).toEqual(ids.slice(0, 50).map((id) => assign(c, id)));
  });

  test('an A/B test: 20 % in the test split 50/50, the rest in the remainder with no variant', () => {
    const c = { id: 'CMP3', variants: [{ id: 'A', splitPercent: 50 }, { id: 'B', splitPercent: 50 }], abTest: { testSharePercent: 20 } };
    let a = 0;
    let b = 0;
    let rest = 0;
    for (const id of ids) {
      const x = assign(c, id);
      if (x.group === 'remainder') {
        expect(x.variant).toBeUndefined();
        rest++;
      } else if (x.variant === 'A') a++;
      else b++;
    }
    within4Sigma(rest, ids.length, 0.8);
    within4Sigma(a, ids.length, 0.1);
    within4Sigma(b, ids.length, 0.1);
  });

  test('another campaign splits the same customers independently', () => {
    const x = { id: 'CMPX', variants: [{ id: 'A', splitPercent: 50 }, { id: 'B', splitPercent: 50 }] };
    const y = { ...x, id: 'CMPY' };
    const same = ids.filter((id) => assign(x, id).variant === assign(y, id).variant).length;
    within4Sigma(same, ids.length, 0.5);
  });

  test('the cumulative split edges', () => {
    const v = [{ id: 'A', splitPercent: 25 }, { id: 'B', splitPercent: 75 }];
    expect(pickVariant(v, 0)).toBe('A');
    expect(pickVariant(v, 0.2499)).toBe('A');
    expect(pickVariant(v, 0.25)).toBe('B');
    expect(pickVariant(v, 0.999999)).toBe('B');
  });
});

describe('waves', () => {
  const plain = { variants: [{ id: 'A', splitPercent: 50, channel: 'email' as const, templateId: 't' }, { id: 'B', splitPercent: 50, channel: 'email' as const, templateId: 't', sendDelayMinutes: 120 }], schedule: { kind: 'now' as const } };
  test('a plain campaign: the main wave and a send-time variant two hours later', () => {
    expect(waveOf(plain, { group: 'all', variant: 'A' })).toBe(MAIN_WAVE);
    expect(waveOf(plain, { group: 'all', variant: 'B' })).toBe('d120');
    expect(plannedWaves(plain).sort()).toEqual(['d120', 'main']);
    expect(waveSendAt('d120', 1_000_000)).toBe(1_000_000 + 7_200_000);
  });
  test('an A/B test: test waves per send delay, the remainder is the main wave', () => {
    const ab = { ...plain, abTest: { testSharePercent: 20, metric: 'open-rate' as const, windowMinutes: 60, confidence: 0.95, fallback: 'best-estimate' as const } };
    expect(waveOf(ab, { group: 'test', variant: 'A' })).toBe('t0');
    expect(waveOf(ab, { group: 'test', variant: 'B' })).toBe('t120');
    expect(waveOf(ab, { group: 'remainder' })).toBe(MAIN_WAVE);
    expect(plannedWaves(ab).sort()).toEqual(['main', 't0', 't120']);
  });
  test('local time: one wave per instant', () => {
    const local = { ...plain, schedule: { kind: 'local' as const, date: '2026-03-10', time: '10:00' } };
    const at = localSendAt('2026-03-10', '10:00', 'Asia/Shanghai');
    expect(new Date(at).toISOString()).toBe('2026-03-10T02:00:00.000Z');
    expect(waveOf(local, { group: 'all', variant: 'A' }, at)).toBe(`l${at / 60_000}`);
    expect(waveSendAt(`l${at / 60_000}`, 0)).toBe(at);
    expect(() => waveOf(local, { group: 'all', variant: 'A' })).toThrow(/local send instant/);
  });
});

describe('local-time sends', () => {
  test('10:00 in New York across the DST change, and in a DST gap', () => {
    expect(new Date(localSendAt('2026-03-07', '10:00', 'America/New_York')).toISOString()).toBe('2026-03-07T15:00:00.000Z');
    expect(new Date(localSendAt('2026-03-09', '10:00', 'America/New_York')).toISOString()).toBe('2026-03-09T14:00:00.000Z');
    // 02:30 does not exist on 2026-03-08: the end of the gap, 03:30 EDT.
    expect(new Date(localSendAt('2026-03-08', '02:30', 'America/New_York')).toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });
  test('the customer zone when valid, else the brand default', () => {
    expect(zoneOf('Europe/Paris', 'Asia/Shanghai')).toBe('Europe/Paris');
    expect(zoneOf('Mars/Olympus', 'Asia/Shanghai')).toBe('Asia/Shanghai');
    expect(zoneOf(undefined, 'Asia/Shanghai')).toBe('Asia/Shanghai');
  });
  test('the fan-out starts an hour before UTC+14 reaches the time, or now', () => {
    const start = localFanoutStart('2026-03-10', '10:00', 0);
    expect(new Date(start).toISOString()).toBe('2026-03-09T19:00:00.000Z');
    expect(localFanoutStart('2026-03-10', '10:00', Date.parse('2026-03-10T00:00:00Z'))).toBe(Date.parse('2026-03-10T00:00:00Z'));
  });
});
