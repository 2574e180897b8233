import { ConflictError, NotFoundError } from '../../domain/errors';
import { assertSees } from '../../domain/sales/access';
import { addDays } from '../../domain/sales/dates';
import { assertQuoteTransition, assertValidity, canRevise, isEditable, priceQuote, quoteNumber, type Quote, type QuoteLineInput, type QuoteTotals } from '../../domain/sales/quote';
import { RuleViolation } from '../../domain/service/errors';
import { countMetric } from '../../runtime/observability';
import type { Page } from '../../store/leads-repo';
import { changedFields, eventItem, nowIso, salesRepos, settingsOf, todayIn, Tx, withRetry, type Ctx, type SalesCtx } from './common';
import { isRace } from './lead-support';
import { requireOpportunity } from './opportunities';

/**
 * Quotes (报价单) of an opportunity: drafts edited freely, sent, accepted (which makes the
 * contract, see ./quote-accept.ts), rejected, expired when their validity is over (a timer), and
 * revised: a new revision with the same number, the old one superseded. A quote belongs to its
 * opportunity: whoever may see the opportunity may see its quotes.
 */
export interface QuoteInput {
  lines: QuoteLineInput[];
  totals?: Partial<QuoteTotals>;
  issuedOn?: string;
  validUntil?: string;
  notes?: string;
  terms?: string;
}

export async function requireQuote(ctx: SalesCtx, id: string): Promise<Quote> {
  const q = await salesRepos(ctx.deps).quotes.get(id);
  if (!q) throw new NotFoundError('Quote', id);
  const o = await salesRepos(ctx.deps).opportunities.get(q.opportunityId);
  assertSees(ctx.actor, 'Quote', id, o?.ownerId);
  return q;
}

function priced(input: QuoteInput, today: string, validityDays: number) {
  const { lines, totals } = priceQuote(input.lines, input.totals);
  const issuedOn = input.issuedOn ?? today;
  const validUntil = input.validUntil ?? addDays(issuedOn, validityDays);
  assertValidity(issuedOn, validUntil);
  return { lines, ...totals, issuedOn, validUntil, ...(input.notes ? { notes: input.notes } : {}), ...(input.terms ? { terms: input.terms } : {}) };
}

export async function createQuote(ctx: SalesCtx, opportunityId: string, input: QuoteInput): Promise<Quote> {
  const s = await settingsOf(ctx);
  const o = await requireOpportunity(ctx, opportunityId);
  if (o.status !== 'open') throw new RuleViolation('opportunity-closed', `Opportunity ${o.id} is ${o.status}; quotes are made for open opportunities.`, { status: o.status });
  const body = priced(input, todayIn(ctx, s), s.quoteValidityDays);
  const { quotes } = salesRepos(ctx.deps);
  const now = nowIso(ctx);
  const q: Quote = {
    id: ctx.deps.ids.next(),
    number: quoteNumber(await quotes.nextNumber()),
    revision: 1,
    opportunityId: o.id,
    customerId: o.customerId,
    ownerId: o.ownerId,
    status: 'draft',
    currency: o.currency,
    ...body,
    createdBy: ctx.actorId,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  await new Tx()
    .add('quote', quotes.put(undefined, q))
    .add('event', eventItem(ctx, 'QuoteCreated', { quoteId: q.id, opportunityId: o.id, number: q.number, revision: 1, totalMinor: q.totalMinor, currency: q.currency }, now, q.id))
    .run(ctx, () => new ConflictError(`Quote ${q.id} exists already.`));
  countMetric('QuotesCreated');
  return q;
}

/** Edits a draft (lines, totals, dates, notes); a sent quote is revised instead. */
export async function updateQuote(ctx: SalesCtx, id: string, input: Partial<QuoteInput> & { version?: number }): Promise<Quote> {
  const s = await settingsOf(ctx);
  const { quotes } = salesRepos(ctx.deps);
  return withRetry(async () => {
    const before = await requireQuote(ctx, id);
    if (input.version !== undefined && input.version !== before.version) throw new ConflictError(`The quote is at version ${before.version}, not ${input.version}; read it again and retry.`, { currentVersion: before.version });
    if (!isEditable(before)) throw new RuleViolation('quote-not-draft', `Quote ${id} is ${before.status}; only drafts are edited — revise it for a new revision.`, { status: before.status });
    const body = priced(
      { lines: input.lines ?? before.lines, ...(input.totals ? { totals: input.totals } : {}), issuedOn: input.issuedOn ?? before.issuedOn, validUntil: input.validUntil ?? before.validUntil, ...(input.notes ?? before.notes ? { notes: input.notes ?? before.notes } : {}), ...(input.terms ?? before.terms ? { terms: input.terms ?? before.terms } : {}) },
      todayIn(ctx, s),
      s.quoteValidityDays,
    );
    const now = nowIso(ctx);
    const after: Quote = { ...before, ...body, updatedAt: now, version: before.version + 1 };
    const changed = changedFields(before, after);
    if (changed.length === 0) return before;
    await new Tx()
      .add('quote', quotes.put(before, after))
      .add('event', eventItem(ctx, 'QuoteUpdated', { quoteId: id, opportunityId: after.opportunityId, changed, totalMinor: after.totalMinor }, now, id))
      .run(ctx, () => new ConflictError('race', { reason: input.version === undefined ? 'race' : 'version' }));
    return after;
  }, isRace);
}

/** Sends or rejects a quote (acceptance is ./quote-accept.ts). */
export async function setQuoteStatus(ctx: SalesCtx, id: string, to: 'sent' | 'rejected', reason?: string): Promise<Quote> {
  const s = await settingsOf(ctx);
  const { quotes } = salesRepos(ctx.deps);
  return withRetry(async () => {
    const before = await requireQuote(ctx, id);
    if (before.status === to) return before;
    assertQuoteTransition(before, to, todayIn(ctx, s));
    const now = nowIso(ctx);
    const after: Quote = { ...before, status: to, updatedAt: now, version: before.version + 1, ...(to === 'sent' ? { sentAt: now } : { rejectedAt: now, ...(reason ? { rejectReason: reason } : {}) }) };
    await new Tx()
      .add('quote', quotes.put(before, after))
      .add('event', eventItem(ctx, 'QuoteStatusChanged', { quoteId: id, opportunityId: after.opportunityId, from: before.status, to }, now, id))
      .run(ctx, () => new ConflictError('race', { reason: 'race' }));
    return after;
  }, isRace);
}

/** A new revision of a sent, rejected or expired quote (same number); the old one is superseded. */
export async function reviseQuote(ctx: SalesCtx, id: string, input: Partial<QuoteInput>): Promise<Quote> {
  const s = await settingsOf(ctx);
  const { quotes } = salesRepos(ctx.deps);
  return withRetry(async () => {
    const before = await requireQuote(ctx, id);
    if (!canRevise(before)) throw new RuleViolation(before.status === 'draft' ? 'quote-is-draft' : 'quote-status', before.status === 'draft' ? `Quote ${id} is a draft; edit it instead.` : `A ${before.status} quote cannot be revised.`, { status: before.status });
    const today = todayIn(ctx, s);
    const body = priced({ lines: input.lines ?? before.lines, ...(input.totals ? { totals: input.totals } : {}), issuedOn: today, ...(input.validUntil ? { validUntil: input.validUntil } : {}), ...(input.notes ?? before.notes ? { notes: input.notes ?? before.notes } : {}), ...(input.terms ?? before.terms ? { terms: input.terms ?? before.terms } : {}) }, today, s.quoteValidityDays);
    const now = nowIso(ctx);
    const next: Quote = {
      id: ctx.deps.ids.next(),
      number: before.number,
      revision: before.revision + 1,
      opportunityId: before.opportunityId,
      customerId: before.customerId,
      ownerId: before.ownerId,
      status: 'draft',
      currency: before.currency,
      ...body,
      supersedes: before.id,
      createdBy: ctx.actorId,
      createdAt: now,
      updatedAt: now,
      version: 1,
    };
    const old: Quote = { ...before, status: 'superseded', supersededBy: next.id, updatedAt: now, version: before.version + 1 };
    await new Tx()
      .add('old', quotes.put(before, old))
      .add('new', quotes.put(undefined, next))
      .add('event', eventItem(ctx, 'QuoteStatusChanged', { quoteId: before.id, opportunityId: before.opportunityId, from: before.status, to: 'superseded' }, now, before.id))
      .add('created', eventItem(ctx, 'QuoteCreated', { quoteId: next.id, opportunityId: next.opportunityId, number: next.number, revision: next.revision, totalMinor: next.totalMinor, currency: next.currency, supersedes: before.id }, now, next.id))
      .run(ctx, () => new ConflictError('race', { reason: 'race' }));
    return next;
  }, isRace);
}

export async function listQuotes(ctx: SalesCtx, opportunityId: string, limit: number, cursor?: string): Promise<Page<Quote>> {
  await requireOpportunity(ctx, opportunityId);
  return salesRepos(ctx.deps).quotes.ofOpportunity(opportunityId, limit, cursor);
}

export const QUOTE_EXPIRY_TIMER = 'quote.expire';

/** The expiry timer fired: a draft or sent quote whose validity is over becomes expired. */
export async function expireQuote(ctx: Ctx, id: string): Promise<boolean> {
  const s = await settingsOf(ctx);
  const { quotes } = salesRepos(ctx.deps);
  return withRetry(async () => {
    const before = await quotes.get(id);
    if (!before || (before.status !== 'draft' && before.status !== 'sent') || todayIn(ctx, s) <= before.validUntil) return false;
    const now = nowIso(ctx);
    const after: Quote = { ...before, status: 'expired', expiredAt: now, updatedAt: now, version: before.version + 1 };
    await new Tx()
      .add('quote', quotes.put(before, after))
      .add('event', eventItem(ctx, 'QuoteStatusChanged', { quoteId: id, opportunityId: before.opportunityId, from: before.status, to: 'expired' }, now, id))
      .run(ctx, () => new ConflictError('race', { reason: 'race' }));
    return true;
  }, isRace);
}
