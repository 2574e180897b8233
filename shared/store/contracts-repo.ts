import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CollectionPlan, Instalment, Payment } from '../domain/sales/collections';
import type { Contract, ContractStatus } from '../domain/sales/contract';
import type { Db } from './client';
import { decodeCursor, encodeCursor } from './cursor';
import {
  COLLECTIONS_DUE_PK,
  collectionsOwnerPk,
  CONTRACT_PREFIX,
  CONTRACT_SEQ_KEY,
  CONTRACT_SK,
  contractHistoryKey,
  contractKey,
  contractOwnerKeys,
  contractOwnerPk,
  contractPk,
  contractPlanKey,
  contractStatusKeys,
  contractStatusPk,
  instalmentDueKeys,
  instalmentKey,
  paymentKey,
  stripKeys,
} from './keys';
import type { Page } from './leads-repo';
import type { TransactItem } from './transact';

/**
 * Contracts and their collections: the contract, its history, the plan header (totals and a
 * version that serializes payments), the instalments (indexed by due date while outstanding) and
 * the payments, all in the contract's partition.
 */
export const CONTRACT_ENTITY = 'contract';

export interface ContractHistoryEntry {
  id: string;
  contractId: string;
  at: string;
  actorId: string;
  action: string;
  from?: string;
  to?: string;
  note?: string;
}

/** An outstanding instalment as the collection lists show it. */
export interface DueInstalment extends Instalment {
  contractId: string;
  ownerId: string;
  currency: string;
}

export interface ContractFile {
  contract: Contract;
  plan?: CollectionPlan;
  payments: Payment[];
}

type PlanHeader = Omit<CollectionPlan, 'instalments'> & { count: number; overdueCount: number };

export class ContractsRepo {
  constructor(private readonly db: Db) {}

  private get table() {
    return this.db.tableName;
  }

  async get(id: string): Promise<Contract | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.table, Key: contractKey(id), ConsistentRead: true }));
    return res.Item ? stripKeys<Contract>(res.Item) : undefined;
  }

  /** The contract with its plan, instalments and payments: one Query of its partition (a small one: history entries are skipped). */
  async file(id: string): Promise<ContractFile | undefined> {
    const items: Record<string, unknown>[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({ TableName: this.table, KeyConditionExpression: 'PK = :pk', ExpressionAttributeValues: { ':pk': contractPk(id) }, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }),
      );
      items.push(...(res.Items ?? []).filter((i) => !(i.SK as string).startsWith(CONTRACT_PREFIX.history)));
      start = res.LastEvaluatedKey;
    } while (start);
    const contractItem = items.find((i) => i.SK === CONTRACT_SK);
    if (!contractItem) return undefined;
    const header = items.find((i) => i.SK === 'PLAN');
    const instalments = items.filter((i) => (i.SK as string).startsWith(CONTRACT_PREFIX.instalment)).map((i) => stripKeys<Instalment & { contractId?: string; ownerId?: string; currency?: string }>(i));
    const payments = items.filter((i) => (i.SK as string).startsWith(CONTRACT_PREFIX.payment)).map((i) => stripKeys<Payment>(i));
    const plan = header
      ? (() => {
          const { count: _c, overdueCount: _o, ...h } = stripKeys<PlanHeader>(header);
          return { ...h, instalments: instalments.map(({ contractId: _id, ownerId: _own, currency: _cur, ...i }) => i as Instalment).sort((a, b) => a.no - b.no) };
        })()
      : undefined;
    return { contract: stripKeys<Contract>(contractItem), ...(plan ? { plan } : {}), payments: payments.sort((a, b) => (a.id < b.id ? -1 : 1)) };
  }

  put(before: Contract | undefined, after: Contract): TransactItem {
    return {
      Put: {
        TableName: this.table,
        Item: { ...contractKey(after.id), entity: CONTRACT_ENTITY, ...after, ...contractOwnerKeys(after), ...contractStatusKeys(after) },
        ...(before
          ? { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': before.version } }
          : { ConditionExpression: 'attribute_not_exists(PK)' }),
      },
    };
  }

  historyPut(e: ContractHistoryEntry): TransactItem {
    return { Put: { TableName: this.table, Item: { ...contractHistoryKey(e.contractId, e.id), entity: 'contract-history', ...e } } };
  }

  async history(contractId: string, limit: number, cursor?: string): Promise<Page<ContractHistoryEntry>> {
    const start = decodeCursor(cursor, { PK: contractPk(contractId) }, ['PK', 'SK']);
    const res = await this.db.doc.send(
      new QueryCommand({ TableName: this.table, KeyConditionExpression: 'PK = :pk AND begins_with(SK, :p)', ExpressionAttributeValues: { ':pk': contractPk(contractId), ':p': CONTRACT_PREFIX.history }, Limit: limit, ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: (res.Items ?? []).map((i) => stripKeys<ContractHistoryEntry>(i)), ...(next ? { cursor: next } : {}) };
  }

  /** The plan header over the version read (0: none yet): payments and replans are serialized by it. */
  planPut(expectedVersion: number, plan: CollectionPlan): TransactItem {
    const { instalments, ...h } = plan;
    const header: PlanHeader = { ...h, count: instalments.length, overdueCount: instalments.filter((i) => i.overdue).length };
    return {
      Put: {
        TableName: this.table,
        Item: { ...contractPlanKey(plan.contractId), entity: 'collection-plan', ...header },
        ...(expectedVersion === 0
          ? { ConditionExpression: 'attribute_not_exists(PK)' }
          : { ConditionExpression: '#v = :v', ExpressionAttributeNames: { '#v': 'version' }, ExpressionAttributeValues: { ':v': expectedVersion } }),
      },
    };
  }

  /** An instalment; while outstanding it is listed by due date under its owner and in the all-reps list. */
  instalmentPut(contract: Pick<Contract, 'id' | 'ownerId' | 'currency'>, i: Instalment): TransactItem {
    const listed = i.outstandingMinor > 0 ? instalmentDueKeys(contract.ownerId, contract.id, i.no, i.dueDate) : {};
    return { Put: { TableName: this.table, Item: { ...instalmentKey(contract.id, i.no), entity: 'instalment', contractId: contract.id, ownerId: contract.ownerId, currency: contract.currency, ...i, ...listed } } };
  }

  instalmentDelete(contractId: string, no: number): TransactItem {
    return { Delete: { TableName: this.table, Key: instalmentKey(contractId, no) } };
  }

  paymentPut(p: Payment): TransactItem {
    return { Put: { TableName: this.table, Item: { ...paymentKey(p.contractId, p.id), entity: 'payment', ...p }, ConditionExpression: 'attribute_not_exists(PK)' } };
  }

  private async gsi(index: 'GSI1' | 'GSI2', pk: string, opts: { prefix?: string; before?: string; forward: boolean }, limit: number, cursor?: string): Promise<{ items: Record<string, unknown>[]; cursor?: string }> {
    const [pkName, skName] = index === 'GSI1' ? ['GSI1PK', 'GSI1SK'] : ['GSI2PK', 'GSI2SK'];
    const start = decodeCursor(cursor, { [pkName]: pk }, ['PK', 'SK', pkName, skName]);
    const cond = opts.prefix ? ` AND begins_with(${skName}, :p)` : opts.before ? ` AND ${skName} < :b` : '';
    const res = await this.db.doc.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: index,
        KeyConditionExpression: `${pkName} = :pk${cond}`,
        ExpressionAttributeValues: { ':pk': pk, ...(opts.prefix ? { ':p': opts.prefix } : {}), ...(opts.before ? { ':b': opts.before } : {}) },
        ScanIndexForward: opts.forward,
        Limit: limit,
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    const next = encodeCursor(res.LastEvaluatedKey);
    return { items: res.Items ?? [], ...(next ? { cursor: next } : {}) };
  }

  /** An owner's contracts (of a status), soonest ending first. */
  async byOwner(ownerId: string, status: ContractStatus | undefined, limit: number, cursor?: string): Promise<Page<Contract>> {
    const r = await this.gsi('GSI1', contractOwnerPk(ownerId), { ...(status ? { prefix: `${status}#` } : {}), forward: true }, limit, cursor);
    return { items: r.items.map((i) => stripKeys<Contract>(i)), ...(r.cursor ? { cursor: r.cursor } : {}) };
  }

  /** Contracts of a status, soonest ending first (e.g. active ones coming up for renewal). */
  async byStatus(status: ContractStatus, limit: number, cursor?: string): Promise<Page<Contract>> {
    const r = await this.gsi('GSI2', contractStatusPk(status), { forward: true }, limit, cursor);
    return { items: r.items.map((i) => stripKeys<Contract>(i)), ...(r.cursor ? { cursor: r.cursor } : {}) };
  }

  /** Outstanding instalments soonest due first: one owner's, or everyone's; `dueBefore` keeps those due before a date (the overdue ones). */
  async outstanding(ownerId: string | undefined, dueBefore: string | undefined, limit: number, cursor?: string): Promise<Page<DueInstalment>> {
    const r = ownerId
      ? await this.gsi('GSI2', collectionsOwnerPk(ownerId), { ...(dueBefore ? { before: dueBefore } : {}), forward: true }, limit, cursor)
      : await this.gsi('GSI1', COLLECTIONS_DUE_PK, { ...(dueBefore ? { before: dueBefore } : {}), forward: true }, limit, cursor);
    return { items: r.items.map((i) => stripKeys<DueInstalment>(i)), ...(r.cursor ? { cursor: r.cursor } : {}) };
  }

  async nextNumber(): Promise<number> {
    const res = await this.db.doc.send(
      new UpdateCommand({ TableName: this.table, Key: CONTRACT_SEQ_KEY, UpdateExpression: 'SET entity = :e ADD n :one', ExpressionAttributeValues: { ':e': 'sequence', ':one': 1 }, ReturnValues: 'UPDATED_NEW' }),
    );
    return res.Attributes?.n as number;
  }
}
