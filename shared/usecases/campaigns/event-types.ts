/**
 * The events the campaign-events consumer takes (a module of its own: the wiring table imports it
 * without the use cases): the campaign lifecycle's and the send pipeline's Message* events.
 */
export const CAMPAIGN_EVENTS = ['CampaignStarted', 'CampaignWaveDue', 'CampaignResumed'] as const;
export const MESSAGE_EVENTS = [
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
] as const;
export const CAMPAIGN_CONSUMES = [...CAMPAIGN_EVENTS, ...MESSAGE_EVENTS] as const;
