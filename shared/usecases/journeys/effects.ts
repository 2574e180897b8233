import { ConflictError, DomainError } from '../../domain/errors';
import type { EffectResult } from '../../domain/journeys/engine';
import type { EffectStep, Enrollment, MessageStep, TaskStep, TicketStep, WebhookStep } from '../../domain/journeys/types';
import { countMetric } from '../../runtime/observability';
import { postSigned } from '../../runtime/outbound-webhook';
import { stableId } from '../../runtime/ports';
import type { Ctx } from '../customers';
import { deliver } from '../messaging/deliver';
import type { DeliveryOutcome } from '../messaging/types';
import { changeCustomerTags } from '../segmentation/tags';
import { createTask, groupTaskAssignee } from '../service/tasks';
import { createTicket } from '../service/tickets';
import { secretValue } from './secrets';

/**
 * The effects of journey steps, each run once per visit: its `key` (`jrn:<enrollment>:<step>:<visit>`)
 * is the message's delivery key, the seed of the task's and the ticket's ids, and the webhook's
 * X-CRM-Delivery, so a step retried after a crash (or run twice by racing runners) has one effect.
 * What a step produced is its outcome, recorded in the history; a skip or a failure does not stop
 * the journey. Errors of the infrastructure (the table, the network to AWS) are thrown: the run is
 * retried by its queue.
 */
export interface EffectPorts {
  deliver: typeof deliver;
  fetch?: typeof fetch;
}

const ports: EffectPorts = { deliver };

/** Tests swap the send pipeline or the network. */
export function setEffectPorts(p: Partial<EffectPorts>): void {
  Object.assign(ports, p);
}

/** A refusal of the step's input (an inactive agent, a bad tag, a customer merged away) is its outcome; a race or an in-flight send is retried. */
function failed(e: unknown): EffectResult {
  const retry = e instanceof ConflictError && ['delivery-in-progress', 'version'].includes(String(e.extra.rule ?? e.extra.reason));
  if (e instanceof DomainError && !retry) return { outcome: 'failed', detail: { reason: e.message } };
  throw e;
}

/**
 * The correlation id of what a step causes: `jrn:<depth>:<enrollment>`. Events a step causes (a tag
 * changed, a ticket opened) carry it, so a journey they start knows it is `depth` steps deep.
 */
export const stepCorrelation = (e: Enrollment) => `jrn:${e.trigger.depth ?? 0}:${e.id}`;

/** The depth of journey steps behind an event (0 when no step caused it). */
export function depthOf(correlationId: string): number {
  const m = /^jrn:(\d{1,3}):/.exec(correlationId);
  return m ? Number(m[1]) + 1 : 0;
}

export async function performEffect(ctx: Ctx, e: Enrollment, step: EffectStep, key: string): Promise<EffectResult> {
  const actor: Ctx = { ...ctx, correlationId: stepCorrelation(e), actorId: `system:journey:${e.journeyId}` };
  try {
    switch (step.type) {
      case 'message':
        return await message(actor, e, step, key);
      case 'tag': {
        await changeCustomerTags(actor, e.customerId, step.add ?? [], step.remove ?? []);
        return { outcome: 'ok', detail: { ...(step.add?.length ? { added: step.add } : {}), ...(step.remove?.length ? { removed: step.remove } : {}) } };
      }
      case 'task':
        return await task(actor, e, step, key);
      case 'ticket':
        return await ticket(actor, e, step, key);
      case 'webhook':
        return await webhook(actor, e, step, key);
    }
  } catch (err) {
    return failed(err);
  }
}

export function outcomeOf(o: DeliveryOutcome): EffectResult {
  switch (o.status) {
    case 'sent':
      return { outcome: 'sent', detail: { messageId: o.messageId } };
    case 'scheduled':
      return { outcome: 'scheduled', detail: { messageId: o.messageId, at: o.at, reason: o.reason } };
    case 'skipped':
      return { outcome: `skipped:${o.reason}`, detail: { messageId: o.messageId } };
    case 'failed':
      return { outcome: 'failed', detail: { messageId: o.messageId, reason: o.reason } };
    case 'duplicate':
      return { outcome: o.previous, detail: { messageId: o.messageId, duplicate: true } };
  }
}

async function message(ctx: Ctx, e: Enrollment, s: MessageStep, key: string): Promise<EffectResult> {
  const o = await ports.deliver(ctx, {
    key,
    customerId: e.customerId,
    channel: s.channel,
    templateId: s.templateId,
    ...(s.templateVersion !== undefined ? { templateVersion: s.templateVersion } : {}),
    ...(s.vars ? { vars: s.vars } : {}),
    purpose: s.purpose,
    source: { kind: 'journey', id: e.journeyId, step: s.id, ...(e.variant ? { variant: e.variant } : {}) },
    ...(s.respectQuietHours !== undefined ? { respectQuietHours: s.respectQuietHours } : {}),
  });
  countMetric('JourneyMessages');
  return outcomeOf(o);
}

async function task(ctx: Ctx, e: Enrollment, s: TaskStep, key: string): Promise<EffectResult> {
  const assigneeId = s.assigneeId ?? (s.groupId ? await groupTaskAssignee(ctx, s.groupId) : undefined);
  if (!assigneeId) return { outcome: 'skipped:no-assignee', detail: { groupId: s.groupId } };
  const now = ctx.deps.clock.now().getTime();
  const t = await createTask(
    ctx,
    {
      title: s.title,
      ...(s.description ? { description: s.description } : {}),
      assigneeId,
      ...(s.priority ? { priority: s.priority } : {}),
      dueAt: new Date(now + s.dueInHours * 3_600_000).toISOString(),
      links: { customerId: e.customerId },
    },
    { id: stableId(Date.parse(e.enteredAt), key) },
  );
  return { outcome: 'created', detail: { taskId: t.id, assigneeId: t.assigneeId } };
}

async function ticket(ctx: Ctx, e: Enrollment, s: TicketStep, key: string): Promise<EffectResult> {
  const t = await createTicket(
    ctx,
    {
      subject: s.subject,
      ...(s.description ? { description: s.description } : {}),
      type: s.ticketType,
      ...(s.priority ? { priority: s.priority } : {}),
      channel: 'api',
      customerId: e.customerId,
      ...(s.groupId ? { groupId: s.groupId } : {}),
      ...(s.assigneeId ? { assigneeId: s.assigneeId } : {}),
      source: 'api',
      sourceRef: `journey:${e.journeyId}:${e.id}`,
    },
    { id: stableId(Date.parse(e.enteredAt), key) },
  );
  return { outcome: 'created', detail: { ticketId: t.id } };
}

async function webhook(ctx: Ctx, e: Enrollment, s: WebhookStep, key: string): Promise<EffectResult> {
  const secret = await secretValue(ctx.deps, s.secretRef);
  if (!secret) return { outcome: 'failed', detail: { reason: `the journey webhook secret "${s.secretRef}" does not exist` } };
  const now = ctx.deps.clock.now().getTime();
  const body = {
    ...(s.payload ?? {}),
    type: 'journey.step',
    journeyId: e.journeyId,
    journeyVersion: e.version,
    enrollmentId: e.id,
    stepId: s.id,
    customerId: e.customerId,
    trigger: { kind: e.trigger.kind, id: e.trigger.eventId, ...(e.trigger.eventType ? { event: e.trigger.eventType } : {}), at: e.trigger.at },
    at: new Date(now).toISOString(),
  };
  const r = await postSigned({ url: s.url, secret, deliveryId: key, body }, now, ports.fetch ?? fetch);
  countMetric('JourneyWebhooks');
  if (r.ok) return { outcome: 'delivered', detail: { status: r.status } };
  return { outcome: 'failed', retryable: r.retryable, detail: { reason: r.reason, ...(r.status ? { status: r.status } : {}) } };
}
