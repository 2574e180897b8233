import { interactionEntry, type Interaction, type InteractionChannel, type InteractionType } from '../domain/interaction';
import { event, type Ctx } from './customers';

export interface InteractionInput {
  channel: InteractionChannel;
  type: InteractionType;
  direction: 'inbound' | 'outbound';
  summary: string;
  occurredAt?: string;
}

/**
 * Logs an interaction on the customer's timeline; its id sorts by when it happened. One
 * transaction: its condition on the profile answers 404 (unknown, deleted) or 409 (merged).
 */
export async function logInteraction(ctx: Ctx, customerId: string, input: InteractionInput): Promise<Interaction> {  const now = ctx.deps.clock.now().toISOString();
  const occurredAt = input.occurredAt ? new Date(input.occurredAt).toISOString() : now;
  const interaction: Interaction = {
    id: ctx.deps.ids.next(Date.parse(occurredAt)),
    customerId,
    channel: input.channel,
    type: input.type,
    direction: input.direction,
    summary: input.summary,
    occurredAt,
    authorId: ctx.actorId,
    createdAt: now,
  };
  const evt = event(ctx, 'InteractionLogged', { customerId, interactionId: interaction.id, channel: interaction.channel, type: interaction.type, occurredAt }, now);
  await ctx.deps.partition.logInteraction(interaction, interactionEntry(interaction), evt);
  return interaction;
}
