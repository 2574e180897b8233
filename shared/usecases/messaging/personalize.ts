import type { Customer } from '../../domain/customer';
import type { MessageLinks } from '../../domain/messaging/links';
import type { MessagingSettings } from '../../domain/messaging/settings';
import type { Scope, Value } from '../../domain/messaging/template-language';
import type { CustomerState } from '../../domain/segmentation/definitions';

/**
 * The render context of one message: the customer's profile and derived state (tier, lifecycle),
 * the sender's variables (coupon code, recommended products, free `vars.*`), the brand and the
 * message's own links. See the variable catalog in shared/domain/messaging/template-vars.ts.
 */
const CJK = /[\u3400-\u9fff]/;

/** First and family name: "Li Lei" → Li / Lei; a Chinese name is used whole as the first name, its first character is the family name. */
export function nameParts(name: string | undefined): { firstName?: string; lastName?: string } {
  const n = name?.trim();
  if (!n) return {};
  if (CJK.test(n) && !/\s/.test(n)) return { firstName: n, ...(n.length > 1 ? { lastName: n[0] } : {}) };
  const parts = n.split(/\s+/);
  return { firstName: parts[0]!, ...(parts.length > 1 ? { lastName: parts[parts.length - 1]! } : {}) };
}

export interface Product {
  name: string;
  url?: string;
  price?: string;
  imageUrl?: string;
  sku?: string;
}

/** `vars.recommendedProducts`: a JSON array of names or of `{ name, url, price, imageUrl, sku }`, or names separated by commas. */
export function productsFrom(raw: string | undefined): Product[] {
  if (!raw?.trim()) return [];
  const text = raw.trim();
  if (text.startsWith('[')) {
    try {
      const arr = JSON.parse(text) as unknown[];
      return arr
        .map((p): Product | undefined => {
          if (typeof p === 'string') return p.trim() ? { name: p.trim() } : undefined;
          if (!p || typeof p !== 'object') return undefined;
          const o = p as Record<string, unknown>;
          const str = (k: string) => (typeof o[k] === 'string' || typeof o[k] === 'number' ? String(o[k]) : undefined);
          const name = str('name') ?? str('title');
          if (!name) return undefined;
          const out: Product = { name };
          for (const k of ['url', 'price', 'imageUrl', 'sku'] as const) {
            const v = str(k);
            if (v) out[k] = v;
          }
          return out;
        })
        .filter((p): p is Product => !!p);
    } catch {
      return [];
    }
  }
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((name) => ({ name }));
}

function points(c: Customer): number | undefined {
  const p = c.attributes.points;
  if (typeof p === 'number') return p;
  if (typeof p === 'string' && /^-?\d+(\.\d+)?$/.test(p.trim())) return Number(p);
  return undefined;
}

export function renderScope(input: { customer: Customer; state?: CustomerState; vars?: Record<string, string>; settings: MessagingSettings; messageId: string; links: MessageLinks }): Scope {
  const { customer: c, state, vars = {} } = input;
  const customer: Record<string, Value> = {
    id: c.id,
    name: c.name,
    ...nameParts(c.name),
    email: c.email,
    phone: c.phone,
    city: c.city,
    country: c.country,
    birthday: c.birthday,
    tier: state?.tier,
    lifecycle: state?.lifecycle,
    points: points(c),
  };
  return {
    customer,
    coupon: { code: vars.couponCode },
    products: productsFrom(vars.recommendedProducts) as unknown as Value,
    brand: { name: input.settings.email.fromName },
    unsubscribe: { url: input.links.unsubscribe },
    message: { id: input.messageId },
    vars: { ...vars },
  };
}

/** Sample data for test renders: a plausible customer, a coupon and two products. */
export const SAMPLE_VARS: Record<string, string> = {
  couponCode: 'WELCOME-10',
  recommendedProducts: JSON.stringify([
    { name: 'Silk scarf', url: 'https://shop.example.com/p/silk-scarf', price: '¥299', imageUrl: 'https://shop.example.com/i/silk-scarf.jpg', sku: 'SC-01' },
    { name: 'Leather tote', url: 'https://shop.example.com/p/leather-tote', price: '¥1,299', sku: 'LT-02' },
  ]),
};
