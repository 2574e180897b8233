import { ConflictError } from '../../domain/errors';
import type { TimelineEntry } from '../../domain/interaction';
import type { EventEnvelope } from '../../events/envelope';
import { makeEvent } from '../../events/envelope';
import { customerPk, SK, timelineSk } from '../../store/keys';
import { outboxPut } from '../../store/outbox';
import { TIMELINE_ENTITY } from '../../store/partition-repo';
import { transactWrite } from '../../store/transact';
import { salesRepos, type Ctx } from './common';
import { syncContractTimers, syncInstalmentTimers, syncLeadTimer, syncQuoteTimer } from './sales-timers';

/**
 * What the `sales-pipeline` consumer does after each pipeline event: set the timers the changed
 * thing needs now (a lead's return to the pool, a quote's expiry, a contract's renewal reminder
 * and expiry, an instalment's reminder and overdue flag), and, when a lead converts, put its
 * follow-ups on the account's timeline as interactions. Idempotent: a timer is its kind, key and
 * instant; a timeline entry keeps the follow-up's id.
 */
export const SALES_CONSUMES = [
  'LeadCreated',
  'LeadAssigned',
  'LeadFollowedUp',
  'LeadConverted',
  'QuoteCreated',
  'QuoteUpdated',
  'QuoteStatusChanged',
  'ContractCreated',
  'ContractUpdated',
  'ContractStatusChanged',
  'CollectionPlanSet',
] as const;

export async function onSalesEvent(ctx: Ctx, e: EventEnvelope): Promise<void> {
  const d = e.data as Record<string, string>;
  switch (e.type) {
    case 'LeadCreated':
    case 'LeadAssigned':
    case 'LeadFollowedUp':
      return syncLeadTimer(ctx, d.leadId!);
    case 'LeadConverted':
      await copyFollowUps(ctx, d.leadId!, d.customerId!);
      return;
    case 'QuoteCreated':
    case 'QuoteUpdated':
    case 'QuoteStatusChanged':
      return syncQuoteTimer(ctx, d.quoteId!);
    case 'ContractCreated':
    case 'ContractUpdated':
    case 'ContractStatusChanged':
      return syncContractTimers(ctx, d.contractId!);
    case 'CollectionPlanSet':
      return syncInstalmentTimers(ctx, d.contractId!);
    default:
      return;
  }
}

/**
 * The converted lead's follow-ups become interactions on the account's timeline (one transaction
 * each: the account must be live; an entry already there is skipped). Returns how many were added.
 */
export async function copyFollowUps(ctx: Ctx, leadId: string, customerId: string): Promise<number> {
  const { leads } = salesRepos(ctx.deps);
  const table = ctx.deps.db.tableName;
  let added = 0;
  let cursor: string | undefined;
  do {
    const page = await leads.followUps(leadId, 100, cursor, false);
    for (const f of page.items) {
      const entry: TimelineEntry = { id: f.id, kind: 'interaction', occurredAt: f.occurredAt, summary: f.summary, data: { channel: f.channel, type: f.type, direction: f.direction, authorId: f.authorId, leadId } };
      const interaction = { id: f.id, customerId, channel: f.channel, type: f.type, direction: f.direction, summary: f.summary, occurredAt: f.occurredAt, authorId: f.authorId, createdAt: f.createdAt };
      const evt = makeEvent('InteractionLogged', { customerId, interactionId: f.id, channel: f.channel, type: f.type, occurredAt: f.occurredAt }, { id: ctx.deps.ids.next(), occurredAt: ctx.deps.clock.now().toISOString(), correlationId: ctx.correlationId });
      try {
        await transactWrite(
          ctx.deps.db,
          [
            { ConditionCheck: { TableName: table, Key: { PK: customerPk(customerId), SK: SK.profile }, ConditionExpression: '#s = :active', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':active': 'active' } } },
            { Put: { TableName: table, Item: { PK: customerPk(customerId), SK: timelineSk(f.id), entity: TIMELINE_ENTITY, ...entry, interaction }, ConditionExpression: 'attribute_not_exists(PK)' } },
            outboxPut(table, evt),
          ],
          (failed) => new ConflictError(failed.some((x) => x.index === 0) ? 'account-not-live' : 'exists', { reason: failed.some((x) => x.index === 0) ? 'account-not-live' : 'exists' }),
        );
        added++;
      } catch (err) {
        const reason = err instanceof ConflictError ? (err.extra as { reason?: string }).reason : undefined;
        if (reason === 'exists') continue;
        // The account was merged or deleted since: its timeline is not ours to write.
        if (reason === 'account-not-live') return added;
        throw err;
      }
    }
    cursor = page.cursor;
  } while (cursor);
  return added;
}
