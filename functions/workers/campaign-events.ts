import { eventConsumer } from '../../shared/events/consumer';
import { messageQueue } from '../../shared/runtime/sqs-message-queue';
import { CAMPAIGN_CONSUMES } from '../../shared/usecases/campaigns/event-types';
import { onCampaignEvent } from '../../shared/usecases/campaigns/events';

/**
 * Campaigns (docs/campaigns.md): CampaignStarted starts the fan-out job, CampaignWaveDue a wave's
 * delivery job, CampaignResumed everything the pause stopped; the Message* events of campaign
 * messages keep each recipient's state current and count conversions within the campaign's window.
 */
export const CONSUMES = CAMPAIGN_CONSUMES;

export const handler = eventConsumer('campaign-events', CONSUMES, async (event, { deps }) => {
  const queue = messageQueue(deps);
  await onCampaignEvent({ deps: { ...deps, queue }, correlationId: event.correlationId, actorId: 'system:campaigns' }, queue, event);
});
