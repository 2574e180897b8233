import type { Customer } from '../../domain/customer';
import { customerMessagesPk, customerPk, DEV_OUTBOX_PK, ticketKey, idempotencyCustomerPk, mergeListPk, SK, stripKeys } from '../../store/keys';
import { repoOf } from '../../store/repo-of';
import { TicketsRepo } from '../../store/tickets-repo';
import type { Ctx } from '../customers';
import { eraseLeads, exportLeads, leadIdsOfCustomer } from './leads';
import { queryAll } from '../../store/query-all';
import { deleteAll, partitionOf, scrubAll } from './raw-items';

/**
 * What the CRM holds about one customer, section by section: each section can list its data for an
 * export and erase it (blank free text and contact fields, drop copies) for an erasure. A feature
 * that keeps personal data outside these places adds a section here (and the e2e scan in
 * test/e2e/privacy.test.ts proves nothing was missed).
 */
export interface PrivacySection {
  name: string;
  export(ctx: Ctx, customer: Customer, hints?: SubjectHints): Promise<unknown[]>;
  /** Returns how many items it changed or removed. */
  erase(ctx: Ctx, customer: Customer, hints?: SubjectHints): Promise<number>;
}

/** What the request named besides the customer: the lead it was made for (a lead that became this customer). */
export interface SubjectHints {
  leadIds?: readonly string[];
}

/** Timeline (interactions, orders, messages, notes) and the partition's refs; the profile itself is the erasure's last step. */
const partition: PrivacySection = {
  name: 'timeline',
  async export(ctx, c) {
    const items = await partitionOf(ctx.deps.db, customerPk(c.id));
    return items.filter((i) => (i.SK as string).startsWith(SK.timelinePrefix)).map((i) => ({ type: i.entity, ...stripKeys<Record<string, unknown>>(i) }));
  },
  async erase(ctx, c) {
    const items = await partitionOf(ctx.deps.db, customerPk(c.id));
    return scrubAll(ctx, items.filter((i) => i.SK !== SK.profile && i.SK !== SK.aggregates && i.SK !== SK.state));
  },
};

const derived: PrivacySection = {
  name: 'derived',
  async export(ctx, c) {
    const items = await partitionOf(ctx.deps.db, customerPk(c.id));
    return items.filter((i) => i.SK === SK.aggregates || i.SK === SK.state || (i.SK as string).startsWith(SK.segmentRefPrefix)).map((i) => ({ item: i.SK, ...stripKeys<Record<string, unknown>>(i) }));
  },
  // Aggregates, derived state and memberships hold no personal data; they stay for the reports.
  async erase() {
    return 0;
  },
};

const tickets: PrivacySection = {
  name: 'tickets',
  async export(ctx, c) {
    const ids = await repoOf(ctx.deps, TicketsRepo).allOf(c.id);
    const out: unknown[] = [];
    for (const id of ids) out.push({ ticketId: id, items: (await partitionOf(ctx.deps.db, ticketKey(id).PK)).map((i) => ({ item: i.SK, ...stripKeys<Record<string, unknown>>(i) })) });
    return out;
  },
  async erase(ctx, c) {
    let n = 0;
    for (const id of await repoOf(ctx.deps, TicketsRepo).allOf(c.id)) n += await scrubAll(ctx, await partitionOf(ctx.deps.db, ticketKey(id).PK));
    return n;
  },
};

const messages: PrivacySection = {
  name: 'messages',
  async export(ctx, c) {
    const refs = await queryAll(ctx.deps.db, { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': customerMessagesPk(c.id) } });
    const out: unknown[] = [];
    for (const r of refs) out.push({ items: (await partitionOf(ctx.deps.db, r.PK as string)).map((i) => ({ item: i.SK, ...stripKeys<Record<string, unknown>>(i) })) });
    return out;
  },
  async erase(ctx, c) {
    let n = 0;
    const refs = await queryAll(ctx.deps.db, { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': customerMessagesPk(c.id) } });
    for (const r of refs) n += await scrubAll(ctx, await partitionOf(ctx.deps.db, r.PK as string));
    // Messages captured by the dev outbox instead of being delivered (locally, or before a provider is set up).
    const captured = await queryAll(ctx.deps.db, { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', FilterExpression: 'customerId = :c', ExpressionAttributeValues: { ':pk': DEV_OUTBOX_PK, ':c': c.id } });
    await deleteAll(ctx.deps.db, captured as { PK: string; SK: string }[]);
    return n + captured.length;
  },
};

/** Merge records keep what a merge filled in (for an unmerge): blanked, so the merge can no longer restore personal values. */
const merges: PrivacySection = {
  name: 'merges',
  async export(ctx, c) {
    return (await queryAll(ctx.deps.db, { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': mergeListPk(c.id) } })).map((i) => stripKeys(i));
  },
  async erase(ctx, c) {
    return scrubAll(ctx, await queryAll(ctx.deps.db, { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': mergeListPk(c.id) } }));
  },
};

/** Replay copies of answers about the customer kept for Idempotency-Key retries (24 h). */
const replays: PrivacySection = {
  name: 'replays',
  async export() {
    return [];
  },
  async erase(ctx, c) {
    const items = await queryAll(ctx.deps.db, { IndexName: 'GSI1', KeyConditionExpression: 'GSI1PK = :pk', ExpressionAttributeValues: { ':pk': idempotencyCustomerPk(c.id) } });
    await deleteAll(ctx.deps.db, items as { PK: string; SK: string }[]);
    return items.length;
  },
};

/** Leads of the customer (converted into them, or with their email or phone): contact, needs and follow-up text erased; see ./leads.ts. */
const leads: PrivacySection = {
  name: 'leads',
  async export(ctx, c, hints) {
    return exportLeads(ctx, [...new Set([...(await leadIdsOfCustomer(ctx, c)), ...(hints?.leadIds ?? [])])]);
  },
  async erase(ctx, c, hints) {
    return eraseLeads(ctx, [...new Set([...(await leadIdsOfCustomer(ctx, c)), ...(hints?.leadIds ?? [])])]);
  },
};

export const PRIVACY_SECTIONS: readonly PrivacySection[] = [partition, derived, tickets, messages, merges, leads, replays];
