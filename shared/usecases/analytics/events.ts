import type { EventType } from '../../events/catalog';

/**
 * What the two analytics consumers take (their EventBridge rules): commerce (profiles, orders,
 * checkouts) and engagement (messages, leads). Split in two so each rule stays small and a slow
 * message stream never holds back the order counts.
 */
export const COMMERCE_EVENTS = [
  'CustomerCreated',
  'CustomerDeleted',
  'CustomerRestored',
  'CustomerMerged',
  'CustomerUnmerged',
  'OrderPlaced',
  'OrderUpdated',
  'OrderRefunded',
  'CheckoutStarted',
  'CheckoutAbandoned',
] as const satisfies readonly EventType[];

export const ENGAGEMENT_EVENTS = [
  'MessageSent',
  'MessageSkipped',
  'MessageFailed',
  'MessageDelivered',
  'MessageOpened',
  'MessageClicked',
  'MessageBounced',
  'MessageComplained',
  'MessageUnsubscribed',
  'MessageConverted',
  'LeadCreated',
  'LeadConverted',
  'LeadFollowedUp',
] as const satisfies readonly EventType[];
