import * as z from 'zod/mini';
import { normalizeEmail, normalizePhone } from '../identity';
import { IngestError, type IdentityHints } from '../ingest';
import { toMinor } from '../money';

/** Pieces every platform normalizer uses. Pure: no I/O, no clock. */
export interface NormalizeOptions {
  /** Region used to read phone numbers without a country prefix (ISO 3166-1 alpha-2). */
  defaultPhoneRegion: string;
}

/** Build a schema once, on first use (cold start pays only for the platforms it sees). */
export function lazy<T>(build: () => T): () => T {
  let v: T | undefined;
  return () => (v ??= build());
}

interface Issue {
  code?: string;
  path: readonly PropertyKey[];
  message: string;
  input?: unknown;
  expected?: string;
  keys?: string[];
  values?: readonly unknown[];
  minimum?: number | bigint;
  maximum?: number | bigint;
  origin?: string;
  format?: string;
}

const KIND: Record<string, string> = { int: 'an integer', object: 'an object', array: 'an array', boolean: 'a boolean', number: 'a number', string: 'a string' };

function describe(i: Issue): string {
  if ((i.code === 'invalid_type' || i.code === 'invalid_union') && i.input === undefined) return 'is required';
  if (i.message && i.message !== 'Invalid input') return i.message;
  switch (i.code) {
    case 'invalid_type':
      return `must be ${KIND[i.expected ?? ''] ?? i.expected}`;
    case 'invalid_value':
      return `must be one of ${(i.values ?? []).map((v) => JSON.stringify(v)).join(', ')}`;
    case 'too_small':
      if (i.origin === 'number' || i.origin === 'int') return `must be at least ${i.minimum}`;
      return i.origin === 'string' && Number(i.minimum) === 1 ? 'must not be empty' : `must have at least ${i.minimum}${i.origin === 'array' ? ' items' : ' characters'}`;
    case 'too_big':
      if (i.origin === 'number' || i.origin === 'int') return `must be at most ${i.maximum}`;
      return `must have at most ${i.maximum}${i.origin === 'array' ? ' items' : ' characters'}`;
    case 'invalid_format':
      return i.format === 'datetime' ? 'must be an ISO-8601 date-time with a time-zone offset' : 'has an invalid format';
    default:
      return 'is invalid';
  }
}

/** Validate with a zod/mini schema; the first problem becomes an IngestError naming the field. */
export function parseWith<S extends z.ZodMiniType>(schema: S, value: unknown, root = ''): z.infer<S> {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) return r.data;
  const issues = r.error.issues as unknown as Issue[];
  const first = issues[0] as Issue;
  const path = [root, ...first.path.map(String)].filter(Boolean).join('.');
  if (first.code === 'unrecognized_keys' && first.keys?.length) throw new IngestError('is not a known field', path ? `${path}.${first.keys[0]}` : first.keys[0]);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  throw new IngestError(describe(first) + more, path || root || undefined);
}

// ---- platform payload pieces (loose: unknown fields are ignored, only what we read is checked)

/** A platform id: a JSON number (safe integer) or a string (the lossless parser's big integers). */
export const platformId = () =>
  z.pipe(
    z.union([z.string().check(z.minLength(1), z.maxLength(128)), z.int()], { error: 'must be an id (a number or a string)' }),
    z.transform((v) => String(v)),
  );
/** A money amount as platforms send it; converted later with the currency. */
export const amount = () => z.union([z.string(), z.number()], { error: 'must be a decimal string or a number' });
export const optText = () => z.nullish(z.string());

const STAMP = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO-8601 date-time → UTC `toISOString()` form. Platforms that send UTC without a zone
 * (WooCommerce `*_gmt`) pass `assumeUtc`; otherwise a missing offset is refused.
 */
export function utcIso(raw: string, field: string, assumeUtc = false): string {
  const m = STAMP.exec(raw.trim());
  if (!m) throw new IngestError('must be an ISO-8601 date-time', field);
  const [, y, mo, d, h, mi, s = '00', , zone] = m;
  if (!zone && !assumeUtc) throw new IngestError('must have a time-zone offset', field);
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d) || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw new IngestError('is not a valid date-time', field);
  }
  const t = Date.parse(zone ? raw.trim() : `${raw.trim()}Z`);
  if (Number.isNaN(t)) throw new IngestError('is not a valid date-time', field);
  return new Date(t).toISOString();
}

/** The first present timestamp of `candidates` ([value, field]) in UTC, else `fallback`. */
export function firstTime(candidates: [string | null | undefined, string][], fallback: string, assumeUtc = false): string {
  for (const [v, field] of candidates) if (v) return utcIso(v, field, assumeUtc);
  return fallback;
}

export const minorOr0 = (v: string | number | null | undefined, currency: string, field: string, allowNegative = false): number =>
  v === null || v === undefined || v === '' ? 0 : toMinor(v, currency, field, { allowNegative });

// ---- identity hints

export interface Contact {
  id?: string | null;
  emails?: (string | null | undefined)[];
  /** Phones in order of preference, each read with its own region when known. */
  phones?: { raw: string | null | undefined; region?: string | null }[];
  names?: (string | null | undefined)[][];
  city?: string | null;
  country?: string | null;
  acceptsMarketing?: boolean;
}

const joinName = (parts: (string | null | undefined)[]) => parts.map((p) => p?.trim()).filter(Boolean).join(' ');

/**
 * Platform contact data → IdentityHints. Values a platform sends that do not normalize (a
 * malformed email, a phone that does not parse) are dropped: a bad phone never blocks an order.
 */
export function identityHints(base: { platform: string; store: string; sourceChannel: string }, c: Contact, opts: NormalizeOptions): IdentityHints {
  const h: IdentityHints = { ...base };
  if (c.id) h.platformCustomerId = c.id;
  for (const e of c.emails ?? []) {
    const r = e ? normalizeEmail(e) : undefined;
    if (r?.ok) {
      h.email = r.value;
      break;
    }
  }
  for (const p of c.phones ?? []) {
    const region = p.region && /^[A-Za-z]{2}$/.test(p.region) ? p.region : opts.defaultPhoneRegion;
    const r = p.raw?.trim() ? normalizePhone(p.raw, region) : undefined;
    if (r?.ok) {
      h.phone = r.value;
      break;
    }
  }
  const name = (c.names ?? []).map(joinName).find(Boolean);
  if (name) h.name = name;
  if (c.city?.trim()) h.city = c.city.trim();
  const country = c.country?.trim().toUpperCase();
  if (country && /^[A-Z]{2}$/.test(country)) h.country = country;
  if (c.acceptsMarketing !== undefined) h.acceptsMarketing = c.acceptsMarketing;
  return h;
}
