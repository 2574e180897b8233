import { PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Customer } from '../../domain/customer';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { localDate } from '../../domain/service/business-hours';
import { assertCadence, fireTime, renderTemplate, type CadenceAction, type CadenceRule, type CadenceTrigger } from '../../domain/service/cadences';
import { messageSender } from '../../runtime/messaging';
import { countMetric } from '../../runtime/observability';
import { stableId } from '../../runtime/ports';
import { customerPk, timelineSk } from '../../store/keys';
import type { Timer } from '../../store/timers-repo';
import { setTimer } from '../timers/timers';
import { settingsOf, type Ctx } from './common';
import { buildTask, groupTaskAssignee, writeNewTask } from './tasks';

/**
 * Care cadences: rules that turn events into timed tasks or messages. The care-cadences consumer
 * sets a `care.fire` timer per rule and occasion (a new lead, an order, the renewal date, the next
 * birthday); a yearly `care.holiday` timer walks the customer list (the live-customer index, page
 * by page, never a scan) for holiday care. When a timer fires it checks the rule is still active
 * and the occasion still holds (the birthday was not changed meanwhile), then makes the task or
 * sends the message — once: ids are derived from the rule and the occasion.
 */
export const CARE_FIRE = 'care.fire';
export const CARE_HOLIDAY = 'care.holiday';
const HOLIDAY_PAGE = 100;

export interface CadenceInput {
  name: string;
  active?: boolean;
  trigger: CadenceTrigger;
  action: CadenceAction;
}

export async function saveCadence(ctx: Ctx, input: CadenceInput, existing?: { id: string; version: number }): Promise<CadenceRule> {
  assertCadence(input);
  const now = ctx.deps.clock.now().toISOString();
  const before = existing ? await ctx.deps.cadences.get(existing.id) : undefined;
  if (existing && !before) throw new NotFoundError('Cadence rule', existing.id);
  const rule: CadenceRule = {
    id: before?.id ?? ctx.deps.ids.next(),
    name: input.name,
    active: input.active ?? true,
    trigger: input.trigger,
    action: input.action,
    createdAt: before?.createdAt ?? now,
    updatedAt: now,
    version: (existing?.version ?? 0) + 1,
  };
  if (input.action.kind === 'task' && input.action.assigneeId) {
    const a = await ctx.deps.agents.getAgent(input.action.assigneeId);
    if (!a || !a.active) throw ValidationError.field('action.assigneeId', `no active agent ${input.action.assigneeId}`);
  }
  if (input.action.kind === 'task' && input.action.groupId && !(await ctx.deps.agents.getGroup(input.action.groupId))) {
    throw ValidationError.field('action.groupId', `no group ${input.action.groupId}`);
  }
  await ctx.deps.cadences.save(rule, existing?.version ?? 0);
  if (rule.active && rule.trigger.on === 'holiday') await scheduleHoliday(ctx, rule);
  return rule;
}

async function scheduleHoliday(ctx: Ctx, rule: CadenceRule): Promise<void> {
  if (rule.trigger.on !== 'holiday') return;
  const s = await settingsOf(ctx);
  const at = fireTime(rule.trigger, { now: ctx.deps.clock.now().getTime() }, { hour: s.careHour, timeZone: s.reportTimeZone })!;
  await setTimer(ctx.deps, { kind: CARE_HOLIDAY, key: `${rule.id}:${new Date(at).toISOString().slice(0, 4)}`, dueAt: new Date(at).toISOString(), payload: { ruleId: rule.id, occasion: new Date(at).toISOString().slice(0, 10) } });
}

type Occasion = { customerId: string; anchor: string; at: number };

/** The occasions an event gives each rule (customer events, orders). */
export async function planCare(ctx: Ctx, e: { type: string; data: Record<string, unknown> }): Promise<number> {
  const rules = (await ctx.deps.cadences.all()).filter((r) => r.active);
  if (rules.length === 0) return 0;
  const s = await settingsOf(ctx);
  const care = { hour: s.careHour, timeZone: s.reportTimeZone };
  const customerId = e.data.customerId as string;
  const now = ctx.deps.clock.now().getTime();
  let customer: Customer | undefined;
  const load = async () => (customer ??= await ctx.deps.customers.get(customerId));
  let planned = 0;
  for (const rule of rules) {
    const t = rule.trigger;
    let occasion: Occasion | undefined;
    if (e.type === 'CustomerCreated' && t.on === 'customer-created') {
      const c = await load();
      const at = c && fireTime(t, { now, createdAt: c.createdAt, ...(c.sourceChannel ? { sourceChannel: c.sourceChannel } : {}) }, care);
      if (at !== undefined) occasion = { customerId, anchor: 'created', at };
    } else if (e.type === 'OrderPlaced' && t.on === 'order-placed') {
      const at = fireTime(t, { now, placedAt: e.data.placedAt as string }, care);
      if (at !== undefined) occasion = { customerId, anchor: `order:${e.data.platform}:${e.data.store}:${e.data.orderId}`, at };
    } else if ((e.type === 'CustomerCreated' || e.type === 'CustomerUpdated' || e.type === 'CustomerRestored') && (t.on === 'birthday' || t.on === 'date-attribute')) {
      const changed = (e.data.changed as string[] | undefined) ?? ['birthday', 'attributes'];
      if (t.on === 'birthday' && !changed.includes('birthday')) continue;
      if (t.on === 'date-attribute' && !changed.includes('attributes')) continue;
      const c = await load();
      if (!c || c.status !== 'active') continue;
      const at = fireTime(t, { now, ...(c.birthday ? { birthday: c.birthday } : {}), attributes: c.attributes }, care);
      if (at !== undefined) occasion = { customerId, anchor: t.on === 'birthday' ? `birthday:${localDate(at, care.timeZone)}` : `${t.attribute}:${String(c.attributes[t.attribute]).slice(0, 10)}`, at };
    }
    if (!occasion) continue;
    await setTimer(ctx.deps, { kind: CARE_FIRE, key: `${rule.id}:${customerId}:${occasion.anchor}`, dueAt: new Date(Math.max(occasion.at, now)).toISOString(), payload: { ruleId: rule.id, customerId, anchor: occasion.anchor } });
    planned++;
  }
  return planned;
}

/** Does the occasion still hold when the timer fires? (A changed birthday or renewal date does not fire.) */
function stillHolds(rule: CadenceRule, c: Customer, anchor: string): boolean {
  const t = rule.trigger;
  if (t.on === 'birthday') return !!c.birthday && anchor.startsWith('birthday:') && (anchor.slice(14) === c.birthday.slice(5) || (c.birthday.slice(5) === '02-29' && anchor.slice(14) === '02-28'));
  if (t.on === 'date-attribute') return anchor === `${t.attribute}:${String(c.attributes[t.attribute]).slice(0, 10)}`;
  return true;
}

/** Makes the rule's task or sends its message for one customer and occasion, once. */
export async function performCare(ctx: Ctx, rule: CadenceRule, c: Customer, anchor: string, atMs: number): Promise<'task' | 'message' | 'skipped'> {
  const a = rule.action;
  const seed = `care:${rule.id}:${c.id}:${anchor}`;
  if (a.kind === 'task') {
    const assigneeId = a.assigneeId ?? (a.groupId ? await groupTaskAssignee(ctx, a.groupId) : undefined);
    if (!assigneeId) return 'skipped';
    const s = await settingsOf(ctx);
    const task = buildTask(
      { ...ctx, actorId: `system:cadence:${rule.id}` },
      {
        title: `${a.title}${c.name ? ` — ${c.name}` : ''}`,
        ...(a.description ? { description: a.description } : {}),
        assigneeId,
        priority: a.priority,
        dueAt: new Date(atMs + a.dueInHours * 3_600_000).toISOString(),
        links: { customerId: c.id },
        kind: 'cadence',
        ruleId: rule.id,
      },
      { remindBeforeMinutes: s.taskRemindBeforeMinutes },
      stableId(atMs, seed),
    );
    await writeNewTask(ctx, task);
    countMetric('CareTasks');
    return 'task';
  }
  // A care message is marketing: only with the customer's consent on that channel.
  if (c.consent[a.channel]?.granted !== true) return 'skipped';
  const to = a.channel === 'email' ? c.email : c.phone;
  if (!to) return 'skipped';
  const sent = await messageSender(ctx.deps).send({
    id: seed,
    channel: a.channel === 'wechat' ? 'wechat' : a.channel,
    to,
    ...(a.subject ? { subject: renderTemplate(a.subject, { ...(c.name ? { name: c.name } : {}) }) } : {}),
    body: renderTemplate(a.body, { ...(c.name ? { name: c.name } : {}) }),
    purpose: 'care',
    customerId: c.id,
    refs: { ruleId: rule.id },
  });
  const entryId = stableId(atMs, `${seed}:timeline`);
  await ctx.deps.db.doc.send(
    new PutCommand({
      TableName: ctx.deps.db.tableName,
      Item: { PK: customerPk(c.id), SK: timelineSk(entryId), entity: 'timeline', id: entryId, kind: 'message', occurredAt: sent.sentAt, summary: `${rule.name}: message sent by ${a.channel}`, data: { ruleId: rule.id, purpose: 'care', channel: a.channel } },
    }),
  );
  countMetric('CareMessages');
  return 'message';
}

export async function onCareFire(ctx: Ctx, timer: Timer): Promise<void> {
  const { ruleId, customerId, anchor } = timer.payload as { ruleId: string; customerId: string; anchor: string };
  const rule = await ctx.deps.cadences.get(ruleId);
  if (!rule || !rule.active) return;
  const c = await ctx.deps.customers.get(customerId);
  if (!c || c.status !== 'active' || !stillHolds(rule, c, anchor)) return;
  await performCare(ctx, rule, c, anchor, Date.parse(timer.dueAt));
  // Birthdays come back every year.
  if (rule.trigger.on === 'birthday') await planCare(ctx, { type: 'CustomerUpdated', data: { customerId, changed: ['birthday'] } });
}

/**
 * Holiday care: one page of the live-customer list per firing, each customer handled once for this
 * occasion; the next page is a timer due at once; after the last page, next year's is set.
 */
export async function onCareHoliday(ctx: Ctx, timer: Timer): Promise<void> {
  const { ruleId, occasion, after } = timer.payload as { ruleId: string; occasion: string; after?: string };
  const rule = await ctx.deps.cadences.get(ruleId);
  if (!rule || !rule.active || rule.trigger.on !== 'holiday') return;
  const page = await ctx.deps.customers.list(HOLIDAY_PAGE, after);
  const at = Date.parse(timer.dueAt);
  for (const c of page.items) await performCare(ctx, rule, c, `holiday:${occasion}`, at);
  if (page.cursor) {
    const now = ctx.deps.clock.now().toISOString();
    await setTimer(ctx.deps, { kind: CARE_HOLIDAY, key: `${rule.id}:${occasion}:${page.cursor}`, dueAt: now, payload: { ruleId, occasion, after: page.cursor } });
    return;
  }
  const s = await settingsOf(ctx);
  const next = fireTime(rule.trigger, { now: Date.parse(`${occasion}T00:00:00Z`) + 2 * 86_400_000 }, { hour: s.careHour, timeZone: s.reportTimeZone })!;
  await setTimer(ctx.deps, { kind: CARE_HOLIDAY, key: `${rule.id}:${new Date(next).toISOString().slice(0, 4)}`, dueAt: new Date(next).toISOString(), payload: { ruleId, occasion: new Date(next).toISOString().slice(0, 10) } });
}
