import { parsePhoneNumberWithError } from 'libphonenumber-js/min';
import type { Customer } from './customer';

/** PII masking for callers without `pii:read`: phone `138****5678`, email `j***@example.com`. */
export function maskEmail(email: string): string {
  const at = email.indexOf('@');
  if (at <= 0) return '***';
  return `${email[0]}***${email.slice(at)}`;
}

export function maskPhone(phone: string): string {
  let digits = phone.replace(/\D/g, '');
  try {
    digits = String(parsePhoneNumberWithError(phone).nationalNumber);
  } catch {
    /* not E.164: mask the raw digits */
  }
  const keep = digits.length >= 7 ? 4 : 2;
  return `${digits.slice(0, 3)}****${digits.slice(-keep)}`;
}

export function maskName(name: string): string {
  const chars = [...name.trim()];
  if (chars.length <= 1) return '*';
  return `${chars[0]}${'*'.repeat(Math.min(chars.length - 1, 3))}`;
}

/** Address to city level, identities masked, birthday to the month. */
export function maskCustomer(c: Customer): Customer {
  const out: Customer = { ...c };
  if (out.email) out.email = maskEmail(out.email);
  if (out.phone) out.phone = maskPhone(out.phone);
  if (out.name) out.name = maskName(out.name);
  if (out.birthday) out.birthday = `${out.birthday.slice(0, 7)}-**`;
  if (out.externalId) out.externalId = '***';
  return out;
}
