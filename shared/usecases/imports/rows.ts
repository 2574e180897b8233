import { safeParse } from 'zod/mini';
import { customerCreateBody } from '../../api/customers';
import type { CustomerInput } from '../../domain/customer';
import { parseJsonLine, type SourceRecord } from '../../domain/csv';
import { normalizeEmail, normalizePhone } from '../../domain/identity';
import { IngestError, ORDER_STATUSES, type IdentityHints, type NormalizedOrder, type OrderLine, type OrderStatus } from '../../domain/ingest';
import { isCurrency, toMinor } from '../../domain/money';
import { utcIso } from '../../domain/normalize/common';
import { fieldsOf, REQUIRED_FIELDS, type ImportJob, type RowIssue } from '../../domain/transfers';
import { zodIssues } from '../../http/problem';

/**
 * From a file's records to what the import applies: which column (or JSON key) fills which
 * field, and each row checked by the same rules as the API and the webhooks, naming every bad
 * field with its reason. Nothing here touches the table.
 */
export const IMPORT_PLATFORM = 'import';
export const IMPORT_STORE = 'default';
export const IMPORT_CHANNEL = 'import';

export type Values = Record<string, string | undefined>;
export type Plan = { format: 'csv'; columns: number; index: Record<string, number> } | { format: 'jsonl'; paths: Record<string, string[]> };
type Result<T> = { ok: true; value: T } | { ok: false; issues: RowIssue[] };

/** The plan for a job, given the CSV header; a reason when the mapping does not fit the file. */
export function planFor(job: Pick<ImportJob, 'kind' | 'format' | 'mapping'>, header?: string[]): { ok: true; plan: Plan } | { ok: false; reason: string } {
  const fields = fieldsOf(job.kind);
  if (job.format === 'jsonl') return { ok: true, plan: { format: 'jsonl', paths: Object.fromEntries(fields.map((f) => [f, (job.mapping[f] ?? f).split('.')])) } };
  const columns = (header ?? []).map((c) => c.trim());
  const find = (name: string) => {
    const exact = columns.indexOf(name);
    return exact >= 0 ? exact : columns.findIndex((c) => c.toLowerCase() === name.toLowerCase());
  };
  const index: Record<string, number> = {};
  for (const f of fields) {
    const mapped = job.mapping[f];
    const i = find(mapped ?? f);
    if (mapped !== undefined && i < 0) return { ok: false, reason: `mapping.${f}: the column "${mapped}" is not in the header (columns: ${columns.join(', ')})` };
    if (i >= 0) index[f] = i;
  }
  const missing = REQUIRED_FIELDS[job.kind].filter((f) => index[f] === undefined);
  if (missing.length) return { ok: false, reason: `${job.kind} need a column for ${missing.join(', ')}: name the columns so or map them (mapping: { ${missing[0]}: "<column>" })` };
  if (!Object.keys(index).length) return { ok: false, reason: `no column of the header is a ${job.kind} field or mapped to one (columns: ${columns.join(', ')})` };
  return { ok: true, plan: { format: 'csv', columns: columns.length, index } };
}

function jsonValue(v: unknown): string | undefined | { issue: string } {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v.trim() || undefined;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number')) return v.join(';') || undefined;
  return { issue: 'must be a string, a number or a list of strings, not an object' };
}

/** The field values of one record (empty cells are absent). */
export function rowValues(plan: Plan, record: SourceRecord): Result<Values> {
  if (record.error) return { ok: false, issues: [{ field: 'row', reason: record.error }] };
  const values: Values = {};
  if (plan.format === 'csv') {
    if (record.fields.length > plan.columns) return { ok: false, issues: [{ field: 'row', reason: `has ${record.fields.length} fields but the header has ${plan.columns} (a quote or delimiter may be missing)` }] };
    for (const [f, i] of Object.entries(plan.index)) values[f] = record.fields[i]?.trim() || undefined;
    return { ok: true, value: values };
  }
  const parsed = parseJsonLine(record.fields[0] ?? '');
  if (!parsed.ok) return { ok: false, issues: [{ field: 'row', reason: parsed.reason }] };
  const issues: RowIssue[] = [];
  for (const [f, path] of Object.entries(plan.paths)) {
    const raw = path.reduce<unknown>((o, k) => (o && typeof o === 'object' && !Array.isArray(o) ? (o as Record<string, unknown>)[k] : undefined), parsed.value);
    const v = jsonValue(raw);
    if (typeof v === 'object') issues.push({ field: f, reason: v.issue });
    else values[f] = v;
  }
  return issues.length ? { ok: false, issues } : { ok: true, value: values };
}

const GENDERS: Record<string, string> = { f: 'female', m: 'male', 女: 'female', 男: 'male' };
const list = (v: string | undefined) => (v ? v.split(/[;|]/).map((t) => t.trim()).filter(Boolean) : undefined);
const FIELD_OF_PATH: [RegExp, string][] = [
  [/^platformIds\.\d+\.id$/, 'platformCustomerId'],
  [/^platformIds\.\d+\.(platform|store)$/, '$1'],
  [/^tags\.\d+$/, 'tags'],
];

export interface CustomerRow {
  input: CustomerInput;
  hints: IdentityHints;
}

/** A customers row → the profile fields (validated as `POST /v1/customers` validates) and identity hints. */
export function customerRow(v: Values, defaultRegion: string): Result<CustomerRow> {
  const platform = v.platform ?? IMPORT_PLATFORM;
  const store = v.store ?? IMPORT_STORE;
  const birthday = v.birthday && /^\d{8}$/.test(v.birthday) ? `${v.birthday.slice(0, 4)}-${v.birthday.slice(4, 6)}-${v.birthday.slice(6)}` : v.birthday?.replace(/\//g, '-');
  const raw: Record<string, unknown> = {
    name: v.name,
    email: v.email,
    phone: v.phone,
    gender: v.gender ? (GENDERS[v.gender.toLowerCase()] ?? v.gender.toLowerCase()) : undefined,
    birthday,
    country: v.country?.toUpperCase(),
    region: v.region,
    city: v.city,
    externalId: v.externalId,
    store: v.store,
    sourceChannel: v.sourceChannel?.toLowerCase() ?? IMPORT_CHANNEL,
    tags: list(v.tags),
    platformIds: v.platformCustomerId ? [{ platform, store, id: v.platformCustomerId }] : undefined,
  };
  for (const k of Object.keys(raw)) if (raw[k] === undefined) delete raw[k];
  const parsed = safeParse(customerCreateBody(), raw);
  const issues: RowIssue[] = parsed.success
    ? []
    : zodIssues(parsed.error.issues as never, '').map((i) => ({ field: FIELD_OF_PATH.reduce((f, [re, to]) => f.replace(re, to), i.field), reason: i.message }));
  const input = { ...(parsed.success ? parsed.data : raw) } as CustomerInput;
  const flagged = (f: string) => issues.some((i) => i.field === f);
  if (v.email && !flagged('email')) {
    const r = normalizeEmail(v.email);
    if (r.ok) input.email = r.value;
    else issues.push({ field: 'email', reason: r.reason });
  }
  if (v.phone && !flagged('phone')) {
    const r = normalizePhone(v.phone, defaultRegion);
    if (r.ok) input.phone = r.value;
    else issues.push({ field: 'phone', reason: `${r.reason} (read with default region ${defaultRegion})` });
  }
  if (!v.email && !v.phone && !v.externalId && !v.platformCustomerId) {
    issues.push({ field: 'email', reason: 'a row needs an email, phone, externalId or platformCustomerId to be matched with a profile' });
  }
  if (issues.length) return { ok: false, issues: dedupe(issues) };
  const hints: IdentityHints = {
    platform,
    store,
    sourceChannel: input.sourceChannel ?? IMPORT_CHANNEL,
    ...(v.platformCustomerId ? { platformCustomerId: v.platformCustomerId } : {}),
    ...(input.email ? { email: input.email } : {}),
    ...(input.phone ? { phone: input.phone } : {}),
    ...(input.name ? { name: input.name } : {}),
    ...(input.city ? { city: input.city } : {}),
    ...(input.country ? { country: input.country } : {}),
  };
  return { ok: true, value: { input, hints } };
}

const dedupe = (issues: RowIssue[]) => issues.filter((x, i) => issues.findIndex((y) => y.field === x.field && y.reason === x.reason) === i);

const DAY = /^(\d{4})-?(\d{2})-?(\d{2})$/;

/** ISO-8601 (no offset = UTC), `YYYY-MM-DD HH:MM:SS` (UTC), `YYYY-MM-DD` or `YYYYMMDD` (midnight UTC) → ISO UTC. */
export function parseWhen(raw: string, field: string): string {
  const day = DAY.exec(raw);
  if (day) {
    const [, y, m, d] = day;
    const t = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
    if (t.getUTCMonth() !== Number(m) - 1 || t.getUTCDate() !== Number(d)) throw new IngestError('is not a valid date', field);
    return t.toISOString();
  }
  try {
    return utcIso(raw.replace(/^(\d{4}-\d{2}-\d{2}) (\d)/, '$1T$2'), field, true);
  } catch {
    throw new IngestError('must be an ISO-8601 date-time, YYYY-MM-DD or YYYYMMDD', field);
  }
}

const ID = /^[A-Za-z0-9_:./-]{1,128}$/;
const SLUG = /^[a-z0-9][a-z0-9_.-]{0,63}$/;

/** An orders row → the NormalizedOrder the webhooks produce (amounts exact, in minor units). */
export function orderRow(v: Values, defaultRegion: string): Result<NormalizedOrder> {
  const issues: RowIssue[] = [];
  const check = <T>(field: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (e) {
      if (!(e instanceof IngestError)) throw e;
      issues.push({ field: e.field ?? field, reason: e.reason });
      return undefined;
    }
  };
  const need = (field: string) => {
    const value = v[field];
    if (value === undefined) issues.push({ field, reason: 'is required' });
    return value;
  };
  const orderId = need('orderId');
  if (orderId && !ID.test(orderId)) issues.push({ field: 'orderId', reason: 'must be 1-128 letters, digits or _:./- (put "#1001"-style numbers in orderNumber)' });
  const platform = v.platform?.toLowerCase() ?? IMPORT_PLATFORM;
  if (!SLUG.test(platform)) issues.push({ field: 'platform', reason: 'must be a lower-case slug (a-z, 0-9, _ . -)' });
  const store = v.store ?? IMPORT_STORE;
  if (store.length > 255) issues.push({ field: 'store', reason: 'must be at most 255 characters' });
  const channel = v.channel?.toLowerCase() ?? IMPORT_CHANNEL;
  if (!SLUG.test(channel)) issues.push({ field: 'channel', reason: 'must be a lower-case slug (a-z, 0-9, _ . -)' });
  const currency = need('currency')?.toUpperCase();
  const currencyOk = !!currency && isCurrency(currency);
  if (currency && !currencyOk) issues.push({ field: 'currency', reason: `${JSON.stringify(currency)} is not an ISO 4217 currency code` });
  const money = (field: string, fallback?: number) => {
    const raw = v[field];
    if (raw === undefined) return fallback;
    return currencyOk ? check(field, () => toMinor(raw, currency, field)) : undefined;
  };
  const total = need('total') === undefined ? undefined : money('total');
  const subtotal = money('subtotal', total);
  const placedRaw = need('placedAt');
  const placedAt = placedRaw ? check('placedAt', () => parseWhen(placedRaw, 'placedAt')) : undefined;
  const updatedAt = v.updatedAt ? check('updatedAt', () => parseWhen(v.updatedAt!, 'updatedAt')) : placedAt;
  const status = (v.status?.toLowerCase() ?? 'paid') as OrderStatus;
  if (!ORDER_STATUSES.includes(status)) issues.push({ field: 'status', reason: `must be one of ${ORDER_STATUSES.join(', ')}` });
  const email = v.email ? normalizeEmail(v.email) : undefined;
  if (email && !email.ok) issues.push({ field: 'email', reason: email.reason });
  const phone = v.phone ? normalizePhone(v.phone, defaultRegion) : undefined;
  if (phone && !phone.ok) issues.push({ field: 'phone', reason: `${phone.reason} (read with default region ${defaultRegion})` });
  if (v.customerId && !ID.test(v.customerId)) issues.push({ field: 'customerId', reason: 'must be 1-128 letters, digits or _:./-' });
  if (!v.customerId && !v.email && !v.phone) issues.push({ field: 'customerId', reason: 'an order needs a customerId, email or phone to find its customer' });
  const lines: OrderLine[] = [];
  if (v.product) {
    const quantity = v.quantity === undefined ? 1 : Number(v.quantity);
    if (!Number.isInteger(quantity) || quantity < 1) issues.push({ field: 'quantity', reason: 'must be a whole number of at least 1' });
    else if (v.unitPrice === undefined && quantity !== 1) issues.push({ field: 'unitPrice', reason: 'is required when quantity is more than 1' });
    const unitPriceMinor = money('unitPrice', subtotal);
    if (unitPriceMinor !== undefined) lines.push({ product: v.product, quantity, unitPriceMinor, ...(v.sku ? { sku: v.sku } : {}) });
  }
  const amounts = { discountMinor: money('discount', 0), taxMinor: money('tax', 0), shippingMinor: money('shipping', 0), refundedMinor: money('refunded', 0) };
  if (issues.length) return { ok: false, issues: dedupe(issues) };
  const identity: IdentityHints = {
    platform,
    store,
    sourceChannel: channel,
    ...(v.customerId ? { platformCustomerId: v.customerId } : {}),
    ...(email?.ok ? { email: email.value } : {}),
    ...(phone?.ok ? { phone: phone.value } : {}),
    ...(v.name ? { name: v.name } : {}),
    ...(v.city ? { city: v.city } : {}),
    ...(v.country ? { country: v.country.toUpperCase() } : {}),
  };
  return {
    ok: true,
    value: {
      platform,
      store,
      orderId: orderId!,
      ...(v.orderNumber ? { orderNumber: v.orderNumber } : {}),
      identity,
      placedAt: placedAt!,
      updatedAt: updatedAt!,
      status,
      currency: currency!,
      totalMinor: total!,
      subtotalMinor: subtotal!,
      discountMinor: amounts.discountMinor!,
      taxMinor: amounts.taxMinor!,
      shippingMinor: amounts.shippingMinor!,
      refundedMinor: amounts.refundedMinor!,
      lines,
      discountCodes: list(v.discountCodes) ?? [],
      channel,
    },
  };
}
