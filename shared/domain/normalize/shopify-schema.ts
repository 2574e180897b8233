import * as z from 'zod/mini';
import { amount, lazy, optText, platformId } from './common';

/**
 * The parts of Shopify's REST webhook payloads (Order, Refund, Customer, Checkout, privacy
 * topics) that the normalizer reads. Objects are loose: Shopify adds fields with every API
 * version, and a field we do not read must never send a delivery to the DLQ.
 */
const bool = () => z.nullish(z.boolean());
const moneySet = () => z.nullish(z.object({ shop_money: z.object({ amount: amount(), currency_code: z.string() }) }));

const address = () =>
  z.object({ first_name: optText(), last_name: optText(), name: optText(), phone: optText(), city: optText(), country_code: optText() });
/** Shopify sends `[]` instead of null for a missing address on checkouts. */
const maybeAddress = () => z.nullish(z.union([address(), z.array(z.unknown())]));
export type ShopifyAddress = z.infer<ReturnType<typeof address>>;

const customerShape = () => ({
  id: z.nullish(platformId()),
  email: optText(),
  phone: optText(),
  first_name: optText(),
  last_name: optText(),
  accepts_marketing: bool(),
  email_marketing_consent: z.nullish(z.object({ state: optText() })),
  default_address: maybeAddress(),
  created_at: optText(),
  updated_at: optText(),
});
const customer = () => z.object(customerShape());
export type ShopifyCustomer = z.infer<ReturnType<typeof customer>>;

const line = () =>
  z.object({
    sku: optText(),
    product_id: z.nullish(platformId()),
    title: optText(),
    name: optText(),
    product_type: optText(),
    quantity: z.int().check(z.minimum(0)),
    price: amount(),
  });
export type ShopifyLine = z.infer<ReturnType<typeof line>>;

const refund = () =>
  z.object({
    id: platformId(),
    order_id: z.nullish(platformId()),
    created_at: optText(),
    processed_at: optText(),
    transactions: z.nullish(z.array(z.object({ kind: optText(), status: optText(), amount: z.nullish(amount()), currency: optText() }))),
    refund_line_items: z.nullish(
      z.array(z.object({ subtotal: z.nullish(amount()), total_tax: z.nullish(amount()), subtotal_set: moneySet(), total_tax_set: moneySet() })),
    ),
  });
export type ShopifyRefund = z.infer<ReturnType<typeof refund>>;

/** What orders, customers and checkouts share: who bought and how to reach them. */
const contact = {
  email: optText(),
  phone: optText(),
  customer: z.nullish(customer()),
  billing_address: maybeAddress(),
  shipping_address: maybeAddress(),
  buyer_accepts_marketing: bool(),
};

export const shopifyOrder = lazy(() =>
  z.object({
    ...contact,
    id: platformId(),
    name: optText(),
    order_number: z.nullish(z.union([z.int(), z.string()])),
    contact_email: optText(),
    created_at: optText(),
    processed_at: optText(),
    updated_at: optText(),
    cancelled_at: optText(),
    financial_status: optText(),
    fulfillment_status: optText(),
    currency: z.string(),
    total_price: amount(),
    subtotal_price: z.nullish(amount()),
    total_discounts: z.nullish(amount()),
    total_tax: z.nullish(amount()),
    total_shipping_price_set: moneySet(),
    shipping_lines: z.nullish(z.array(z.object({ price: z.nullish(amount()) }))),
    line_items: z._default(z.array(line()), []),
    discount_codes: z.nullish(z.array(z.object({ code: z.string() }))),
    source_name: optText(),
    checkout_id: z.nullish(platformId()),
    refunds: z.nullish(z.array(refund())),
  }),
);
export type ShopifyOrder = z.infer<ReturnType<typeof shopifyOrder>>;

export const shopifyRefund = lazy(() => refund());
export const shopifyCustomer = lazy(() => z.object({ ...customerShape(), id: platformId() }));

export const shopifyCheckout = lazy(() =>
  z.object({
    ...contact,
    id: platformId(),
    created_at: optText(),
    updated_at: optText(),
    completed_at: optText(),
    currency: z.string(),
    total_price: amount(),
    line_items: z._default(z.array(line()), []),
    /** Not in every API version's payload: the order a completed checkout became. */
    order_id: z.nullish(platformId()),
    order: z.nullish(z.object({ id: platformId() })),
  }),
);

/** customers/data_request, customers/redact, shop/redact (mandatory privacy webhooks). */
export const shopifyPrivacy = lazy(() =>
  z.object({
    shop_domain: optText(),
    customer: z.nullish(z.object({ id: z.nullish(platformId()), email: optText(), phone: optText() })),
  }),
);
