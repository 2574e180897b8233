import type { Group } from './assignment';
import type { CampaignChannel } from './campaign';

/**
 * A campaign's recipients: one item per customer per campaign (the conditional put that makes a
 * second send impossible), with the state it reached. The state only moves forward along
 * queued → scheduled → sent → delivered → opened → clicked → converted (events arrive in any
 * order and more than once); bounced, complained and unsubscribed are the last word on a message
 * that went out; skipped and failed end a recipient that never got one. Each milestone keeps its
 * time, so a clicked recipient still shows when it was delivered. Pure.
 */
export const RECIPIENT_STATES = ['queued', 'scheduled', 'sent', 'skipped', 'failed', 'delivered', 'bounced', 'opened', 'clicked', 'converted', 'complained', 'unsubscribed'] as const;
export type RecipientState = (typeof RECIPIENT_STATES)[number];

/** Reasons a recipient was skipped before or by the send pipeline. */
export const CAMPAIGN_SKIP_REASONS = ['coupons-exhausted'] as const;

export interface Recipient {
  campaignId: string;
  customerId: string;
  group: Group;
  /** Undefined for the remainder of an A/B test until the winner is sent to it. */
  variant?: string;
  channel?: CampaignChannel;
  wave: string;
  state: RecipientState;
  /** Why it was skipped or failed. */
  reason?: string;
  couponCode?: string;
  messageId?: string;
  /** The fan-out step that wrote it (`<part>:<step>`): a retried step recognizes its own writes. */
  origin: string;
  queuedAt: string;
  sendAt?: string;
  sentAt?: string;
  deliveredAt?: string;
  openedAt?: string;
  clickedAt?: string;
  convertedAt?: string;
  unsubscribedAt?: string;
  /** Attributed revenue per currency, and the orders counted in it. */
  revenueMinor?: Record<string, number>;
  orderIds?: string[];
  updatedAt: string;
  /** Revision: every write moves it (the guard of event-driven updates). */
  rev?: number;
}

const RANK: Record<RecipientState, number> = {
  queued: 0,
  scheduled: 1,
  skipped: 2,
  failed: 2,
  sent: 2,
  delivered: 3,
  bounced: 4,
  opened: 4,
  clicked: 5,
  converted: 6,
  complained: 7,
  unsubscribed: 7,
};

export const rankOf = (s: RecipientState) => RANK[s];

/** States that end a recipient that never got a message. */
export const isUnsent = (s: RecipientState) => s === 'skipped' || s === 'failed';

/**
 * The state after a message event reports `incoming`, or undefined when it changes nothing: a
 * state only moves to a higher rank, never out of skipped or failed by feedback, and a bounce
 * does not undo an open or a click.
 */
export function advance(current: RecipientState, incoming: RecipientState): RecipientState | undefined {
  if (current === incoming) return undefined;
  // A failed send that went out after all (the pipeline retried it) is sent; feedback never revives a skip.
  if (isUnsent(current)) return current === 'failed' && incoming === 'sent' ? incoming : undefined;
  if (isUnsent(incoming) && rankOf(current) >= rankOf('sent')) return undefined;
  return rankOf(incoming) > rankOf(current) ? incoming : undefined;
}

/** The time attribute a milestone sets on the recipient. */
export const MILESTONE_AT: Partial<Record<RecipientState, keyof Recipient>> = {
  sent: 'sentAt',
  delivered: 'deliveredAt',
  opened: 'openedAt',
  clicked: 'clickedAt',
  converted: 'convertedAt',
  unsubscribed: 'unsubscribedAt',
};
