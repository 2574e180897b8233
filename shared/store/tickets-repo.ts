import { BatchGetCommand, GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../domain/errors';
import { isUnsolved, type Ticket, type TicketStatus } from '../domain/service/ticket';
import type { VisibleTicket } from '../domain/service/visibility';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import {
  customerPk,
  stripKeys,
  TICKET_PREFIX,
  TICKET_SEQ_KEY,
  TICKET_SHARDS,
  ticketAgentPk,
  ticketAttachmentKey,
  ticketCommentKey,
  ticketHistoryKey,
  ticketKey,
  ticketOwnerKeys,
  ticketPk,
  ticketQueuePk,
  ticketRefKey,
  ticketLinkKey,
  ticketLinkPrefix,
  ticketStatusKeys,
  ticketStatusPk,
  timelineSk,
} from './keys';
import type { TransactItem } from './transact';

/**
 * Tickets and what hangs off them: history entries, comments, attachments, the ref in the
 * customer's partition (the 360 view's open tickets), and the list indexes (by status on GSI1, by
 * agent or group queue on GSI2). Writes are transact items: the use cases put a ticket change, its
 * history, its events and its counters in one transaction.
 */
export const TICKET_ENTITY = 'ticket';
export const TICKET_REF_ENTITY = 'ticket-ref';
const TIMELINE_ENTITY = 'timeline';

export interface HistoryEntry {
  id: string;
  at: string;
  actorId: string;
  action: string;
  changes: { field: string; from: unknown; to: unknown }[];
  reason?: string;
}

export interface TicketComment {
  id: string;
  ticketId: string;
  authorId: string;
  author: 'agent' | 'customer' | 'system';
  public: boolean;
  body: string;
  attachmentIds: string[];
  mentions: string[];
  createdAt: string;
}

export interface Attachment {
  id: string;
  ticketId: string;
  filename: string;
  contentType: string;
  /** Declared at creation; the uploaded size once completed. */
  size: number;
  status: 'pending' | 'ready';
  fileKey: string;
  uploadedBy: string;
  createdAt: string;
  readyAt?: string;
}

export interface Page<T> {
  items: T[];
  cursor?: string;
}

/**
 * A list to read: tickets of one status (all agents), of one agent, of a group's unassigned queue,
 * or an agent's workspace of one status (their own tickets and their groups' unassigned queues).
 */
export type TicketList =
  | { by: 'status'; status: TicketStatus }
  | { by: 'agent'; agentId: string; status?: TicketStatus | 'unsolved' }
  | { by: 'queue'; groupId?: string; status?: TicketStatus | 'unsolved' }
  | { by: 'workspace'; agentId: string; groupIds: readonly string[]; status: TicketStatus };

export function ticketItem(t: Ticket): Record<string, unknown> {
  return { ...ticketKey(t.id), entity: TICKET_ENTITY, ...t, ...ticketStatusKeys(t.status, t.id), ...ticketOwnerKeys(t) };
}

export const TICKET_LINK_ENTITY = 'ticket-link';

export const ticketFromItem = (item: Record<string, unknown>): Ticket => stripKeys<Ticket>(item);

export class TicketsRepo {
  constructor(private readonly db: Db) {}

  private get table() {
    return this.db.tableName;
  }

  async get(id: string, consistent = true): Promise<Ticket | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: ticketKey(id), ConsistentRead: consistent }));
    return res.Item ? ticketFromItem(res.Item) : undefined;
  }

  /**
   * What the visibility rule needs of each ticket (group, assignee, collaborators, escalation,
   * creator), by id: BatchGet of 100 keys a round, unprocessed keys retried with a short backoff.
   * A ticket that does not exist is absent from the map.
   */
  async visibilityOf(ids: readonly string[]): Promise<Map<string, VisibleTicket>> {
    const out = new Map<string, VisibleTicket>();
    const unique = [...new Set(ids)];
    for (let i = 0; i < unique.length; i += 100) {
      let keys: Record<string, unknown>[] | undefined = unique.slice(i, i + 100).map(ticketKey);
      for (let attempt = 0; keys && keys.length > 0; attempt++) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));
        const res = await this.db.doc.send(
          new BatchGetCommand({
            RequestItems: {
              [this.table]: {
                Keys: keys,
                ProjectionExpression: '#id, #g, #a, #c, #e, #by',
                ExpressionAttributeNames: { '#id': 'id', '#g': 'groupId', '#a': 'assigneeId', '#c': 'collaborators', '#e': 'escalation', '#by': 'createdBy' },
              },
            },
          }),
        );
        for (const item of res.Responses?.[this.table] ?? []) {
          const t = item as Partial<Ticket> & { id: string; createdBy: string };
          out.set(t.id, {
            id: t.id,
            createdBy: t.createdBy,
            collaborators: t.collaborators ?? [],
            ...(t.groupId !== undefined ? { groupId: t.groupId } : {}),
            ...(t.assigneeId !== undefined ? { assigneeId: t.assigneeId } : {}),
            ...(t.escalation ? { escalation: t.escalation } : {}),
          });
        }
        keys = res.UnprocessedKeys?.[this.table]?.Keys as Record<string, unknown>[] | undefined;
      }
    }
    return out;
  }

  /** The next running number (#1, #2, …); a number a failed create took is not reused. */
  async nextNumber(): Promise<number> {
    const res = await this.db.doc.send(
      new UpdateCommand({ TableName: this.table, Key: TICKET_SEQ_KEY, UpdateExpression: 'ADD #n :one SET entity = :e', ExpressionAttributeNames: { '#n': 'next' }, ExpressionAttributeValues: { ':one': 1, ':e': 'sequence' }, ReturnValues: 'UPDATED_NEW' }),
    );
    return Number(res.Attributes?.next ?? 1);
  }

  /** The ticket itself, written only over the version it was read at (or only when new). */
  putTicket(before: Ticket | undefined, after: Ticket): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: ticketItem(after),
        ...(before
          ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': before.version } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
  }

  /** The ref in the customer's partition: kept up to date while the ticket is not closed. */
  refItems(before: Ticket | undefined, after: Ticket): TransactItem[] {
    const items: TransactItem[] = [];
    if (before?.customerId && before.customerId !== after.customerId) {
      items.push({ Delete: { TableName: this.table, Key: ticketRefKey(before.customerId, before.id) } });
      items.push({ Delete: { TableName: this.table, Key: ticketLinkKey(before.customerId, before.id) } });
    }
    if (!after.customerId) return items;
    // Every ticket of the customer, closed ones too (data-subject export and erasure find them here).
    if (before?.customerId !== after.customerId) items.push({ Put: { TableName: this.table, Item: { ...ticketLinkKey(after.customerId, after.id), entity: TICKET_LINK_ENTITY, ticketId: after.id } } });
    if (after.status === 'closed') {
      if (before && before.status !== 'closed' && before.customerId === after.customerId) items.push({ Delete: { TableName: this.table, Key: ticketRefKey(after.customerId, after.id) } });
      return items;
    }
    const shown = (t: Ticket | undefined) => t && JSON.stringify([t.customerId, t.subject, t.status, t.priority, t.type, t.assigneeId, t.number, t.sla?.breached]);
    if (shown(before) === shown(after)) return items;
    items.push({
      Put: {
        TableName: this.table,
        Item: {
          ...ticketRefKey(after.customerId, after.id),
          entity: TICKET_REF_ENTITY,
          ticketId: after.id,
          number: after.number,
          subject: after.subject,
          status: after.status,
          priority: after.priority,
          type: after.type,
          ...(after.assigneeId ? { assigneeId: after.assigneeId } : {}),
          unsolved: isUnsolved(after.status),
          breached: !!after.sla?.breached,
          updatedAt: after.updatedAt,
        },
      },
    });
    return items;
  }

  /** A row on the customer's timeline (kind `ticket`). */
  timelinePut(customerId: string, entry: { id: string; occurredAt: string; summary: string; data: Record<string, unknown> }): TransactItem {
    return { Put: { TableName: this.table, Item: { PK: customerPk(customerId), SK: timelineSk(entry.id), entity: TIMELINE_ENTITY, kind: 'ticket', ...entry } } };
  }

  historyPut(ticketId: string, h: HistoryEntry): TransactItem {
    return { Put: { TableName: this.table, Item: { ...ticketHistoryKey(ticketId, h.id), entity: 'ticket-history', ticketId, ...h } } };
  }

  commentPut(c: TicketComment): TransactItem {
    return { Put: { TableName: this.table, Item: { ...ticketCommentKey(c.ticketId, c.id), entity: 'ticket-comment', ...c }, ConditionExpression: 'attribute_not_exists(PK)' } };
  }

  attachmentPut(a: Attachment, expectStatus?: Attachment['status']): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { ...ticketAttachmentKey(a.ticketId, a.id), entity: 'ticket-attachment', ...a },
        ...(expectStatus ? { ConditionExpression: '#s = :s', ExpressionAttributeNames: { '#s': 'status' }, ExpressionAttributeValues: { ':s': expectStatus } } : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
  }

  async getComment(ticketId: string, commentId: string): Promise<TicketComment | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: ticketCommentKey(ticketId, commentId), ConsistentRead: true }));
    return res.Item ? stripKeys<TicketComment>(res.Item) : undefined;
  }

  async getAttachment(ticketId: string, attachmentId: string): Promise<Attachment | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: ticketAttachmentKey(ticketId, attachmentId), ConsistentRead: true }));
    return res.Item ? stripKeys<Attachment>(res.Item) : undefined;
  }

  /** Items of a ticket's partition with a prefix (history, comments, attachments), oldest first. */
  async children<T>(ticketId: string, prefix: string, limit: number, cursor?: string): Promise<Page<T>> {
    const pk = ticketPk(ticketId);
    const start = decodeCursor(cursor, { PK: pk }, ['PK', 'SK']);
    if (start && !start.SK!.startsWith(prefix)) throw ValidationError.field('cursor', 'is not a cursor this API issued for this list');
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.table,
        KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
        ExpressionAttributeValues: { ':pk': pk, ':p': prefix },
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<T>(i)), ...(next ? { cursor: next } : {}) };
  }

  comments(ticketId: string, limit: number, cursor?: string) {
    return this.children<TicketComment & { ticketId: string }>(ticketId, TICKET_PREFIX.comment, limit, cursor);
  }

  history(ticketId: string, limit: number, cursor?: string) {
    return this.children<HistoryEntry & { ticketId: string }>(ticketId, TICKET_PREFIX.history, limit, cursor);
  }

  attachments(ticketId: string, limit: number, cursor?: string) {
    return this.children<Attachment>(ticketId, TICKET_PREFIX.attachment, limit, cursor);
  }

  /** Every ticket ever linked to the customer, closed ones too. */
  async allOf(customerId: string): Promise<string[]> {
    const out: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
          ExpressionAttributeValues: { ':pk': customerPk(customerId), ':p': ticketLinkPrefix },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...(res.Items ?? []).map((i) => i.ticketId as string));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /** The open ticket refs in a customer's partition (merges move them with the partition). */
  async refsOf(customerId: string): Promise<string[]> {
    const out: string[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)',
          ExpressionAttributeValues: { ':pk': customerPk(customerId), ':p': ticketRefKey(customerId, '').SK },
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...(res.Items ?? []).map((i) => i.ticketId as string));
      start = res.LastEvaluatedKey;
    } while (start);
    return out;
  }

  /**
   * A page of a ticket list, always through an index: by status (GSI1, TICKET_SHARDS partitions
   * queried in parallel and merged by id, newest first), by agent or group queue (GSI2).
   */
  async list(list: TicketList, limit: number, cursor?: string): Promise<Page<Ticket>> {
    if (list.by === 'status') return this.listByStatus(list.status, limit, cursor);
    if (list.by === 'workspace') return this.listWorkspace(list, limit, cursor);
    const pk = list.by === 'agent' ? ticketAgentPk(list.agentId) : ticketQueuePk(list.groupId);
    const start = decodeCursor(cursor, { GSI2PK: pk }, ['PK', 'SK', 'GSI2PK', 'GSI2SK']);
    const one = list.status && list.status !== 'unsolved' ? list.status : undefined;
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: 'GSI2',
        KeyConditionExpression: one ? 'GSI2PK = :pk AND begins_with(GSI2SK, :s)' : 'GSI2PK = :pk',
        ...(list.status === 'unsolved' ? { FilterExpression: '#st IN (:n, :o, :p, :h)', ExpressionAttributeNames: { '#st': 'status' } } : {}),
        ExpressionAttributeValues: {
          ':pk': pk,
          ...(one ? { ':s': `${one}#` } : {}),
          ...(list.status === 'unsolved' ? { ':n': 'new', ':o': 'open', ':p': 'pending', ':h': 'on-hold' } : {}),
        },
        ScanIndexForward: false,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map(ticketFromItem), ...(next ? { cursor: next } : {}) };
  }

  /**
   * An agent's workspace of one status: their own tickets (`TKTA#<agent>`) and each of their groups'
   * unassigned queues (`TKTQ#<group>`), one GSI2 Query per partition in parallel, merged by id
   * (newest first). A ticket is in exactly one of these partitions, so nothing repeats. The cursor
   * is the last id shown; each next page reads every partition below it.
   */
  private async listWorkspace(list: { agentId: string; groupIds: readonly string[]; status: TicketStatus }, limit: number, cursor?: string): Promise<Page<Ticket>> {
    const name = `workspace:${list.status}`;
    const after = decodeCursor(cursor, { list: name }, ['list', 'after'])?.after;
    const prefix = `${list.status}#`;
    const pks = [ticketAgentPk(list.agentId), ...[...new Set(list.groupIds)].map((g) => ticketQueuePk(g))];
    const parts = await Promise.all(
      pks.map((pk) =>
        this.db.doc.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: 'GSI2',
            // BETWEEN is inclusive: the cursor's own ticket is read again (hence limit + 1) and dropped.
            KeyConditionExpression: after ? 'GSI2PK = :pk AND GSI2SK BETWEEN :lo AND :hi' : 'GSI2PK = :pk AND begins_with(GSI2SK, :lo)',
            ExpressionAttributeValues: { ':pk': pk, ':lo': prefix, ...(after ? { ':hi': `${prefix}${after}` } : {}) },
            ScanIndexForward: false,
            Limit: after ? limit + 1 : limit,
          }),
        ),
      ),
    );
    const all = parts
      .flatMap((r) => (r.Items ?? []).map(ticketFromItem))
      .filter((t) => t.id !== after)
      .sort((a, b) => (a.id < b.id ? 1 : -1));
    const items = all.slice(0, limit);
    const more = all.length > limit || parts.some((r) => r.LastEvaluatedKey);
    const last = items[items.length - 1];
    return { items, ...(more && last ? { cursor: encodeCursor({ list: name, after: last.id }) } : {}) };
  }

  private async listByStatus(status: TicketStatus, limit: number, cursor?: string): Promise<Page<Ticket>> {
    const after = decodeCursor(cursor, { list: `status:${status}` }, ['list', 'after'])?.after;
    const shards = await Promise.all(
      Array.from({ length: TICKET_SHARDS }, (_, shard) =>
        this.db.doc.send(
          new QueryCommand({
            TableName: this.table,
            IndexName: 'GSI1',
            KeyConditionExpression: after ? 'GSI1PK = :pk AND GSI1SK < :after' : 'GSI1PK = :pk',
            ExpressionAttributeValues: { ':pk': ticketStatusPk(status, shard), ...(after ? { ':after': after } : {}) },
            ScanIndexForward: false,
            Limit: limit,
          }),
        ),
      ),
    );
    const all = shards.flatMap((r) => (r.Items ?? []).map(ticketFromItem)).sort((a, b) => (a.id < b.id ? 1 : -1));
    const items = all.slice(0, limit);
    const more = all.length > limit || shards.some((r) => r.LastEvaluatedKey);
    const last = items[items.length - 1];
    return { items, ...(more && last ? { cursor: encodeCursor({ list: `status:${status}`, after: last.id }) } : {}) };
  }
}
