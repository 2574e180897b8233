import type { Customer } from './customer';

/**
 * E.164 country calling codes are prefix-free: 1 and 7 are the one-digit codes, these are the
 * two-digit ones, every other code has three digits. Enough to split off the national number
 * without shipping the phone metadata to every read path.
 */
const TWO_DIGIT_CODES = new Set([20, 27, 30, 31, 32, 33, 34, 36, 39, 40, 41, 43, 44, 45, 46, 47, 48, 49, 51, 52, 53, 54, 55, 56, 57, 58, 60, 61, 62, 63, 64, 65, 66, 81, 82, 84, 86, 90, 91, 92, 93, 94, 95, 98]);

export function nationalNumber(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  if (!e164.startsWith('+')) return digits;
  const codeLength = digits[0] === '1' || digits[0] === '7' ? 1 : TWO_DIGIT_CODES.has(Number(digits.slice(0, 2))) ? 2 : 3;
  return digits.slice(codeLength);
}

/** PII masking for callers without `pii:read`: phone `138****5678`, email `j***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

export function maskPhone(phone: string): string {
  const digits = nationalNumber(phone);
  const keep = digits.length >= 7 ? 4 : 2;
  return `${digits.slice(0, 3)}****${digits.slice(-keep)}`;
}

export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  return `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 3))}`;
}

/**
 * Address to city level, identities masked, birthday to the month. `visible` lists the fields the
 * caller's roles see in plain text (field-level masking, see visiblePii in ./roles); none by default.
 */
export function maskCustomer(c: Customer, visible: ReadonlySet<string> = new Set()): Customer {
  const out: Customer = { ...c };
  if (out.email && !visible.has('email')) out.email = maskEmail(out.email);
  if (out.phone && !visible.has('phone')) out.phone = maskPhone(out.phone);
  if (out.name && !visible.has('name')) out.name = maskName(out.name);
  if (out.birthday && !visible.has('birthday')) out.birthday = `${out.birthday.slice(0, 7)}-**`;
  if (out.externalId && !visible.has('externalId')) out.externalId = '***';
  return out;
}
