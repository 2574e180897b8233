import { assertDeletable, assertEditable, assertTransition, campaignIssues, CampaignRuleViolation, type Campaign } from '../../shared/domain/campaigns/campaign';
import { codeIssues, generateCodes, prefixIssues } from '../../shared/domain/campaigns/coupons';
import { advance } from '../../shared/domain/campaigns/recipient';
import { fixedShare, messageCost, ratesOf, resultRow, roi, zeroCounters } from '../../shared/domain/campaigns/results';

const base = (): Parameters<typeof campaignIssues>[0] => ({
  name: 'Spring sale',
  audience: { segmentIds: ['S1'], excludeSegmentIds: [] },
  variants: [{ id: 'A', splitPercent: 100, channel: 'email', templateId: 'T1' }],
  schedule: { kind: 'now' },
  sendRatePerSecond: 100,
  attributionWindowDays: 5,
  cost: { currency: 'USD', fixedMinor: 0, perMessageMinor: {} },
});
const fieldsOf = (c: Parameters<typeof campaignIssues>[0]) => campaignIssues(c).map((i) => i.field);

describe('campaign definition rules', () => {
  test('a plain campaign is valid', () => {
    expect(campaignIssues(base())).toEqual([]);
  });
  test('no audience is refused with the reason', () => {
    const issues = campaignIssues({ ...base(), audience: { segmentIds: [], excludeSegmentIds: [] } });
    expect(issues).toEqual([{ field: 'audience.segmentIds', message: expect.stringMatching(/needs an audience/) }]);
  });
  test('an excluded segment that is also included', () => {
    expect(fieldsOf({ ...base(), audience: { segmentIds: ['S1'], excludeSegmentIds: ['S1'] } })).toEqual(['audience.excludeSegmentIds[0]']);
  });
  test('variants: ids, repeats, and splits adding up to 100', () => {
    const c = { ...base(), variants: [{ id: 'A', splitPercent: 60, channel: 'email' as const, templateId: 'T' }, { id: 'A', splitPercent: 30, channel: 'sms' as const, templateId: 'T' }, { id: 'b', splitPercent: 0, channel: 'sms' as const, templateId: 'T' }] };
    expect(fieldsOf(c)).toEqual(['variants[1].id', 'variants[2].id', 'variants[2].splitPercent', 'variants']);
  });
  test('an A/B test needs two variants, a share below 100 and a default variant for that fallback', () => {
    const c = { ...base(), abTest: { testSharePercent: 100, metric: 'open-rate' as const, windowMinutes: 60, confidence: 0.95, fallback: 'default-variant' as const, defaultVariant: 'Z' } };
    expect(fieldsOf(c)).toEqual(['abTest', 'abTest.testSharePercent', 'abTest.defaultVariant']);
  });
  test('no A/B test and no send-time variant with a local-time schedule', () => {
    const c = {
      ...base(),
      schedule: { kind: 'local' as const, date: '2026-02-30', time: '25:00' },
      variants: [{ id: 'A', splitPercent: 50, channel: 'email' as const, templateId: 'T' }, { id: 'B', splitPercent: 50, channel: 'email' as const, templateId: 'T', sendDelayMinutes: 30 }],
      abTest: { testSharePercent: 20, metric: 'click-rate' as const, windowMinutes: 60, confidence: 0.95, fallback: 'best-estimate' as const },
    };
    expect(fieldsOf(c)).toEqual(['variants[1].sendDelayMinutes', 'abTest', 'schedule.date', 'schedule.time']);
  });
  test('rate, window, cost', () => {
    const c = { ...base(), sendRatePerSecond: 0, attributionWindowDays: 91, cost: { currency: 'usd', fixedMinor: -1, perMessageMinor: { fax: 3, sms: 1.5 } as never } };
    expect(fieldsOf(c)).toEqual(['sendRatePerSecond', 'attributionWindowDays', 'cost.currency', 'cost.fixedMinor', 'cost.perMessageMinor.fax', 'cost.perMessageMinor.sms']);
  });
});

describe('lifecycle rules', () => {
  const c = (status: Campaign['status']) => ({ id: 'C1', status });
  test('edits only in draft or scheduled, naming the rule', () => {
    expect(() => assertEditable(c('draft'))).not.toThrow();
    expect(() => assertEditable(c('scheduled'))).not.toThrow();
    for (const s of ['running', 'paused', 'completed', 'cancelled'] as const) {
      try {
        assertEditable(c(s));
        throw new Error('not refused');
      } catch (e) {
        expect(e).toBeInstanceOf(CampaignRuleViolation);
        expect((e as CampaignRuleViolation).status).toBe(409);
        expect((e as CampaignRuleViolation).extra).toMatchObject({ rule: 'edit-only-draft-or-scheduled', status: s });
      }
    }
  });
  test('delete only a draft', () => {
    expect(() => assertDeletable(c('draft'))).not.toThrow();
    expect(() => assertDeletable(c('scheduled'))).toThrow(/only a draft can be deleted/);
  });
  test.each([
    ['schedule', 'draft', true],
    ['schedule', 'scheduled', false],
    ['pause', 'running', true],
    ['pause', 'paused', false],
    ['resume', 'paused', true],
    ['resume', 'running', false],
    ['cancel', 'scheduled', true],
    ['cancel', 'running', true],
    ['cancel', 'paused', true],
    ['cancel', 'completed', false],
    ['cancel', 'draft', false],
  ] as const)('%s from %s: %p', (action, status, ok) => {
    if (ok) expect(() => assertTransition(c(status), action)).not.toThrow();
    else expect(() => assertTransition(c(status), action)).toThrow(CampaignRuleViolation);
  });
});

describe('recipient states only move forward', () => {
  test.each([
    ['queued', 'sent', 'sent'],
    ['queued', 'scheduled', 'scheduled'],
    ['scheduled', 'sent', 'sent'],
    ['sent', 'delivered', 'delivered'],
    ['delivered', 'opened', 'opened'],
    ['opened', 'delivered', undefined],
    ['clicked', 'opened', undefined],
    ['clicked', 'converted', 'converted'],
    ['converted', 'unsubscribed', 'unsubscribed'],
    ['unsubscribed', 'converted', undefined],
    ['delivered', 'bounced', 'bounced'],
    ['clicked', 'bounced', undefined],
    ['skipped', 'opened', undefined],
    ['failed', 'sent', 'sent'],
    ['sent', 'skipped', undefined],
    ['sent', 'sent', undefined],
  ] as const)('%s + %s → %p', (from, to, out) => {
    expect(advance(from, to)).toBe(out);
  });
});

describe('results: rates, cost and ROI', () => {
  test('ROI = (revenue − cost) / cost, null without cost', () => {
    expect(roi(50_000, 10_000)).toBe(4);
    expect(roi(5_000, 10_000)).toBe(-0.5);
    expect(roi(5_000, 0)).toBeNull();
  });
  test('cost per channel and the fixed cost shared by messages sent', () => {
    const cost = { currency: 'USD', fixedMinor: 10_000, perMessageMinor: { email: 1, sms: 5 } };
    expect(messageCost(cost, 'sms', 300)).toBe(1500);
    expect(messageCost(cost, 'webhook', 300)).toBe(0);
    expect(fixedShare(cost, 250, 1000)).toBe(2500);
    expect(fixedShare(cost, 0, 0, true)).toBe(10_000);
  });
  test('a row: rates per message sent, revenue in the cost currency', () => {
    const c = { ...zeroCounters(), recipients: 1000, sent: 800, delivered: 780, opened: 400, clicked: 100, converted: 20, unsubscribed: 4, revenueMinor: { USD: 120_000, EUR: 9_999 } };
    const row = resultRow(c, 20_000, 'USD');
    expect(row.rates).toEqual({ delivery: 0.975, open: 0.5, click: 0.125, clickToOpen: 0.25, conversion: 0.025, unsubscribe: 0.005 });
    expect(row).toMatchObject({ revenue: 120_000, costMinor: 20_000, roi: 5, revenuePerRecipient: 150 });
    expect(ratesOf(zeroCounters()).open).toBeNull();
  });
});

describe('coupon codes', () => {
  test('bad and repeated codes named by index', () => {
    expect(codeIssues(['SPRING-001', 'x', 'SPRING-001', 'has space'])).toEqual([
      { field: 'codes[1]', message: expect.any(String) },
      { field: 'codes[2]', message: 'repeats codes[0]' },
      { field: 'codes[3]', message: expect.any(String) },
    ]);
    expect(codeIssues([]).map((i) => i.field)).toEqual(['codes']);
  });
  test('generated codes: the prefix, 10 unambiguous characters, all distinct', () => {
    let n = 1;
    // xorshift32: a deterministic stand-in for crypto.randomBytes
    const next = () => {
      n ^= n << 13;
      n ^= n >>> 17;
      n ^= n << 5;
      return (n >>> 0) & 0xff;
    };
    const bytes = (k: number) => Uint8Array.from({ length: k }, next);
    const codes = generateCodes('SPRING-', 500, bytes);
    expect(new Set(codes).size).toBe(500);
    for (const c of codes) expect(c).toMatch(/^SPRING-[0-9A-HJKMNP-TV-Z]{10}$/);
    expect(prefixIssues('bad prefix', 0).map((i) => i.field)).toEqual(['generate.prefix', 'generate.count']);
    expect(() => generateCodes('X', 2, (k) => new Uint8Array(k))).toThrow(/keeps repeating/);
  });
});
