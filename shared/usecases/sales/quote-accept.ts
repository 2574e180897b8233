import { ConflictError } from '../../domain/errors';
import type { Party } from '../../domain/sales/contract';
import { addDays, addMonths } from '../../domain/sales/dates';
import type { Opportunity } from '../../domain/sales/opportunity';
import { assertQuoteTransition, type Quote } from '../../domain/sales/quote';
import { RuleViolation } from '../../domain/service/errors';
import { countMetric } from '../../runtime/observability';
import { stableId } from '../../runtime/ports';
import { eventItem, nowIso, salesRepos, settingsOf, todayIn, Tx, withRetry, type SalesCtx } from './common';
import { buildContract } from './contracts';
import { isRace } from './lead-support';
import { counterItems } from './opportunities';
import { requireQuote } from './quotes';

/**
 * A sent quote accepted by the customer turns into a contract (a draft to sign) in the same
 * transaction: the quote's total as its amount, the account as buyer, the term from the body or
 * the default length; the opportunity records the accepted quote. The contract's id derives from
 * the quote's, and an accepted quote answers with its contract: accepting twice makes one.
 */
export interface AcceptInput {
  contract?: { title?: string; startDate?: string; endDate?: string; parties?: Party[] };
}

export async function acceptQuote(ctx: SalesCtx, id: string, input: AcceptInput = {}): Promise<{ quote: Quote; contractId: string }> {
  const s = await settingsOf(ctx);
  const { quotes, opportunities } = salesRepos(ctx.deps);
  return withRetry(async () => {
    const before = await requireQuote(ctx, id);
    if (before.status === 'accepted' && before.contractId) return { quote: before, contractId: before.contractId };
    const today = todayIn(ctx, s);
    assertQuoteTransition(before, 'accepted', today);
    const opp = await opportunities.get(before.opportunityId);
    if (!opp) throw new RuleViolation('opportunity-missing', `Quote ${id}'s opportunity ${before.opportunityId} is gone.`);
    if (opp.status === 'lost') throw new RuleViolation('opportunity-closed', `Opportunity ${opp.id} is lost; reopen it before accepting its quote.`);
    const now = nowIso(ctx);
    const startDate = input.contract?.startDate ?? today;
    const endDate = input.contract?.endDate ?? addDays(addMonths(startDate, s.defaultContractMonths), -1);
    const { contract, items } = await buildContract(
      ctx,
      s,
      {
        title: input.contract?.title ?? `${opp.name} (${before.number})`,
        customerId: before.customerId,
        opportunityId: opp.id,
        quoteId: id,
        ownerId: opp.ownerId,
        ...(input.contract?.parties ? { parties: input.contract.parties } : {}),
        amountMinor: before.totalMinor,
        currency: before.currency,
        startDate,
        endDate,
      },
      stableId(Date.parse(before.createdAt), `quote:${id}:contract`),
    );
    const after: Quote = { ...before, status: 'accepted', acceptedAt: now, contractId: contract.id, updatedAt: now, version: before.version + 1 };
    const oppAfter: Opportunity = { ...opp, acceptedQuoteId: id, updatedAt: now, version: opp.version + 1 };
    await new Tx()
      .add('quote', quotes.put(before, after))
      .add('contract', ...items)
      .add('opportunity', ...opportunities.put(opp, oppAfter), ...counterItems(ctx, s, opp, oppAfter))
      .add('events', eventItem(ctx, 'QuoteStatusChanged', { quoteId: id, opportunityId: opp.id, from: before.status, to: 'accepted' }, now, id), eventItem(ctx, 'QuoteAccepted', { quoteId: id, opportunityId: opp.id, contractId: contract.id, totalMinor: before.totalMinor, currency: before.currency }, now, id), eventItem(ctx, 'OpportunityUpdated', { opportunityId: opp.id, changed: ['acceptedQuoteId'] }, now, opp.id))
      .run(ctx, () => new ConflictError('race', { reason: 'race' }));
    countMetric('QuotesAccepted');
    return { quote: after, contractId: contract.id };
  }, isRace);
}
