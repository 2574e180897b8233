import { newCustomer, type Customer, type CustomerInput } from '../../domain/customer';
import { ConflictError, ValidationError } from '../../domain/errors';
import { assertChangesLead } from '../../domain/sales/access';
import { assertLeadOpen, isHeld, type Lead } from '../../domain/sales/lead';
import type { Opportunity, OpportunityProduct } from '../../domain/sales/opportunity';
import { makeEvent } from '../../events/envelope';
import { countMetric } from '../../runtime/observability';
import { stableId } from '../../runtime/ports';
import { identityClaims, identityItem, profileItem } from '../../store/customer-items';
import { outboxPut } from '../../store/outbox';
import type { TransactItem } from '../../store/transact';
import { assertLimits } from '../customer-input';
import { eventItem, nowIso, salesRepos, settingsOf, Tx, withRetry, type Ctx, type SalesCtx } from './common';
import { accountsNamed, assertRep, historyItem, isRace } from './lead-support';
import { requireLead } from './leads';
import { assertLiveCustomer, buildOpportunity, newOpportunityItems } from './opportunities';

/**
 * Converting a lead (线索转化) in one step and one transaction: the account (an existing customer
 * named, one whose name is the company's among accounts, or a new customer profile with
 * `attributes.accountType = account`), the contact (an existing customer named or found by the
 * lead's email or phone, or a new profile with `accountType = contact` and `accountId`), and an
 * opportunity in the first open stage (unless `opportunity: null`); the lead becomes converted
 * with their ids. The new ids derive from the lead's, so a retried conversion writes nothing new,
 * and a converted lead answers with what it became (idempotent).
 */
export interface ConvertInput {
  accountId?: string;
  contactId?: string;
  opportunity?: { name?: string; stage?: string; amountMinor?: number; currency?: string; expectedCloseDate?: string; products?: OpportunityProduct[]; competitors?: string[] } | null;
}

export interface Conversion {
  lead: Lead;
  customerId: string;
  contactId: string;
  opportunityId?: string;
  created: string[];
}

const result = (l: Lead): Conversion => ({ lead: l, customerId: l.conversion!.customerId, contactId: l.conversion!.contactId, ...(l.conversion!.opportunityId ? { opportunityId: l.conversion!.opportunityId } : {}), created: [] });

function customerItems(ctx: Ctx, c: Customer): TransactItem[] {
  assertLimits(c);
  const evt = makeEvent('CustomerCreated', { customerId: c.id, ...(c.sourceChannel ? { sourceChannel: c.sourceChannel } : {}) }, { id: ctx.deps.ids.next(), occurredAt: c.createdAt, correlationId: ctx.correlationId });
  return [
    { Put: { TableName: ctx.deps.db.tableName, Item: profileItem(c), ConditionExpression: 'attribute_not_exists(PK)' } },
    ...identityClaims(c, ctx.deps.hash).map((cl) => ({ Put: { TableName: ctx.deps.db.tableName, Item: identityItem(cl, c.id, c.createdAt), ConditionExpression: 'attribute_not_exists(PK)' } })),
    outboxPut(ctx.deps.db.tableName, evt),
  ];
}

/** The account with the company's name (its dedup key), when exactly one exists. */
async function accountByName(ctx: Ctx, company: string): Promise<string | undefined> {
  const hits = await accountsNamed(ctx, company);
  return hits.length === 1 ? hits[0] : undefined;
}

async function contactByIdentity(ctx: Ctx, l: Lead): Promise<string | undefined> {
  for (const kind of ['email', 'phone'] as const) {
    const v = l[kind];
    if (!v) continue;
    const id = await ctx.deps.customers.findIdByIdentity({ kind, value: v });
    if (id) return id;
  }
  return undefined;
}

export async function convertLead(ctx: SalesCtx, id: string, input: ConvertInput): Promise<Conversion> {
  assertConvertInput(input);
  if (input.accountId) await assertLiveCustomer(ctx, input.accountId, 'accountId');
  if (input.contactId) await assertLiveCustomer(ctx, input.contactId, 'contactId');
  const s = await settingsOf(ctx);
  const { leads } = salesRepos(ctx.deps);
  return withRetry(async () => {
    const before = await requireLead(ctx, id);
    if (before.status === 'converted' && before.conversion) return result(before);
    assertChangesLead(ctx.actor, before);
    assertLeadOpen(before);
    const ownerId = before.ownerId ?? ctx.actor.id;
    await assertRep(ctx, ownerId, 'ownerId');
    const now = nowIso(ctx);
    const createdMs = Date.parse(before.createdAt);
    const tx = new Tx();
    const created: string[] = [];
    const source = before.sourceChannel;

    const accountId = input.accountId ?? (await accountByName(ctx, before.company)) ?? stableId(createdMs, `lead:${id}:account`);
    if (!input.accountId && !(await ctx.deps.customers.get(accountId))) {
      const attributes: CustomerInput['attributes'] = { accountType: 'account', leadId: id, ...(before.industry ? { industry: before.industry } : {}), ...(before.companySize ? { companySize: before.companySize } : {}) };
      const account = newCustomer(accountId, { name: before.company, sourceChannel: source, ...(before.region ? { region: before.region } : {}), attributes }, now);
      tx.add('account', ...customerItems(ctx, account));
      created.push(accountId);
    }

    const hasContact = !!(before.contactName || before.email || before.phone);
    let contactId = input.contactId ?? (await contactByIdentity(ctx, before));
    if (!contactId && hasContact) {
      contactId = stableId(createdMs, `lead:${id}:contact`);
      if (!(await ctx.deps.customers.get(contactId))) {
        const attributes: CustomerInput['attributes'] = { accountType: 'contact', accountId, leadId: id, ...(before.title ? { jobTitle: before.title } : {}), ...(before.wechat ? { wechatId: before.wechat } : {}) };
        const contact = newCustomer(contactId, { name: before.contactName ?? before.company, ...(before.email ? { email: before.email } : {}), ...(before.phone ? { phone: before.phone } : {}), sourceChannel: source, ...(before.region ? { region: before.region } : {}), attributes }, now);
        tx.add('contact', ...customerItems(ctx, contact));
        created.push(contactId);
      }
    }
    contactId ??= accountId;

    let opportunity: Opportunity | undefined;
    if (input.opportunity !== null) {
      const o = input.opportunity ?? {};
      opportunity = buildOpportunity(
        ctx,
        s,
        {
          name: o.name ?? `${before.company}${before.productLine ? ` — ${before.productLine}` : ''}`,
          customerId: accountId,
          ...(contactId !== accountId ? { contactId } : {}),
          ownerId,
          leadId: id,
          channel: source,
          ...(o.stage ? { stage: o.stage } : {}),
          ...(o.amountMinor !== undefined ? { amountMinor: o.amountMinor } : {}),
          ...(o.currency ? { currency: o.currency } : {}),
          ...(o.expectedCloseDate ? { expectedCloseDate: o.expectedCloseDate } : {}),
          ...(o.products ? { products: o.products } : {}),
          ...(o.competitors ? { competitors: o.competitors } : {}),
        },
        stableId(createdMs, `lead:${id}:opportunity`),
      );
      tx.add('opportunity', ...newOpportunityItems(ctx, s, opportunity));
    }

    const after: Lead = { ...before, status: 'converted', conversion: { customerId: accountId, contactId, ...(opportunity ? { opportunityId: opportunity.id } : {}), at: now, by: ctx.actorId }, updatedAt: now, version: before.version + 1 };
    if (!before.ownerId) {
      after.ownerId = ownerId;
      after.ownedSince = now;
    }
    delete after.nextFollowUpAt;
    delete after.nextFollowUpTaskId;
    tx.add('lead', ...leads.put(before, after))
      .add('held', isHeld(before) ? leads.heldUpdate(before.ownerId!, -1) : undefined)
      .add('history', historyItem(ctx, id, 'converted', now, { from: before.status, to: 'converted', note: `account ${accountId}, contact ${contactId}${opportunity ? `, opportunity ${opportunity.id}` : ''}` }))
      .add('event', eventItem(ctx, 'LeadConverted', { leadId: id, ownerId, customerId: accountId, contactId, ...(opportunity ? { opportunityId: opportunity.id } : {}), createdCustomers: created }, now, id))
      .add('status-event', eventItem(ctx, 'LeadStatusChanged', { leadId: id, from: before.status, to: 'converted' }, now, id));
    await tx.run(ctx, (failed) => {
      // A contact's email or phone claimed meanwhile by another profile: resolve again (and link it).
      if (failed.some((f) => f.tag === 'contact' || f.tag === 'account')) return new ConflictError('race', { reason: 'race' });
      return new ConflictError('The lead changed meanwhile.', { reason: 'race' });
    });
    countMetric('LeadsConverted');
    return { lead: after, customerId: accountId, contactId, ...(opportunity ? { opportunityId: opportunity.id } : {}), created };
  }, isRace);
}

export function assertConvertInput(input: ConvertInput): void {
  if (input.accountId && input.contactId && input.accountId === input.contactId) throw ValidationError.field('contactId', 'must be another customer than the account');
}
