import { IngestError } from '../../shared/domain/ingest';
import { ACTIVE_CURRENCIES, CURRENCY_EXPONENTS, currencyExponent, formatMinor, toMinor } from '../../shared/domain/money';

const err = (f: () => unknown): { reason: string; field?: string } => {
  try {
    f();
  } catch (e) {
    if (e instanceof IngestError) return { reason: e.reason, field: e.field };
    throw e;
  }
  throw new Error('did not throw');
};

describe('currency table', () => {
  it.each([
    ['JPY', 0], ['KRW', 0], ['VND', 0], ['CLP', 0], ['ISK', 0], ['XOF', 0],
    ['BHD', 3], ['KWD', 3], ['JOD', 3], ['OMR', 3], ['TND', 3], ['LYD', 3], ['IQD', 3],
    ['USD', 2], ['EUR', 2], ['CNY', 2], ['AUD', 2], ['HUF', 2], ['IDR', 2], ['CLF', 4], ['UYW', 4],
  ])('%s has %i decimals', (code, exp) => {
    expect(currencyExponent(code)).toBe(exp);
  });

  it('holds the active ISO 4217 codes, upper case, and nothing without a minor unit', () => {
    expect(ACTIVE_CURRENCIES.size).toBeGreaterThanOrEqual(155);
    for (const c of CURRENCY_EXPONENTS.keys()) expect(c).toMatch(/^[A-Z]{3}$/);
    for (const c of ['XAU', 'XDR', 'XXX', 'usd', 'ABC', '']) expect(currencyExponent(c)).toBeUndefined();
    // Withdrawn codes are still read (old orders), but are not active.
    expect(currencyExponent('HRK')).toBe(2);
    expect(ACTIVE_CURRENCIES.has('HRK')).toBe(false);
  });
});

describe('toMinor', () => {
  it.each<[string | number, string, number]>([
    ['59.45', 'AUD', 5945],
    ['44.95', 'AUD', 4495],
    ['0.00', 'USD', 0],
    ['10', 'USD', 1000],
    ['10.5', 'USD', 1050],
    ['0.1', 'USD', 10],
    ['0.3', 'USD', 30], // 0.1 + 0.2 in floats is 0.30000000000000004; strings never meet floats
    ['1.005', 'BHD', 1005],
    ['1000', 'JPY', 1000],
    ['1000.00', 'JPY', 1000], // trailing zeros beyond the exponent are fine
    ['19.990', 'USD', 1999],
    [' 12.34 ', 'USD', 1234],
    ['90071992547409.91', 'USD', 9007199254740991],
    ['1.2345', 'CLF', 12345],
    [59.45, 'AUD', 5945],
    [0.07, 'USD', 7], // 0.07 * 100 is 7.000000000000001 in floats
    [1.1, 'KWD', 1100],
    [12, 'JPY', 12],
    [1e3, 'USD', 100000],
  ])('%p %s → %i', (amount, currency, minor) => {
    expect(toMinor(amount, currency)).toBe(minor);
  });

  it('reads negative amounts only when allowed', () => {
    expect(toMinor('-10.00', 'USD', 'total', { allowNegative: true })).toBe(-1000);
    expect(toMinor(-0.5, 'USD', 'total', { allowNegative: true })).toBe(-50);
    expect(Object.is(toMinor('-0.00', 'USD'), 0)).toBe(true);
    expect(err(() => toMinor('-10.00', 'USD', 'total'))).toEqual({ reason: 'must not be negative', field: 'total' });
  });

  it.each<[string | number, string, string]>([
    ['59.455', 'AUD', 'has more decimals than AUD allows (2)'],
    ['1.5', 'JPY', 'has more decimals than JPY allows (0)'],
    ['1.0001', 'BHD', 'has more decimals than BHD allows (3)'],
    [0.001, 'USD', 'has more decimals than USD allows (2)'],
    [1e-7, 'USD', 'has more decimals than USD allows (2)'],
    ['abc', 'USD', 'must be a decimal amount such as "12.34", got "abc"'],
    ['', 'USD', 'must be a decimal amount such as "12.34", got ""'],
    ['1,234.56', 'USD', 'must be a decimal amount such as "12.34", got "1,234.56"'],
    ['1e3', 'USD', 'must be a decimal amount such as "12.34", got "1e3"'],
    ['.5', 'USD', 'must be a decimal amount such as "12.34", got ".5"'],
    ['5.', 'USD', 'must be a decimal amount such as "12.34", got "5."'],
    ['+5', 'USD', 'must be a decimal amount such as "12.34", got "+5"'],
    ['0x10', 'USD', 'must be a decimal amount such as "12.34", got "0x10"'],
    ['NaN', 'USD', 'must be a decimal amount such as "12.34", got "NaN"'],
    ['Infinity', 'USD', 'must be a decimal amount such as "12.34", got "Infinity"'],
    [Number.NaN, 'USD', 'must be a finite number'],
    [Number.POSITIVE_INFINITY, 'USD', 'must be a finite number'],
    ['90071992547409.92', 'USD', 'is too large'],
    [1e21, 'USD', 'is too large'],
  ])('refuses %p %s', (amount, currency, reason) => {
    expect(err(() => toMinor(amount, currency, 'total_price'))).toEqual({ reason, field: 'total_price' });
  });

  it('refuses unknown currencies, naming the currency field', () => {
    expect(err(() => toMinor('1.00', 'XYZ', 'total'))).toEqual({ reason: '"XYZ" is not an ISO 4217 currency code', field: 'currency' });
    expect(err(() => toMinor('1.00', 'usd', 'total', { currencyField: 'data.currency' }))).toEqual({ reason: '"usd" is not an ISO 4217 currency code', field: 'data.currency' });
  });

  it('refuses values that are neither strings nor numbers', () => {
    expect(err(() => toMinor(null as unknown as string, 'USD', 'x'))).toEqual({ reason: 'must be a decimal string or a number', field: 'x' });
  });
});

describe('formatMinor', () => {
  it.each([
    [5945, 'AUD', '59.45'],
    [5, 'USD', '0.05'],
    [-1050, 'USD', '-10.50'],
    [1000, 'JPY', '1000'],
    [1005, 'BHD', '1.005'],
    [0, 'KWD', '0.000'],
  ])('%i %s → %s and back', (minor, currency, text) => {
    expect(formatMinor(minor, currency)).toBe(text);
    expect(toMinor(text, currency, 'x', { allowNegative: true })).toBe(minor);
  });
});
