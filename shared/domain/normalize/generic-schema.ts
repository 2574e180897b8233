import * as z from 'zod/mini';
import { isCurrency } from '../money';
import { ORDER_STATUSES } from '../ingest';
import { lazy } from './common';

/**
 * The `data` of each generic webhook type (docs/generic-webhook.md). Strict: an unknown field is
 * refused, so a typo (`totl`) is an error naming it instead of a silently missing value.
 */
export const GENERIC_TYPES = ['customer.upsert', 'order.upsert', 'order.cancelled', 'refund.created', 'checkout.upsert', 'behaviour', 'aftersales.request'] as const;
export type GenericType = (typeof GENERIC_TYPES)[number];
export const BEHAVIOUR_ACTIONS = ['browse', 'add_to_cart', 'inquiry'] as const;
/** After-sales requests a shop or app passes on (售后申请): each opens a ticket of that type. */
export const AFTERSALES_KINDS = ['refund', 'return', 'exchange', 'repair'] as const;
/** Platforms with their own signed webhooks: a generic sender may not speak for them. */
export const RESERVED_PLATFORMS: ReadonlySet<string> = new Set(['shopify', 'woocommerce']);

const text = (max: number) => z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max, `must have at most ${max} characters`));
const extId = () => z.string().check(z.regex(/^[\x21-\x7e]{1,128}$/, 'must be 1-128 printable ASCII characters without spaces'));
const slug = () => z.string().check(z.regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be a lower-case slug (a-z, 0-9, _ . -)'));
export const stamp = () => z.iso.datetime({ offset: true, error: 'must be an ISO-8601 date-time with a time-zone offset, e.g. 2024-05-01T10:00:00+08:00' });
const money = () => z.union([z.string(), z.number()], { error: 'must be a decimal string such as "12.34" or a number, in major units' });
const currency = () =>
  z.string().check(
    z.regex(/^[A-Z]{3}$/, 'must be an upper-case ISO 4217 code such as USD'),
    z.refine((c) => !/^[A-Z]{3}$/.test(c) || isCurrency(c), 'is not an ISO 4217 currency code'),
  );

const customer = () =>
  z.strictObject({
    id: z.optional(extId()),
    email: z.optional(text(254)),
    phone: z.optional(text(32)),
    name: z.optional(text(200)),
    city: z.optional(text(100)),
    country: z.optional(z.string().check(z.regex(/^[A-Z]{2}$/, 'must be an ISO 3166-1 alpha-2 code such as CN or US'))),
    acceptsMarketing: z.optional(z.boolean()),
    sourceChannel: z.optional(slug()),
  });
export type GenericCustomer = z.output<ReturnType<typeof customer>>;

/** Every type may say whose data it is; the default is platform `generic`, store = the sender. */
const origin = () => ({
  platform: z.optional(slug().check(z.refine((p) => !RESERVED_PLATFORMS.has(p), 'shopify and woocommerce data come through their own webhooks'))),
  store: z.optional(text(255)),
});

const line = () =>
  z.strictObject({
    sku: z.optional(text(128)),
    productId: z.optional(extId()),
    product: text(200),
    category: z.optional(text(100)),
    quantity: z.int().check(z.minimum(0, 'must be at least 0'), z.maximum(1_000_000, 'must be at most 1000000')),
    unitPrice: money(),
  });
const lines = () => z.optional(z.array(line()).check(z.maxLength(500, 'must have at most 500 items')));

const orderFields = () => ({
  ...origin(),
  orderId: extId(),
  orderNumber: z.optional(text(64)),
  customer: z.optional(customer()),
  placedAt: stamp(),
  updatedAt: z.optional(stamp()),
  currency: currency(),
  total: money(),
  subtotal: z.optional(money()),
  discount: z.optional(money()),
  tax: z.optional(money()),
  shipping: z.optional(money()),
  refunded: z.optional(money()),
  lines: lines(),
  discountCodes: z.optional(z.array(text(64)).check(z.maxLength(50, 'must have at most 50 items'))),
  channel: z.optional(slug()),
  checkoutId: z.optional(extId()),
});

export const genericData = lazy(() => ({
  'customer.upsert': z.strictObject({ ...origin(), customer: customer() }),
  'order.upsert': z.strictObject({ ...orderFields(), status: z.enum(ORDER_STATUSES) }),
  'order.cancelled': z.strictObject(orderFields()),
  'refund.created': z.strictObject({ ...origin(), refundId: extId(), orderId: extId(), amount: money(), currency: currency(), createdAt: z.optional(stamp()) }),
  'checkout.upsert': z.strictObject({
    ...origin(),
    checkoutId: extId(),
    customer: z.optional(customer()),
    currency: currency(),
    total: money(),
    lines: lines(),
    createdAt: z.optional(stamp()),
    updatedAt: z.optional(stamp()),
    completedOrderId: z.optional(extId()),
  }),
  behaviour: z.strictObject({
    ...origin(),
    customer: customer(),
    action: z.enum(BEHAVIOUR_ACTIONS),
    product: z.optional(text(200)),
    category: z.optional(text(100)),
    note: z.optional(text(1000)),
  }),
  'aftersales.request': z.strictObject({
    ...origin(),
    requestId: extId(),
    kind: z.enum(AFTERSALES_KINDS),
    customer: customer(),
    orderId: z.optional(extId()),
    reason: text(2000),
    amount: z.optional(money()),
    currency: z.optional(currency()),
    priority: z.optional(z.enum(['low', 'normal', 'high', 'urgent'])),
    createdAt: z.optional(stamp()),
  }),
}));
type DataSchemas = ReturnType<typeof genericData>;
/** What a sender writes as `data` for each type (the input side of the schemas). */
export type GenericDataInput = { [T in GenericType]: z.input<DataSchemas[T]> };
export type GenericData = { [T in GenericType]: z.output<DataSchemas[T]> };

/**
 * The envelope is documented in docs/webhooks.md; fields beyond these four are not read here.
 * Without `occurredAt` the event happened when it was received.
 */
export const genericEnvelope = lazy(() =>
  z.object({ id: text(128), type: z.enum(GENERIC_TYPES), occurredAt: z.optional(stamp()), data: z.unknown() }),
);

export interface GenericEnvelope<T extends GenericType = GenericType> {
  id: string;
  type: T;
  occurredAt?: string;
  data: GenericDataInput[T];
}
