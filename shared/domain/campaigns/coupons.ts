import type { FieldIssue } from '../errors';

/**
 * Coupon pools (优惠券): a named pool of unique codes, uploaded (bounded per request) or generated
 * with a prefix; a campaign that names a pool gives each recipient exactly one code, claimed with
 * a conditional write keyed by the recipient. Pure: code rules and generation.
 */
export interface CouponPool {
  id: string;
  name: string;
  description?: string;
  createdAt: string;
  updatedAt: string;
  createdBy: string;
}

export const COUPON_LIMITS = { uploadCodes: 1000, generateCodes: 10_000, codeLength: 64, prefixLength: 16, name: 200 } as const;
export const CODE = /^[A-Za-z0-9][A-Za-z0-9_-]{3,63}$/;
const PREFIX = /^[A-Z0-9][A-Z0-9-]{0,15}$/;

/** Crockford's base 32 without I, L, O, U: no code that reads two ways. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const GENERATED_RANDOM_CHARS = 10;

/** Problems of uploaded codes: each bad or repeated one named by its index. */
export function codeIssues(codes: readonly string[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (codes.length === 0) issues.push({ field: 'codes', message: 'give at least one code' });
  if (codes.length > COUPON_LIMITS.uploadCodes) issues.push({ field: 'codes', message: `at most ${COUPON_LIMITS.uploadCodes} codes per request` });
  const seen = new Map<string, number>();
  codes.forEach((c, i) => {
    if (!CODE.test(c)) issues.push({ field: `codes[${i}]`, message: 'must be 4-64 letters, digits, - or _ (starting with a letter or digit)' });
    const prior = seen.get(c);
    if (prior !== undefined) issues.push({ field: `codes[${i}]`, message: `repeats codes[${prior}]` });
    else seen.set(c, i);
  });
  return issues.slice(0, 50);
}

export function prefixIssues(prefix: string | undefined, count: number): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (prefix !== undefined && !PREFIX.test(prefix)) issues.push({ field: 'generate.prefix', message: 'must be 1-16 upper-case letters, digits or - (starting with a letter or digit)' });
  if (!Number.isInteger(count) || count < 1 || count > COUPON_LIMITS.generateCodes) issues.push({ field: 'generate.count', message: `must be from 1 to ${COUPON_LIMITS.generateCodes}` });
  return issues;
}

/**
 * `count` codes `<prefix><10 random characters>` (50 bits each: a repeat within a pool of a
 * million codes has odds of about 1 in 2,000; a repeat is simply not stored twice).
 */
export function generateCodes(prefix: string | undefined, count: number, randomBytes: (n: number) => Uint8Array): string[] {
  const out = new Set<string>();
  // A random source that keeps repeating itself is a fault, not a reason to loop forever.
  for (let attempts = 0; out.size < count; attempts++) {
    if (attempts > count * 10 + 100) throw new Error('the random source keeps repeating codes');
    const bytes = randomBytes(GENERATED_RANDOM_CHARS);
    let s = prefix ?? '';
    for (let i = 0; i < GENERATED_RANDOM_CHARS; i++) s += ALPHABET[bytes[i]! % 32];
    out.add(s);
  }
  return [...out];
}
