import { CONSENT_CHANNELS, GENDERS, LIMITS as CUSTOMER_LIMITS } from '../customer';
import { INTERACTION_TYPES } from '../interaction';
import { absent, currency, DATE_FORMS, int, isDate, Issues, list, money, num, numeric, oneOf, range, text } from './check-values';
import { DAY_MS, parseInstant } from './dates';
import { CONDITION_LIMITS, LABEL_OPS, LEAF_KINDS, NUMERIC_OPS, ORDERS_FIELDS, PREDICTION_FIELDS, PROFILE_FIELDS, PROFILE_OPS, RFM_GROUPS, type ProfileFieldType } from './grammar';

/** Checks of each leaf kind; `p` is the node's path, problems name the offending member. */
const FIELDS: Record<string, readonly string[]> = {
  profile: ['field', 'op', 'value'],
  consent: ['channel', 'granted'],
  tag: ['op', 'value'],
  tier: ['op', 'value'],
  lifecycle: ['op', 'value'],
  rfm: ['field', 'op', 'value'],
  prediction: ['field', 'op', 'value', 'currency'],
  orders: ['field', 'op', 'value', 'currency'],
  behaviour: ['event', 'withinDays', 'op', 'value'],
  segment: ['op', 'value'],
};

export function checkLeaf(out: Issues, n: Record<string, unknown>, p: string, baseCurrency: string | undefined): void {
  if (!oneOf(out, n.kind, LEAF_KINDS, `${p}.kind`)) return;
  const kind = n.kind as (typeof LEAF_KINDS)[number];
  const known = FIELDS[kind]!;
  for (const k of Object.keys(n)) if (k !== 'kind' && !known.includes(k)) out.add(`${p}.${k}`, `is not a field of a ${kind} condition (fields: kind, ${known.join(', ')})`);
  switch (kind) {
    case 'profile':
      return checkProfile(out, n, p);
    case 'consent':
      oneOf(out, n.channel, CONSENT_CHANNELS, `${p}.channel`);
      if (typeof n.granted !== 'boolean') out.add(`${p}.granted`, n.granted === undefined ? 'is required' : 'must be true or false');
      return;
    case 'tag':
      oneOf(out, n.op, ['has', 'hasNot'], `${p}.op`);
      text(out, n.value, `${p}.value`, CUSTOMER_LIMITS.tagLength);
      return;
    case 'tier':
    case 'lifecycle':
      return label(out, n, p, (x, q) => text(out, x, q));
    case 'rfm':
      if (!oneOf(out, n.field, ['r', 'f', 'm', 'group'], `${p}.field`)) return;
      if (n.field === 'group') return label(out, n, p, (x, q) => oneOf(out, x, RFM_GROUPS, q));
      if (oneOf(out, n.op, NUMERIC_OPS, `${p}.op`)) numeric(out, n.op as string, n.value, `${p}.value`, (x, q) => int(out, x, 1, 5, q));
      return;
    case 'prediction':
      return checkPrediction(out, n, p, baseCurrency);
    case 'orders':
      return checkOrders(out, n, p, baseCurrency);
    case 'behaviour':
      checkEvent(out, n.event, `${p}.event`);
      int(out, n.withinDays, 1, CONDITION_LIMITS.withinDays, `${p}.withinDays`);
      if (oneOf(out, n.op, NUMERIC_OPS, `${p}.op`)) numeric(out, n.op as string, n.value, `${p}.value`, (x, q) => int(out, x, 0, CONDITION_LIMITS.count, q));
      return;
    case 'segment':
      oneOf(out, n.op, ['in', 'notIn'], `${p}.op`);
      text(out, n.value, `${p}.value`, 128);
      return;
  }
}

function label(out: Issues, n: Record<string, unknown>, p: string, item: (x: unknown, q: string) => boolean): void {
  if (!oneOf(out, n.op, LABEL_OPS, `${p}.op`)) return;
  if (n.op === 'in' || n.op === 'nin') list(out, n.value, `${p}.value`, item);
  else item(n.value, `${p}.value`);
}

function checkEvent(out: Issues, v: unknown, path: string): void {
  if (typeof v !== 'string') return void out.add(path, v === undefined ? 'is required' : 'must be a string');
  if (v === 'order' || v === 'checkout:abandoned') return;
  const colon = v.indexOf(':');
  const prefix = colon < 0 ? v : v.slice(0, colon);
  const rest = colon < 0 ? '' : v.slice(colon + 1);
  if (prefix === 'interaction') {
    if (!(INTERACTION_TYPES as readonly string[]).includes(rest)) out.add(path, `must be interaction:<type> with a type of ${INTERACTION_TYPES.join(', ')}`);
  } else if (prefix === 'product' || prefix === 'category') {
    if (rest.length === 0 || rest.length > CONDITION_LIMITS.textLength) out.add(path, `must be ${prefix}:<name> with a name of 1 to ${CONDITION_LIMITS.textLength} characters`);
  } else {
    out.add(path, 'must be "order", "checkout:abandoned", "interaction:<type>", "product:<name or sku>" or "category:<name>"');
  }
}

/** Which ops apply to which kind of profile field. */
const OPS_OF: Record<ProfileFieldType, readonly string[]> = {
  text: ['eq', 'neq', 'in', 'nin', 'contains', 'exists', 'notExists'],
  gender: ['eq', 'neq', 'in', 'nin', 'exists', 'notExists'],
  list: ['contains', 'exists', 'notExists'],
  birthday: ['exists', 'notExists', 'birthdayInNextDays', 'birthdayThisMonth', 'gt', 'gte', 'lt', 'lte', 'between', 'before', 'after'],
  date: ['exists', 'notExists', 'gt', 'gte', 'lt', 'lte', 'between', 'before', 'after', 'withinLastDays', 'notWithinLastDays'],
  attribute: PROFILE_OPS.filter((o) => !o.startsWith('birthday')),
};

export function profileFieldType(field: string): ProfileFieldType | undefined {
  if (Object.hasOwn(PROFILE_FIELDS, field)) return PROFILE_FIELDS[field as keyof typeof PROFILE_FIELDS];
  if (field.startsWith('attributes.') && field.length > 11 && field.length <= 11 + CUSTOMER_LIMITS.attributeKeyLength) return 'attribute';
  return undefined;
}

function checkProfile(out: Issues, n: Record<string, unknown>, p: string): void {
  const type = typeof n.field === 'string' ? profileFieldType(n.field) : undefined;
  if (!type) return void out.add(`${p}.field`, n.field === undefined ? 'is required' : `must be a profile field (${Object.keys(PROFILE_FIELDS).join(', ')}) or attributes.<key>`);
  if (!oneOf(out, n.op, PROFILE_OPS, `${p}.op`)) return;
  const op = n.op as string;
  const ops = OPS_OF[type];
  if (!ops.includes(op)) return void out.add(`${p}.op`, `does not apply to field ${n.field as string}; use one of ${ops.join(', ')}`);
  const v = n.value;
  const path = `${p}.value`;
  const scalar = (x: unknown, q: string): boolean => {
    if (type === 'gender') return oneOf(out, x, GENDERS, q);
    if (type === 'attribute' && (typeof x === 'boolean' || (typeof x === 'number' && Number.isFinite(x)))) return true;
    if (type === 'attribute' && typeof x !== 'string') {
      out.add(q, x === undefined ? 'is required' : 'must be a string, a finite number or a boolean');
      return false;
    }
    return text(out, x, q);
  };
  const point = (x: unknown, q: string): boolean => {
    if (type === 'attribute' && typeof x === 'number') return num(out, x, -Number.MAX_VALUE, Number.MAX_VALUE, q);
    if (isDate(x)) return true;
    out.add(q, x === undefined ? 'is required' : `must be ${type === 'attribute' ? 'a number or ' : ''}${DATE_FORMS}`);
    return false;
  };
  switch (op) {
    case 'exists':
    case 'notExists':
    case 'birthdayThisMonth':
      return absent(out, v, op, path);
    case 'eq':
    case 'neq':
      return void scalar(v, path);
    case 'in':
    case 'nin':
      return void list(out, v, path, scalar);
    case 'contains':
      return void text(out, v, path, type === 'list' ? CUSTOMER_LIMITS.tagLength : CONDITION_LIMITS.textLength);
    case 'between':
      if (Array.isArray(v) && v.length === 2 && typeof v[0] !== typeof v[1]) return void out.add(`${path}[1]`, 'must be of the same type as the first value');
      // A plain date as the upper end includes that whole day.
      return void range(out, v, path, point, (x: unknown) => (typeof x === 'number' ? x : parseInstant(x as string)), (x: unknown) => (typeof x === 'number' ? x : parseInstant(x as string) + ((x as string).length === 10 ? DAY_MS - 1 : 0)));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return void point(v, path);
    case 'before':
    case 'after':
      if (!isDate(v)) out.add(path, v === undefined ? 'is required' : `must be ${DATE_FORMS}`);
      return;
    case 'withinLastDays':
    case 'notWithinLastDays':
      return void int(out, v, 1, CONDITION_LIMITS.lastDays, path);
    case 'birthdayInNextDays':
      return void int(out, v, 0, CONDITION_LIMITS.birthdayDays, path);
  }
}

function checkPrediction(out: Issues, n: Record<string, unknown>, p: string, baseCurrency: string | undefined): void {
  if (!oneOf(out, n.field, PREDICTION_FIELDS, `${p}.field`) || !oneOf(out, n.op, NUMERIC_OPS, `${p}.op`)) return;
  const op = n.op as string;
  if (n.field === 'clv') {
    if (n.currency !== undefined && !currency(out, n.currency, `${p}.currency`)) return;
    if (n.currency !== undefined && baseCurrency !== undefined && n.currency !== baseCurrency) {
      return void out.add(`${p}.currency`, `must be the base currency ${baseCurrency}: CLV is computed in it`);
    }
    const cur = (n.currency as string | undefined) ?? baseCurrency;
    numeric(out, op, n.value, `${p}.value`, (x, q) => money(out, x, cur, q), (x) => Number(x));
    return;
  }
  if (n.currency !== undefined) out.add(`${p}.currency`, 'is only allowed with field clv');
  const max = n.field === 'pAlive' || n.field === 'churnRisk' ? 1 : 1_000_000;
  numeric(out, op, n.value, `${p}.value`, (x, q) => num(out, x, 0, max, q));
}

function checkOrders(out: Issues, n: Record<string, unknown>, p: string, baseCurrency: string | undefined): void {
  if (!oneOf(out, n.field, ORDERS_FIELDS, `${p}.field`) || !oneOf(out, n.op, NUMERIC_OPS, `${p}.op`)) return;
  const op = n.op as string;
  const path = `${p}.value`;
  if (n.field === 'totalSpent' || n.field === 'averageOrderValue') {
    if (n.currency !== undefined && !currency(out, n.currency, `${p}.currency`)) return;
    const cur = (n.currency as string | undefined) ?? baseCurrency;
    numeric(out, op, n.value, path, (x, q) => money(out, x, cur, q), (x) => Number(x));
    return;
  }
  if (n.currency !== undefined) out.add(`${p}.currency`, 'is only allowed with fields totalSpent and averageOrderValue');
  const max = n.field === 'count' ? CONDITION_LIMITS.count : CONDITION_LIMITS.daysSince;
  numeric(out, op, n.value, path, (x, q) => int(out, x, 0, max, q));
}
