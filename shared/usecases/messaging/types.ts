/**
 * The contract of the send pipeline (issue 6), shared by campaigns, journeys, care cadences and
 * surveys: `deliver(ctx, request)` in ./deliver.ts renders a saved template for one customer and
 * sends it on one channel, once per `key`, after the consent, suppression, quiet-hours and
 * frequency-cap checks; every message is recorded with its state and counted in the stats of its
 * source (see docs/messaging.md).
 */
export const DELIVERY_CHANNELS = ['email', 'sms', 'webhook'] as const;
export type DeliveryChannel = (typeof DELIVERY_CHANNELS)[number];

export const MESSAGE_PURPOSES = ['marketing', 'transactional'] as const;
export type MessagePurpose = (typeof MESSAGE_PURPOSES)[number];

export const SOURCE_KINDS = ['campaign', 'journey', 'care', 'survey', 'manual'] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

/** What sent a message: counted per source, per variant and per channel. */
export interface MessageSource {
  kind: SourceKind;
  id: string;
  /** A/B variant (campaigns) or split branch (journeys). */
  variant?: string;
  /** Journey step id. */
  step?: string;
}

export interface DeliveryRequest {
  /**
   * Idempotency: the same key is the same message, never sent twice, whatever the retries.
   * Campaigns use `cmp:<campaignId>:<customerId>`, journeys `jrn:<enrollmentId>:<stepId>`.
   */
  key: string;
  customerId: string;
  channel: DeliveryChannel;
  templateId: string;
  /** Pin a template version (a journey keeps the version it was built with); default the current one. */
  templateVersion?: number;
  /** Extra personalization variables: couponCode, recommendedProducts, ... */
  vars?: Record<string, string>;
  purpose: MessagePurpose;
  source: MessageSource;
  /** Marketing defaults to true: inside quiet hours the message is scheduled for their end. */
  respectQuietHours?: boolean;
}

export const SKIP_REASONS = [
  'customer-not-found',
  'no-address',
  'no-consent',
  'unsubscribed',
  'suppressed',
  'frequency-cap',
  'template-not-found',
  'render-failed',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export type DeliveryOutcome =
  | { status: 'sent'; messageId: string; at: string }
  | { status: 'scheduled'; messageId: string; at: string; reason: 'quiet-hours' }
  | { status: 'skipped'; messageId: string; reason: SkipReason }
  | { status: 'failed'; messageId: string; reason: string }
  | { status: 'duplicate'; messageId: string; previous: 'sent' | 'scheduled' | 'skipped' | 'failed' };

/** Per-message state as the channel reports it (SES events in AWS, simulated endpoints locally). */
export const MESSAGE_STATES = ['scheduled', 'sent', 'skipped', 'failed', 'delivered', 'bounced', 'complained', 'opened', 'clicked', 'converted', 'unsubscribed'] as const;
export type MessageState = (typeof MESSAGE_STATES)[number];

/** Counters of a source (a campaign, a journey), in total, per variant and per channel. */
export interface MessageCounters {
  sent: number;
  scheduled: number;
  skipped: number;
  failed: number;
  delivered: number;
  bounced: number;
  complained: number;
  opened: number;
  clicked: number;
  converted: number;
  unsubscribed: number;
  /** Attributed revenue per currency, minor units. */
  revenueMinor: Record<string, number>;
  /** Skips per reason. */
  skippedBy: Partial<Record<SkipReason, number>>;
  /** Every open and every click (`opened`/`clicked` count each message once). */
  opens?: number;
  clicks?: number;
  /** Orders attributed (a converted message may bring several). */
  orders?: number;
}

export interface SourceStats {
  total: MessageCounters;
  byVariant: Record<string, MessageCounters>;
  byChannel: Partial<Record<DeliveryChannel, MessageCounters>>;
}
