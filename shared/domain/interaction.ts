/** Interactions (跟进/互动记录) and the timeline they appear on. */
export const INTERACTION_CHANNELS = ['call', 'email', 'chat', 'wechat', 'visit', 'sms', 'web', 'app', 'other'] as const;
export const INTERACTION_TYPES = ['inquiry', 'complaint', 'feedback', 'follow-up', 'consultation', 'browse', 'add-to-cart', 'other'] as const;
export type InteractionChannel = (typeof INTERACTION_CHANNELS)[number];
export type InteractionType = (typeof INTERACTION_TYPES)[number];

export interface Interaction {
  id: string;
  customerId: string;
  channel: InteractionChannel;
  type: InteractionType;
  direction: 'inbound' | 'outbound';
  summary: string;
  occurredAt: string;
  authorId: string;
  createdAt: string;
}

/** One row of the timeline; later features (orders, tickets, messages) add their kinds. */
export interface TimelineEntry {
  id: string;
  kind: 'interaction' | 'order' | 'checkout' | 'ticket' | 'message' | 'note';
  occurredAt: string;
  summary: string;
  data: Record<string, unknown>;
}

export function interactionEntry(i: Interaction): TimelineEntry {
  return {
    id: i.id,
    kind: 'interaction',
    occurredAt: i.occurredAt,
    summary: i.summary,
    data: { channel: i.channel, type: i.type, direction: i.direction, authorId: i.authorId },
  };
}
