import { ValidationError } from '../../shared/domain/errors';
import { assertQuoteTransition, assertValidity, canRevise, computeLine, priceQuote, quoteNumber } from '../../shared/domain/sales/quote';

/** Quote totals in integer minor units: discount then tax on the net, each rounded half away from zero. */
describe('quote lines and totals', () => {
  it.each([
    // quantity, unit, discount %, tax %, → subtotal, discount, net, tax, total
    [3, 10_000, 0, 0, 30_000, 0, 30_000, 0, 30_000],
    [3, 10_000, 10, 13, 30_000, 3_000, 27_000, 3_510, 30_510],
    [1, 999, 12.5, 0, 999, 125, 874, 0, 874], // 124.875 → 125
    [1, 1_001, 0, 6, 1_001, 0, 1_001, 60, 1_061], // 60.06 → 60
    [7, 333, 33.33, 9, 2_331, 777, 1_554, 140, 1_694], // 776.9223 → 777; 139.86 → 140
    [2, 50, 100, 13, 100, 100, 0, 0, 0],
  ])('%i × %i, −%d%%, +%d%% tax', (quantity, unitPriceMinor, discountPercent, taxRatePercent, subtotal, discount, net, tax, total) => {
    expect(computeLine({ name: 'x', quantity, unitPriceMinor, discountPercent, taxRatePercent })).toMatchObject({ subtotalMinor: subtotal, discountMinor: discount, netMinor: net, taxMinor: tax, totalMinor: total });
  });

  it('is exact for amounts beyond 2^53 before the division (BigInt)', () => {
    const l = computeLine({ name: 'bulk', quantity: 1_000_000, unitPriceMinor: 1_000_000_000, discountPercent: 33.33, taxRatePercent: 13 });
    expect(l.subtotalMinor).toBe(1e15);
    expect(l.discountMinor).toBe(333_300_000_000_000);
    expect(l.netMinor + l.discountMinor).toBe(l.subtotalMinor);
    expect(l.totalMinor).toBe(l.netMinor + l.taxMinor);
  });

  it('sums the lines and accepts the totals a client sends when they add up', () => {
    const lines = [
      { name: 'Kettle', quantity: 10, unitPriceMinor: 19_900, discountPercent: 5, taxRatePercent: 13, totalMinor: 213_627 },
      { name: 'Filter', quantity: 20, unitPriceMinor: 1_500, taxRatePercent: 13 },
    ];
    const q = priceQuote(lines, { subtotalMinor: 229_000, totalMinor: 247_527 });
    expect(q.totals).toEqual({ subtotalMinor: 229_000, discountMinor: 9_950, netMinor: 219_050, taxMinor: 28_477, totalMinor: 247_527 });
    expect(q.lines.map((l) => l.totalMinor)).toEqual([213_627, 33_900]);
  });

  it('refuses totals that do not add up, naming each line and total that is off', () => {
    const lines = [
      { name: 'A', quantity: 2, unitPriceMinor: 1_000, taxRatePercent: 13, totalMinor: 2_260 },
      { name: 'B', quantity: 1, unitPriceMinor: 500, taxRatePercent: 13, totalMinor: 560 },
    ];
    try {
      priceQuote(lines, { totalMinor: 2_800 });
      throw new Error('expected a refusal');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues.map((i) => i.field)).toEqual(['lines.1.totalMinor', 'totals.totalMinor']);
      expect((e as ValidationError).issues[0]!.message).toContain('565');
    }
  });

  it('refuses bad lines: no lines, fractional quantities, negative prices, percentages with three decimals or over 100', () => {
    const fields = (lines: Parameters<typeof priceQuote>[0]) => {
      try {
        priceQuote(lines);
        return [];
      } catch (e) {
        return (e as ValidationError).issues.map((i) => i.field);
      }
    };
    expect(fields([])).toEqual(['lines']);
    expect(fields([{ name: 'a', quantity: 1.5, unitPriceMinor: 1 }])).toEqual(['lines.0.quantity']);
    expect(fields([{ name: 'a', quantity: 1, unitPriceMinor: -1 }])).toEqual(['lines.0.unitPriceMinor']);
    expect(fields([{ name: 'a', quantity: 1, unitPriceMinor: 1, discountPercent: 10.125 }])).toEqual(['lines.0.discountPercent']);
    expect(fields([{ name: 'a', quantity: 1, unitPriceMinor: 1, taxRatePercent: 101 }])).toEqual(['lines.0.taxRatePercent']);
  });
});

describe('quote validity and status', () => {
  it('refuses a validity date before the quote date', () => {
    expect(() => assertValidity('2026-05-10', '2026-05-09')).toThrow(/validUntil|before/);
    expect(() => assertValidity('2026-05-10', '2026-05-10')).not.toThrow();
  });

  it('moves draft → sent → accepted | rejected | expired; superseded only from sent, rejected or expired', () => {
    const q = (status: Parameters<typeof assertQuoteTransition>[0]['status']) => ({ id: 'q', status, validUntil: '2026-06-01' });
    expect(() => assertQuoteTransition(q('draft'), 'sent')).not.toThrow();
    expect(() => assertQuoteTransition(q('draft'), 'accepted')).toThrow(expect.objectContaining({ extra: expect.objectContaining({ rule: 'quote-status' }) }));
    expect(() => assertQuoteTransition(q('sent'), 'accepted', '2026-06-01')).not.toThrow();
    expect(() => assertQuoteTransition(q('sent'), 'accepted', '2026-06-02')).toThrow(expect.objectContaining({ extra: expect.objectContaining({ rule: 'quote-expired' }) }));
    expect(() => assertQuoteTransition(q('accepted'), 'rejected')).toThrow(expect.objectContaining({ extra: expect.objectContaining({ rule: 'quote-status' }) }));
    expect(() => assertQuoteTransition(q('superseded'), 'sent')).toThrow(expect.objectContaining({ extra: expect.objectContaining({ rule: 'quote-superseded' }) }));
    expect([canRevise({ status: 'draft' }), canRevise({ status: 'sent' }), canRevise({ status: 'rejected' }), canRevise({ status: 'expired' }), canRevise({ status: 'accepted' })]).toEqual([false, true, true, true, false]);
    expect(quoteNumber(42)).toBe('Q-000042');
  });
});
