import { IngestError } from './ingest';

/**
 * Money in minor units (cents, yen, fils) of an ISO 4217 currency, converted from the decimal
 * strings platforms send with string arithmetic only: "59.45" AUD is 5945, never 5944.999…
 * Pure: no I/O.
 */

/** ISO 4217 list one (active codes with a minor unit), grouped by exponent. */
const ACTIVE: Record<number, string> = {
  0: 'BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF',
  2:
    'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BOV BRL BSD BTN BWP BYN BZD ' +
    'CAD CDF CHE CHF CHW CNY COP COU CRC CUP CVE CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS ' +
    'GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS KHR KPW KYD KZT LAK LBP LKR LRD LSL ' +
    'MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN PGK ' +
    'PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS ' +
    'TMT TOP TRY TTD TWD TZS UAH USD USN UYU UZS VED VES WST XCD XCG YER ZAR ZMW ZWG',
  3: 'BHD IQD JOD KWD LYD OMR TND',
  4: 'CLF UYW',
};

/**
 * Codes withdrawn from list one in recent years that still appear on old orders a platform
 * re-sends (an `orders/updated` for a 2022 Croatian order is in HRK).
 */
const WITHDRAWN: Record<number, string> = {
  0: 'BYR',
  2: 'CUC HRK LTL LVL MRO SLL STD VEF ZWL',
};

function table(groups: Record<number, string>): Map<string, number> {
  const m = new Map<string, number>();
  for (const [exp, codes] of Object.entries(groups)) for (const c of codes.split(' ')) m.set(c, Number(exp));
  return m;
}

/** Code → exponent (digits after the decimal point). */
export const CURRENCY_EXPONENTS: ReadonlyMap<string, number> = new Map([...table(WITHDRAWN), ...table(ACTIVE)]);
export const ACTIVE_CURRENCIES: ReadonlySet<string> = new Set(table(ACTIVE).keys());

/** The exponent of an ISO 4217 code (upper case, as platforms send it), or undefined when unknown. */
export function currencyExponent(code: string): number | undefined {
  return CURRENCY_EXPONENTS.get(code);
}

export function isCurrency(code: string): boolean {
  return CURRENCY_EXPONENTS.has(code);
}

export interface ToMinorOptions {
  /** Refunds and adjustments may be negative; amounts are not by default. */
  allowNegative?: boolean;
  /** The name of the currency field, for the error when the code is unknown. */
  currencyField?: string;
}

const PLAIN = /^(-)?(\d+)(?:\.(\d+))?$/;
/** What `String(n)` gives for a finite number: plain or exponent notation. */
const NUMERIC = /^(-)?(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/;

/**
 * A decimal amount in major units → an integer count of minor units. Strings must be plain
 * decimals (`"59.45"`, `"-3.10"`, `"1200"`); trailing zeros beyond the currency's exponent are
 * fine (`"1000.00"` JPY is 1000), other extra digits are refused rather than rounded.
 * Throws IngestError naming `field`.
 */
export function toMinor(amount: string | number, currency: string, field = 'amount', opts: ToMinorOptions = {}): number {
  const exp = currencyExponent(currency);
  if (exp === undefined) throw new IngestError(`${JSON.stringify(currency)} is not an ISO 4217 currency code`, opts.currencyField ?? 'currency');
  let m: RegExpExecArray | null;
  if (typeof amount === 'number') {
    if (!Number.isFinite(amount)) throw new IngestError('must be a finite number', field);
    m = NUMERIC.exec(String(amount));
  } else if (typeof amount === 'string') {
    m = PLAIN.exec(amount.trim());
  } else {
    throw new IngestError('must be a decimal string or a number', field);
  }
  if (!m) throw new IngestError(`must be a decimal amount such as "12.34", got ${JSON.stringify(String(amount).slice(0, 40))}`, field);
  const [, sign, int = '', frac = '', e = '0'] = m;
  // Move the decimal point: digits of int+frac, point after (int length + exponent + currency exponent).
  const digits = int + frac;
  const point = int.length + Number(e) + exp;
  const whole = point <= 0 ? '0' : point >= digits.length ? digits + '0'.repeat(point - digits.length) : digits.slice(0, point);
  const rest = point <= 0 ? digits : point >= digits.length ? '' : digits.slice(point);
  if (/[^0]/.test(rest)) throw new IngestError(`has more decimals than ${currency} allows (${exp})`, field);
  const value = Number(whole);
  if (!Number.isSafeInteger(value)) throw new IngestError('is too large', field);
  if (sign && value !== 0 && !opts.allowNegative) throw new IngestError('must not be negative', field);
  return sign && value !== 0 ? -value : value;
}

/** Minor units → the decimal string in major units (`5945`, AUD → `"59.45"`). */
export function formatMinor(minor: number, currency: string): string {
  const exp = currencyExponent(currency);
  if (exp === undefined) throw new IngestError(`${JSON.stringify(currency)} is not an ISO 4217 currency code`, 'currency');
  if (!Number.isSafeInteger(minor)) throw new IngestError('must be an integer number of minor units', 'amount');
  const digits = String(Math.abs(minor)).padStart(exp + 1, '0');
  const body = exp === 0 ? digits : `${digits.slice(0, -exp)}.${digits.slice(-exp)}`;
  return minor < 0 ? `-${body}` : body;
}
