/**
 * Data in: what a webhook receiver puts on the ingest queue (the raw delivery, verified and
 * untouched, so a normalization bug is fixed and the DLQ replayed without asking the shop to
 * resend) and what the ingest worker turns it into (platform-neutral items). Pure types.
 */
export const INGEST_SOURCES = ['shopify', 'woocommerce', 'generic'] as const;
export type IngestSource = (typeof INGEST_SOURCES)[number];

export interface RawDelivery {
  /** Dedup key: Shopify X-Shopify-Event-Id, WooCommerce X-WC-Webhook-Delivery-ID, generic event id. */
  deliveryId: string;
  source: IngestSource;
  /** The shop: Shopify shop domain, WooCommerce source URL, generic `{sourceId}`. */
  sourceId: string;
  /** Platform topic as sent: `orders/create`, `order.created`, generic `order.upsert`, ... */
  topic: string;
  receivedAt: string;
  /** The raw JSON text: platform ids beyond 2^53 survive only as text. */
  body: string;
  correlationId: string;
}

/** Who the data is about, as far as the platform tells. */
export interface IdentityHints {
  platform: string;
  store: string;
  platformCustomerId?: string;
  email?: string;
  phone?: string;
  name?: string;
  city?: string;
  country?: string;
  /** Source channel recorded on a profile this creates (e.g. `shopify`, `pos`, `wechat-mini`). */
  sourceChannel: string;
  acceptsMarketing?: boolean;
}

export const ORDER_STATUSES = ['pending', 'paid', 'fulfilled', 'cancelled', 'refunded', 'partially_refunded'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export interface OrderLine {
  sku?: string;
  productId?: string;
  product: string;
  category?: string;
  quantity: number;
  /** Unit price in minor units of the order currency. */
  unitPriceMinor: number;
}

export interface NormalizedOrder {
  platform: string;
  store: string;
  orderId: string;
  orderNumber?: string;
  identity: IdentityHints;
  placedAt: string;
  /** Platform's last-modified time: an older update arriving after a newer one is ignored. */
  updatedAt: string;
  status: OrderStatus;
  currency: string;
  totalMinor: number;
  subtotalMinor: number;
  discountMinor: number;
  taxMinor: number;
  shippingMinor: number;
  refundedMinor: number;
  lines: OrderLine[];
  discountCodes: string[];
  channel: string;
  checkoutId?: string;
}

export type IngestItem =
  | { type: 'customer'; identity: IdentityHints; occurredAt: string }
  | { type: 'order'; order: NormalizedOrder }
  | { type: 'refund'; platform: string; store: string; orderId: string; refundId: string; amountMinor: number; currency: string; occurredAt: string }
  | {
      type: 'checkout';
      platform: string;
      store: string;
      checkoutId: string;
      identity: IdentityHints;
      currency: string;
      totalMinor: number;
      lines: OrderLine[];
      occurredAt: string;
      updatedAt: string;
      completedOrderId?: string;
    }
  | { type: 'behaviour'; identity: IdentityHints; action: 'browse' | 'add_to_cart' | 'inquiry'; product?: string; category?: string; note?: string; occurredAt: string }
  | {
      type: 'aftersales';
      platform: string;
      store: string;
      requestId: string;
      kind: 'refund' | 'return' | 'exchange' | 'repair';
      identity: IdentityHints;
      orderId?: string;
      reason: string;
      amountMinor?: number;
      currency?: string;
      priority?: 'low' | 'normal' | 'high' | 'urgent';
      occurredAt: string;
    }
  | { type: 'privacy'; request: 'data_request' | 'customer_redact' | 'shop_redact'; platform: string; store: string; identity?: IdentityHints; occurredAt: string }
  | { type: 'ignored'; reason: string };

/** A delivery the worker cannot use: it goes to the DLQ with this reason. */
export class IngestError extends Error {
  constructor(
    readonly reason: string,
    readonly field?: string,
  ) {
    super(field ? `${field}: ${reason}` : reason);
    this.name = 'IngestError';
  }
}
