import type { ConsentChannel } from '../customer';

/**
 * The condition language (docs/conditions.md): a JSON tree of groups (`all`, `any`, `not`) over
 * leaves that each test one fact of a customer. These are the shapes after validation.
 */
export type Condition = AllGroup | AnyGroup | NotGroup | Leaf;
export interface AllGroup {
  all: Condition[];
}
export interface AnyGroup {
  any: Condition[];
}
export interface NotGroup {
  not: Condition;
}

export type Leaf = ProfileLeaf | ConsentLeaf | TagLeaf | LabelLeaf | RfmLeaf | PredictionLeaf | OrdersLeaf | BehaviourLeaf | SegmentLeaf;
export type LeafKind = Leaf['kind'];
export const LEAF_KINDS = ['profile', 'consent', 'tag', 'tier', 'lifecycle', 'rfm', 'prediction', 'orders', 'behaviour', 'segment'] as const satisfies readonly LeafKind[];

export const CONDITION_LIMITS = { depth: 8, nodes: 100, listItems: 100, textLength: 256, withinDays: 400, lastDays: 3650, birthdayDays: 365, daysSince: 36_500, count: 1_000_000_000 } as const;

/** Comparisons of a number (or, on profile date fields, an instant). `between` is inclusive. */
export const NUMERIC_OPS = ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'between'] as const;
export type NumericOp = (typeof NUMERIC_OPS)[number];
/** Comparisons of a label (a string). `neq`/`nin` are the negations of `eq`/`in`. */
export const LABEL_OPS = ['eq', 'neq', 'in', 'nin'] as const;
export type LabelOp = (typeof LABEL_OPS)[number];

export type Scalar = string | number | boolean;
/** A money amount in major units: a number or a decimal string ("59.45"). */
export type Amount = number | string;

export const PROFILE_OPS = [
  'eq', 'neq', 'in', 'nin', 'contains', 'exists', 'notExists',
  'gt', 'gte', 'lt', 'lte', 'between', 'before', 'after', 'withinLastDays', 'notWithinLastDays',
  'birthdayInNextDays', 'birthdayThisMonth',
] as const;
export type ProfileOp = (typeof PROFILE_OPS)[number];

/** Profile fields and what kind of value each holds (attributes.<key> are `attribute`). */
export const PROFILE_FIELDS = {
  name: 'text', email: 'text', phone: 'text', country: 'text', region: 'text', city: 'text', sourceChannel: 'text', store: 'text',
  gender: 'gender', birthday: 'birthday', createdAt: 'date', tags: 'list',
} as const;
export type ProfileFieldType = (typeof PROFILE_FIELDS)[keyof typeof PROFILE_FIELDS] | 'attribute';
export type ProfileField = keyof typeof PROFILE_FIELDS | `attributes.${string}`;

export interface ProfileLeaf {
  kind: 'profile';
  field: ProfileField;
  op: ProfileOp;
  /** Absent for exists/notExists/birthdayThisMonth; a list for in/nin; [from, to] for between. */
  value?: Scalar | Scalar[];
}
export interface ConsentLeaf {
  kind: 'consent';
  channel: ConsentChannel;
  granted: boolean;
}
export interface TagLeaf {
  kind: 'tag';
  op: 'has' | 'hasNot';
  value: string;
}
export interface LabelLeaf {
  kind: 'tier' | 'lifecycle';
  op: LabelOp;
  value: string | string[];
}

export const RFM_GROUPS = ['Champions', 'Loyal', 'Potential loyalist', 'New', 'Promising', 'Need attention', 'About to sleep', 'At risk', "Can't lose", 'Hibernating', 'Lost'] as const;
export type RfmGroup = (typeof RFM_GROUPS)[number];
export type RfmLeaf = { kind: 'rfm'; field: 'r' | 'f' | 'm'; op: NumericOp; value: number | [number, number] } | { kind: 'rfm'; field: 'group'; op: LabelOp; value: RfmGroup | RfmGroup[] };

export const PREDICTION_FIELDS = ['pAlive', 'churnRisk', 'expectedOrders90', 'expectedOrders365', 'clv'] as const;
export interface PredictionLeaf {
  kind: 'prediction';
  field: (typeof PREDICTION_FIELDS)[number];
  op: NumericOp;
  value: Amount | [Amount, Amount];
  /** Only for `clv` (whose value is money in major units); default and only allowed value: the base currency. */
  currency?: string;
}

export const ORDERS_FIELDS = ['count', 'totalSpent', 'averageOrderValue', 'daysSinceFirstOrder', 'daysSinceLastOrder'] as const;
export type OrdersField = (typeof ORDERS_FIELDS)[number];
export interface OrdersLeaf {
  kind: 'orders';
  field: OrdersField;
  op: NumericOp;
  value: Amount | [Amount, Amount];
  /** Only for totalSpent/averageOrderValue; default: the evaluation context's base currency. */
  currency?: string;
}

/** `order`, `checkout:abandoned`, or `interaction:` / `product:` / `category:` followed by a name. */
export type BehaviourEvent = 'order' | 'checkout:abandoned' | `interaction:${string}` | `product:${string}` | `category:${string}`;
export interface BehaviourLeaf {
  kind: 'behaviour';
  event: BehaviourEvent;
  /** The last N UTC days including today. */
  withinDays: number;
  op: NumericOp;
  value: number | [number, number];
}
export interface SegmentLeaf {
  kind: 'segment';
  op: 'in' | 'notIn';
  value: string;
}

export function isAll(n: Condition): n is AllGroup {
  return (n as AllGroup).all !== undefined;
}
export function isAny(n: Condition): n is AnyGroup {
  return (n as AnyGroup).any !== undefined;
}
export function isNot(n: Condition): n is NotGroup {
  return (n as NotGroup).not !== undefined;
}

/** What compiling needs: money conditions without a `currency` are in the base currency. */
export interface ConditionContext {
  baseCurrency: string;
}
