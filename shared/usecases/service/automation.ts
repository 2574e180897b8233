import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Interaction } from '../../domain/interaction';
import type { TicketChannel } from '../../domain/service/ticket';
import { countMetric } from '../../runtime/observability';
import { stableId } from '../../runtime/ports';
import { customerPk, timelineSk } from '../../store/keys';
import { clip, type Ctx } from './common';
import { createTicket, mutateTicket } from './tickets';

/**
 * What the service desk does on its own when something happens elsewhere: a complaint logged as
 * an interaction becomes a complaint ticket; merged (and unmerged) customers take their open
 * tickets along.
 */
const CHANNEL_OF: Record<string, TicketChannel> = { call: 'phone', email: 'email', chat: 'chat', wechat: 'wechat', visit: 'visit', sms: 'sms', web: 'web', app: 'app', other: 'other' };

async function interaction(ctx: Ctx, customerId: string, interactionId: string): Promise<Interaction | undefined> {
  const res = await ctx.deps.db.doc.send(new GetCommand({ TableName: ctx.deps.db.tableName, Key: { PK: customerPk(customerId), SK: timelineSk(interactionId) }, ConsistentRead: true }));
  return res.Item?.interaction as Interaction | undefined;
}

/**
 * A complaint interaction (a call, a chat, a visit where the customer complained) opens a
 * complaint ticket linked to it, once (its id is derived from the interaction), in the default
 * group whose assignment mode hands it out.
 */
export async function ticketFromComplaint(ctx: Ctx, e: { customerId: string; interactionId: string; channel: string; type: string; occurredAt: string }): Promise<string | undefined> {
  if (e.type !== 'complaint') return undefined;
  const found = await interaction(ctx, e.customerId, e.interactionId);
  const customer = await ctx.deps.customers.get(e.customerId);
  if (!customer || customer.status !== 'active') return undefined; // deleted or merged since: its timeline moved or went
  const summary = found?.summary ?? 'Complaint';
  const t = await createTicket(
    { ...ctx, actorId: found?.authorId ?? ctx.actorId },
    {
      subject: `Complaint: ${clip(summary.replace(/\s+/g, ' '), 150)}`,
      description: summary,
      type: 'complaint',
      priority: 'normal',
      channel: CHANNEL_OF[e.channel] ?? 'other',
      customerId: e.customerId,
      interactionIds: [e.interactionId],
      source: 'interaction',
      sourceRef: e.interactionId,
    },
    { id: stableId(Date.parse(e.occurredAt), `interaction-complaint:${e.interactionId}`) },
  );
  countMetric('ComplaintTickets');
  return t.id;
}

/**
 * After a merge the source's ticket refs sit in the target's partition: the tickets they name are
 * pointed at the target. After an unmerge, the refs moved back: the tickets follow them back.
 */
export async function repointTickets(ctx: Ctx, refsOwner: string, from: string): Promise<number> {
  let moved = 0;
  for (const ticketId of await ctx.deps.tickets.refsOf(refsOwner)) {
    await mutateTicket(ctx, ticketId, (before) => {
      if (before.customerId !== from || before.status === 'closed') return undefined;
      moved++;
      return { after: { ...before, customerId: refsOwner }, action: 'customer-merged', reason: `customer ${from} → ${refsOwner}` };
    });
  }
  return moved;
}
