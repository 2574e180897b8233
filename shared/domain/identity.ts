import { parsePhoneNumberWithError, type CountryCode, type MetadataJson } from 'libphonenumber-js/core';
import phoneMetadata from './phone/metadata.json';

const METADATA = phoneMetadata as unknown as MetadataJson;

/** Normalization of the identities that make a profile unique (查重). Pure: no I/O. */
export type IdentityKind = 'email' | 'phone' | 'external' | 'platform';

export interface Identity {
  kind: IdentityKind;
  /** The normalized value, e.g. `jane@example.com`, `+8613812345678`, `shopify:shop1:123`. */
  value: string;
}

const EMAIL = /^[^\s@"(),:;<>[\\\]]{1,64}@(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

export type Normalized = { ok: true; value: string } | { ok: false; reason: string };

export function normalizeEmail(raw: string): Normalized {
  const value = raw.trim().toLowerCase();
  if (value.length > 254 || !EMAIL.test(value)) return { ok: false, reason: 'is not a valid email address' };
  return { ok: true, value };
}

/** E.164, read with the configured default region when the number has no country prefix. */
export function normalizePhone(raw: string, defaultRegion: string): Normalized {
  try {
    const parsed = parsePhoneNumberWithError(raw.trim(), defaultRegion.toUpperCase() as CountryCode, METADATA);
    if (!parsed.isValid()) return { ok: false, reason: 'is not a valid phone number' };
    return { ok: true, value: parsed.number };
  } catch {
    return { ok: false, reason: 'is not a valid phone number' };
  }
}

export function platformIdentity(platform: string, store: string, id: string): string {
  return `${platform.toLowerCase()}:${store.toLowerCase()}:${id}`;
}

/** Names are compared trimmed, lower-cased and with inner white space folded. */
export function normalizeName(raw: string): string {
  return raw.normalize('NFKC').trim().toLowerCase().replace(/\s+/g, ' ');
}
