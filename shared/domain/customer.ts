import { normalizeName, platformIdentity, type Identity } from './identity';

/** The customer profile (the centre of the 360-degree view). Pure types and rules only. */
export const CONSENT_CHANNELS = ['email', 'sms', 'wechat', 'push'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];
export const GENDERS = ['female', 'male', 'other', 'unknown'] as const;
export type Gender = (typeof GENDERS)[number];
export type CustomerStatus = 'active' | 'deleted' | 'merged';

export interface Consent {
  granted: boolean;
  updatedAt: string;
  source: string;
}

export interface PlatformId {
  platform: string;
  store: string;
  id: string;
}

export type AttributeValue = string | number | boolean | null;

export interface Customer {
  id: string;
  name?: string;
  email?: string;
  phone?: string;
  gender?: Gender;
  birthday?: string;
  country?: string;
  region?: string;
  city?: string;
  sourceChannel?: string;
  store?: string;
  externalId?: string;
  platformIds: PlatformId[];
  consent: Partial<Record<ConsentChannel, Consent>>;
  tags: string[];
  attributes: Record<string, AttributeValue>;
  createdAt: string;
  updatedAt: string;
  version: number;
  status: CustomerStatus;
  deletedAt?: string;
  purgeAt?: string;
  mergedInto?: string;
  // Messaging (issue 6): the customer's IANA time zone (quiet hours, local-time sends); the brand default otherwise.
  timeZone?: string;
  // Security (issue 7): set when a data-subject erasure anonymized the profile.
  erasedAt?: string;
}

/** Fields a caller may set; identities are already normalized by the caller. */
export type CustomerInput = Partial<
  Pick<
    Customer,
    'name' | 'email' | 'phone' | 'gender' | 'birthday' | 'country' | 'region' | 'city' | 'sourceChannel' | 'store' | 'externalId' | 'tags' | 'attributes' | 'timeZone'
  >
> & {
  platformIds?: PlatformId[];
  consent?: Partial<Record<ConsentChannel, { granted: boolean; source?: string }>>;
};

export const LIMITS = { tags: 100, tagLength: 64, attributes: 50, attributeKeyLength: 64, attributeBytes: 4096 } as const;
export const RECYCLE_BIN_DAYS = 30;

export function identitiesOf(c: Pick<Customer, 'email' | 'phone' | 'externalId' | 'platformIds'>): Identity[] {
  const ids: Identity[] = [];
  if (c.email) ids.push({ kind: 'email', value: c.email });
  if (c.phone) ids.push({ kind: 'phone', value: c.phone });
  if (c.externalId) ids.push({ kind: 'external', value: c.externalId });
  for (const p of c.platformIds) ids.push({ kind: 'platform', value: platformIdentity(p.platform, p.store, p.id) });
  return ids;
}

function consentFrom(input: CustomerInput['consent'], now: string, previous: Customer['consent'] = {}): Customer['consent'] {
  const out: Customer['consent'] = { ...previous };
  for (const ch of CONSENT_CHANNELS) {
    const c = input?.[ch];
    if (!c) continue;
    const before = previous[ch];
    if (before && before.granted === c.granted && (c.source ?? before.source) === before.source) continue;
    out[ch] = { granted: c.granted, updatedAt: now, source: c.source ?? 'api' };
  }
  return out;
}

function dedupeTags(tags: string[]): string[] {
  return [...new Set(tags.map((t) => t.trim()).filter(Boolean))];
}

export function newCustomer(id: string, input: CustomerInput, now: string): Customer {
  const { consent, tags, attributes, platformIds, ...fields } = input;
  return {
    ...stripUndefined(fields),
    id,
    platformIds: platformIds ?? [],
    consent: consentFrom(consent, now),
    tags: dedupeTags(tags ?? []),
    attributes: attributes ?? {},
    createdAt: now,
    updatedAt: now,
    version: 1,
    status: 'active',
  };
}

export type CustomerPatch = { [K in keyof CustomerInput]?: CustomerInput[K] | null };

/**
 * Applies a PATCH: `null` clears a field, absent leaves it, attributes merge key by key
 * (a `null` attribute value removes that key). Returns the changed field names.
 */
export function applyPatch(current: Customer, patch: CustomerPatch, now: string): { next: Customer; changed: string[] } {
  const next: Customer = { ...current };
  const changed: string[] = [];
  for (const [key, value] of Object.entries(patch) as [keyof CustomerPatch, unknown][]) {
    if (value === undefined) continue;
    if (key === 'consent') {
      const consent = consentFrom((value ?? {}) as CustomerInput['consent'], now, current.consent);
      if (JSON.stringify(consent) !== JSON.stringify(current.consent)) {
        next.consent = consent;
        changed.push('consent');
      }
    } else if (key === 'attributes') {
      const attrs = { ...current.attributes };
      for (const [k, v] of Object.entries((value ?? {}) as Record<string, AttributeValue>)) {
        if (v === null) delete attrs[k];
        else attrs[k] = v;
      }
      if (JSON.stringify(attrs) !== JSON.stringify(current.attributes)) {
        next.attributes = attrs;
        changed.push('attributes');
      }
    } else if (key === 'tags' || key === 'platformIds') {
      const list = key === 'tags' ? dedupeTags((value ?? []) as string[]) : ((value ?? []) as PlatformId[]);
      if (JSON.stringify(list) !== JSON.stringify(current[key])) {
        (next as unknown as Record<string, unknown>)[key] = list;
        changed.push(key);
      }
    } else {
      const before = (current as unknown as Record<string, unknown>)[key];
      if (value === null) {
        if (before !== undefined) {
          delete (next as unknown as Record<string, unknown>)[key];
          changed.push(key);
        }
      } else if (before !== value) {
        (next as unknown as Record<string, unknown>)[key] = value;
        changed.push(key);
      }
    }
  }
  if (changed.length > 0) {
    next.updatedAt = now;
    next.version = current.version + 1;
  }
  return { next, changed };
}

export function validateLimits(c: Pick<Customer, 'tags' | 'attributes'>): { field: string; message: string }[] {
  const issues: { field: string; message: string }[] = [];
  if (c.tags.length > LIMITS.tags) issues.push({ field: 'tags', message: `at most ${LIMITS.tags} tags` });
  const keys = Object.keys(c.attributes);
  if (keys.length > LIMITS.attributes) issues.push({ field: 'attributes', message: `at most ${LIMITS.attributes} custom attributes` });
  if (Buffer.byteLength(JSON.stringify(c.attributes)) > LIMITS.attributeBytes) {
    issues.push({ field: 'attributes', message: `custom attributes exceed ${LIMITS.attributeBytes} bytes` });
  }
  return issues;
}

const MERGE_FILLABLE = ['name', 'email', 'phone', 'gender', 'birthday', 'country', 'region', 'city', 'sourceChannel', 'store', 'externalId'] as const;

export interface MergePlan {
  merged: Customer;
  /** Fields of the target that were empty and took the source's value (undone by unmerge). */
  filled: Partial<Record<(typeof MERGE_FILLABLE)[number], string>>;
  addedTags: string[];
  addedPlatformIds: PlatformId[];
  addedAttributes: string[];
}

/**
 * Survivorship: the target keeps every value it has; blanks are filled from the source; tags,
 * platform ids and attributes are united; per channel, the most recent consent decision wins.
 */
export function planMerge(target: Customer, source: Customer, now: string): MergePlan {
  const merged: Customer = { ...target, consent: { ...target.consent }, attributes: { ...target.attributes } };
  const filled: MergePlan['filled'] = {};
  for (const f of MERGE_FILLABLE) {
    const sv = source[f];
    if (merged[f] === undefined && sv !== undefined) {
      (merged as unknown as Record<string, unknown>)[f] = sv;
      filled[f] = sv;
    }
  }
  const addedTags = source.tags.filter((t) => !target.tags.includes(t));
  merged.tags = [...target.tags, ...addedTags];
  const key = (p: PlatformId) => platformIdentity(p.platform, p.store, p.id);
  const have = new Set(target.platformIds.map(key));
  const addedPlatformIds = source.platformIds.filter((p) => !have.has(key(p)));
  merged.platformIds = [...target.platformIds, ...addedPlatformIds];
  const addedAttributes: string[] = [];
  for (const [k, v] of Object.entries(source.attributes)) {
    if (!(k in merged.attributes)) {
      merged.attributes[k] = v;
      addedAttributes.push(k);
    }
  }
  for (const ch of CONSENT_CHANNELS) {
    const s = source.consent[ch];
    const t = target.consent[ch];
    if (s && (!t || s.updatedAt > t.updatedAt)) merged.consent[ch] = s;
  }
  merged.updatedAt = now;
  merged.version = target.version + 1;
  return { merged, filled, addedTags, addedPlatformIds, addedAttributes };
}

/**
 * Undo of a merge on the target: values the merge filled in are cleared again unless someone
 * changed them since; tags, platform ids and attributes the merge brought are removed.
 */
export function revertMerge(current: Customer, plan: Omit<MergePlan, 'merged'>, now: string): Customer {
  const next: Customer = { ...current, attributes: { ...current.attributes } };
  for (const [f, v] of Object.entries(plan.filled)) {
    if ((next as unknown as Record<string, unknown>)[f] === v) delete (next as unknown as Record<string, unknown>)[f];
  }
  next.tags = current.tags.filter((t) => !plan.addedTags.includes(t));
  const removed = new Set(plan.addedPlatformIds.map((p) => platformIdentity(p.platform, p.store, p.id)));
  next.platformIds = current.platformIds.filter((p) => !removed.has(platformIdentity(p.platform, p.store, p.id)));
  for (const k of plan.addedAttributes) delete next.attributes[k];
  next.updatedAt = now;
  next.version = current.version + 1;
  return next;
}

export type DuplicateReason = 'identity-conflict' | 'same-name-and-city' | 'same-name-and-birthday' | 'same-phone-different-email' | 'same-email-different-phone';

/** Why two live profiles may be the same person (listed for review, never merged silently). */
export function duplicateReasons(a: Customer, b: Customer): DuplicateReason[] {
  if (a.id === b.id || a.status !== 'active' || b.status !== 'active') return [];
  const reasons: DuplicateReason[] = [];
  const sameName = !!a.name && !!b.name && normalizeName(a.name) === normalizeName(b.name);
  if (sameName && a.city && b.city && normalizeName(a.city) === normalizeName(b.city)) reasons.push('same-name-and-city');
  if (sameName && a.birthday && a.birthday === b.birthday) reasons.push('same-name-and-birthday');
  if (a.phone && a.phone === b.phone && a.email !== b.email) reasons.push('same-phone-different-email');
  if (a.email && a.email === b.email && a.phone !== b.phone) reasons.push('same-email-different-phone');
  return reasons;
}

export function isLive(c: Customer): boolean {
  return c.status === 'active';
}

export function purgeDate(deletedAt: string): string {
  return new Date(Date.parse(deletedAt) + RECYCLE_BIN_DAYS * 86_400_000).toISOString();
}

export function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

// Messaging (issue 6): a customer's time zone must be one Intl knows (IANA name, e.g. Asia/Shanghai).
export function isIanaTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+){0,2}$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
