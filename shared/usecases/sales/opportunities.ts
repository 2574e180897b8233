import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors';
import { assertSees } from '../../domain/sales/access';
import { missingRequirements, newlyReached, productsTotal, stageOf, type Opportunity, type OpportunityProduct, type OpportunityStatus, type StageVisit } from '../../domain/sales/opportunity';
import type { PipelineSettings, StageDef } from '../../domain/sales/settings';
import { dayCountersOf, diff, snapshotOf } from '../../domain/sales/stats';
import { RuleViolation } from '../../domain/service/errors';
import { countMetric } from '../../runtime/observability';
import type { Page } from '../../store/leads-repo';
import type { TransactItem } from '../../store/transact';
import { changedFields, dayOf, eventItem, nowIso, salesRepos, settingsOf, Tx, withRetry, type Ctx, type SalesCtx } from './common';
import { assertRep, isRace } from './lead-support';

/**
 * Opportunities (商机): create, change, read, list. Each write is one transaction with its
 * events and the pipeline counters (snapshot difference, the day's and the cohort's counters),
 * so the funnel and forecast are exact under retries. Stage moves are in ./stages.ts.
 */
export interface OpportunityFields {
  name: string;
  contactId?: string;
  amountMinor?: number;
  currency?: string;
  expectedCloseDate?: string;
  products?: OpportunityProduct[];
  competitors?: string[];
  nextStep?: string;
}

export interface NewOpportunity extends OpportunityFields {
  customerId: string;
  ownerId?: string;
  stage?: string;
  channel?: string;
  leadId?: string;
}

/** The counter updates of a change from `before` to `after` happening now. */
export function counterItems(ctx: Ctx, s: PipelineSettings, before: Opportunity | undefined, after: Opportunity): TransactItem[] {
  const nowMs = ctx.deps.clock.now().getTime();
  const { today, cohort } = dayCountersOf(before, after, nowMs);
  const todayKey = dayOf(new Date(nowMs).toISOString(), s);
  const cohortKey = dayOf(after.createdAt, s);
  const byDay: Record<string, Record<string, number>> = { [todayKey]: today };
  byDay[cohortKey] = { ...(byDay[cohortKey] ?? {}), ...cohort };
  return salesRepos(ctx.deps).stats.items(after.id, diff(snapshotOf(after), snapshotOf(before)), byDay);
}

export async function assertLiveCustomer(ctx: Ctx, id: string, field: string): Promise<void> {
  const c = await ctx.deps.customers.get(id);
  if (!c || c.status !== 'active') throw ValidationError.field(field, c?.status === 'merged' ? `customer ${id} was merged into ${c.mergedInto}` : `no live customer ${id}`);
}

export function firstOpenStage(stages: readonly StageDef[]): StageDef {
  return stages.find((s) => s.kind === 'open')!;
}

/** A new opportunity's items: the opportunity (and account ref), its first stage visit, counters, OpportunityCreated. */
export function newOpportunityItems(ctx: Ctx, s: PipelineSettings, o: Opportunity): TransactItem[] {
  const { opportunities } = salesRepos(ctx.deps);
  const visit: StageVisit = { id: o.stageVisitId, opportunityId: o.id, stage: o.stage, enteredAt: o.stageEnteredAt, enteredBy: ctx.actorId };
  return [
    ...opportunities.put(undefined, o),
    opportunities.visitPut(visit),
    ...counterItems(ctx, s, undefined, o),
    eventItem(ctx, 'OpportunityCreated', { opportunityId: o.id, customerId: o.customerId, ownerId: o.ownerId, stage: o.stage, channel: o.channel, ...(o.amountMinor !== undefined ? { amountMinor: o.amountMinor } : {}), currency: o.currency, ...(o.leadId ? { leadId: o.leadId } : {}) }, o.createdAt, o.id),
  ];
}

/** Builds a new opportunity in an open stage whose requirements it meets (409 naming the missing fields). */
export function buildOpportunity(ctx: Ctx, s: PipelineSettings, input: NewOpportunity & { ownerId: string }, id: string): Opportunity {
  const now = nowIso(ctx);
  const stage = input.stage ? stageOf(s.stages, input.stage) : firstOpenStage(s.stages);
  if (stage.kind !== 'open') throw ValidationError.field('stage', 'a new opportunity starts in an open stage');
  const products = input.products ?? [];
  const amountMinor = input.amountMinor ?? (products.length ? productsTotal(products) : undefined);
  const o: Opportunity = {
    id,
    name: input.name,
    customerId: input.customerId,
    ...(input.contactId ? { contactId: input.contactId } : {}),
    ...(input.leadId ? { leadId: input.leadId } : {}),
    ownerId: input.ownerId,
    stage: stage.id,
    status: 'open',
    probability: stage.probability,
    ...(amountMinor !== undefined ? { amountMinor } : {}),
    currency: input.currency ?? s.currency,
    ...(input.expectedCloseDate ? { expectedCloseDate: input.expectedCloseDate } : {}),
    products,
    competitors: input.competitors ?? [],
    channel: input.channel ?? 'direct',
    ...(input.nextStep ? { nextStep: input.nextStep } : {}),
    stageEnteredAt: now,
    stageVisitId: ctx.deps.ids.next(),
    reached: [],
    createdBy: ctx.actorId,
    createdAt: now,
    updatedAt: now,
    version: 1,
  };
  o.reached = newlyReached(o, s.stages, stage);
  const missing = missingRequirements(o, s.stages, stage);
  if (missing.length) throw new RuleViolation('stage-requirements', `To start in ${stage.name} the opportunity needs: ${missing.join(', ')}.`, { stage: stage.id, missing });
  return o;
}

export async function createOpportunity(ctx: SalesCtx, input: NewOpportunity): Promise<Opportunity> {
  const ownerId = input.ownerId ?? ctx.actor.id;
  if (ownerId !== ctx.actor.id && !ctx.actor.all) throw new ForbiddenError('Only managers (pipeline:all) create opportunities for another rep.');
  await assertRep(ctx, ownerId, 'ownerId');
  await assertLiveCustomer(ctx, input.customerId, 'customerId');
  if (input.contactId) await assertLiveCustomer(ctx, input.contactId, 'contactId');
  const s = await settingsOf(ctx);
  const o = buildOpportunity(ctx, s, { ...input, ownerId }, ctx.deps.ids.next());
  await new Tx().add('opportunity', ...newOpportunityItems(ctx, s, o)).run(ctx, () => new ConflictError(`Opportunity ${o.id} exists already.`));
  countMetric('OpportunitiesCreated');
  return o;
}

export async function requireOpportunity(ctx: SalesCtx, id: string): Promise<Opportunity> {
  const o = await salesRepos(ctx.deps).opportunities.get(id);
  if (!o) throw new NotFoundError('Opportunity', id);
  assertSees(ctx.actor, 'Opportunity', id, o.ownerId);
  return o;
}

export type OpportunityPatch = { [K in keyof OpportunityFields]?: OpportunityFields[K] | null } & { version?: number; ownerId?: string };

/** Changes fields (a closed deal is read-only; the owner changes only by a manager; clearing what the stage requires is refused). */
export async function updateOpportunity(ctx: SalesCtx, id: string, patch: OpportunityPatch): Promise<Opportunity> {
  if (patch.ownerId && !ctx.actor.all) throw new ForbiddenError('Only managers (pipeline:all) hand an opportunity to another rep.');
  if (patch.ownerId) await assertRep(ctx, patch.ownerId, 'ownerId');
  if (patch.contactId) await assertLiveCustomer(ctx, patch.contactId, 'contactId');
  const s = await settingsOf(ctx);
  const { opportunities } = salesRepos(ctx.deps);
  return withRetry(async () => {
    const before = await requireOpportunity(ctx, id);
    if (patch.version !== undefined && patch.version !== before.version) throw new ConflictError(`The opportunity is at version ${before.version}, not ${patch.version}; read it again and retry.`, { currentVersion: before.version });
    if (before.status !== 'open') throw new RuleViolation('opportunity-closed', `Opportunity ${id} is ${before.status}; a manager may reopen it first.`, { status: before.status });
    const { version: _v, ...fields } = patch;
    const after: Opportunity = { ...before };
    const record = after as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(fields)) {
      if (v === undefined) continue;
      if (v === null) {
        if (k === 'name' || k === 'currency') throw ValidationError.field(k, 'cannot be cleared');
        if (k === 'products' || k === 'competitors') record[k] = [];
        else delete record[k];
      } else record[k] = v;
    }
    const changed = changedFields(before, after);
    if (changed.length === 0) return before;
    const stage = stageOf(s.stages, before.stage);
    const missing = missingRequirements(after, s.stages, stage).filter((m) => !missingRequirements(before, s.stages, stage).includes(m));
    if (missing.length) throw new RuleViolation('stage-requirements', `In ${stage.name} the opportunity must keep: ${missing.join(', ')}.`, { stage: stage.id, missing });
    const now = nowIso(ctx);
    after.updatedAt = now;
    after.version = before.version + 1;
    await new Tx()
      .add('opportunity', ...opportunities.put(before, after))
      .add('counters', ...counterItems(ctx, s, before, after))
      .add('event', eventItem(ctx, 'OpportunityUpdated', { opportunityId: id, changed }, now, id))
      .run(ctx, () => new ConflictError('race', { reason: patch.version === undefined ? 'race' : 'version' }));
    return after;
  }, isRace);
}

export interface OpportunityQuery {
  ownerId?: string;
  status?: OpportunityStatus;
  stage?: string;
  customerId?: string;
  limit: number;
  cursor?: string;
}

/** An owner's deals (one's own, or anyone's with pipeline:all), an account's, or a stage's across reps (pipeline:all). */
export async function listOpportunities(ctx: SalesCtx, q: OpportunityQuery): Promise<Page<Opportunity>> {
  const { opportunities } = salesRepos(ctx.deps);
  if (q.customerId) {
    if (q.ownerId || q.status || q.stage) throw ValidationError.field('customerId', 'lists an account’s opportunities on its own (no ownerId, status or stage)');
    const ids = await opportunities.idsOfAccount(q.customerId, q.limit, q.cursor);
    const items = (await opportunities.getMany(ids.items)).filter((o) => ctx.actor.all || o.ownerId === ctx.actor.id);
    return { items, ...(ids.cursor ? { cursor: ids.cursor } : {}) };
  }
  if (q.stage && q.status && q.status !== 'open') throw ValidationError.field('stage', 'only open opportunities are in a stage');
  const owner = q.ownerId === 'me' ? ctx.actor.id : q.ownerId;
  if (owner && owner !== ctx.actor.id && !ctx.actor.all) throw new ForbiddenError('You may list only your own opportunities; other reps’ need pipeline:all.');
  if (!owner && ctx.actor.all && (q.stage || (q.status && q.status !== 'open'))) return opportunities.byStage(q.stage ?? q.status!, q.limit, q.cursor);
  return opportunities.byOwner(owner ?? ctx.actor.id, q.stage ? 'open' : q.status, q.stage, q.limit, q.cursor);
}

export async function opportunityHistory(ctx: SalesCtx, id: string, limit: number, cursor?: string): Promise<Page<StageVisit>> {
  await requireOpportunity(ctx, id);
  return salesRepos(ctx.deps).opportunities.visits(id, limit, cursor);
}
