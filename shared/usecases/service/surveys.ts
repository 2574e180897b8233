import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors';
import { GoneError, RuleViolation } from '../../domain/service/errors';
import { checkSurveyLink, isBadRating, signSurveyLink, type Survey, type SurveyKind } from '../../domain/service/surveys';
import { messageSender, type MessageChannel } from '../../runtime/messaging';
import { findSuppression } from '../messaging/suppressions';
import { countMetric } from '../../runtime/observability';
import { stableId } from '../../runtime/ports';
import { customerPk, timelineSk } from '../../store/keys';
import { outboxPut } from '../../store/outbox';
import { transactWrite } from '../../store/transact';
import { reportDay, settingsOf, svcEvent, type Ctx } from './common';
import { createTicket, mutateTicket } from './tickets';
import { writeNewTask, buildTask } from './tasks';
import type { Timer } from '../../store/timers-repo';
import type { Ticket } from '../../domain/service/ticket';

/**
 * Satisfaction surveys: sent through the message channel (a CSAT survey a configurable time after
 * a ticket is solved; NPS surveys when asked), answered through a signed link with no login, and
 * a bad rating (1–2) turned into a complaint and a follow-up task for the manager.
 */
const QUESTION: Record<SurveyKind, { question: string; scale: { min: number; max: number } }> = {
  csat: { question: 'How satisfied are you with how we handled your request? (1 = very dissatisfied, 5 = very satisfied)', scale: { min: 1, max: 5 } },
  nps: { question: 'How likely are you to recommend us to a friend or colleague? (0 = not at all, 10 = extremely likely)', scale: { min: 0, max: 10 } },
};

export function surveyLink(base: string, id: string, expires: number, sig: string): string {
  return `${base.replace(/\/$/, '')}/v1/surveys/${id}/response?${new URLSearchParams({ expires: String(expires), sig })}`;
}

/**
 * The channel a survey goes by: e-mail, else SMS, skipping an address on the suppression list for
 * a bounce or a complaint (a marketing opt-out does not stop a service message, as in `decide`).
 */
async function surveyChannelOf(ctx: Ctx, customer: { email?: string; phone?: string }): Promise<MessageChannel | undefined> {
  for (const [channel, address] of [['email', customer.email], ['sms', customer.phone]] as const) {
    if (!address) continue;
    const s = await findSuppression(ctx, channel, address);
    if (!s || s.reason === 'opt-out') return channel;
  }
  return undefined;
}

/**
 * Sends one survey, once (its id is derived from what it is about): the survey is recorded, the
 * message sent with the survey id as its idempotency key, then marked sent with SurveySent and a
 * line on the customer's timeline. A customer with no e-mail address or phone that may be written
 * to (see surveyChannelOf) is `undeliverable`.
 */
export async function sendSurvey(ctx: Ctx, input: { id: string; kind: SurveyKind; customerId: string; ticketId?: string; ticketNumber?: number }): Promise<Survey> {
  const { deps } = ctx;
  const existing = await deps.surveys.get(input.id);
  if (existing && existing.status !== 'sending') return existing;
  const settings = await settingsOf(ctx);
  const nowMs = deps.clock.now().getTime();
  const now = new Date(nowMs).toISOString();
  const customer = await deps.customers.get(input.customerId);
  const channel = customer?.status === 'active' ? await surveyChannelOf(ctx, customer) : undefined;
  const survey: Survey = existing ?? {
    id: input.id,
    kind: input.kind,
    customerId: input.customerId,
    ...(input.ticketId ? { ticketId: input.ticketId } : {}),
    status: 'sending',
    expiresAt: new Date(nowMs + settings.surveyExpiryDays * 86_400_000).toISOString(),
    createdAt: now,
  };
  if (!channel) {
    await transactWrite(deps.db, [deps.surveys.put({ ...survey, status: 'undeliverable' }, existing ? 'sending' : undefined)], () => new RuleViolation('survey-exists', 'The survey was recorded meanwhile.')).catch((e) => {
      if (!(e instanceof RuleViolation)) throw e;
    });
    countMetric('SurveysUndeliverable');
    return { ...survey, status: 'undeliverable' };
  }
  if (!existing) {
    await transactWrite(deps.db, [deps.surveys.put(survey)], () => new RuleViolation('survey-exists', 'The survey was recorded meanwhile.')).catch((e) => {
      if (!(e instanceof RuleViolation)) throw e;
    });
  }
  const expires = Math.floor(Date.parse(survey.expiresAt) / 1000);
  const link = surveyLink(settings.surveyLinkBaseUrl, survey.id, expires, signSurveyLink(deps.linkKey, survey.id, expires));
  const q = QUESTION[survey.kind];
  const about = input.ticketNumber ? ` about your request #${input.ticketNumber}` : '';
  await messageSender(deps).send({
    id: `survey:${survey.id}`,
    channel,
    to: channel === 'email' ? customer!.email! : customer!.phone!,
    ...(channel === 'email' ? { subject: survey.kind === 'csat' ? `How did we do${about}?` : 'Would you recommend us?' } : {}),
    body: `${customer!.name ? `Hi ${customer!.name},\n\n` : ''}${q.question}\nAnswer here (no login needed, valid until ${survey.expiresAt.slice(0, 10)}): ${link}`,
    purpose: 'survey',
    customerId: survey.customerId,
    refs: { surveyId: survey.id, ...(survey.ticketId ? { ticketId: survey.ticketId } : {}) },
  });
  const sent: Survey = { ...survey, status: 'sent', channel, sentAt: now };
  const entryId = stableId(nowMs, `survey:${survey.id}:sent`);
  try {
    await transactWrite(
      deps.db,
      [
        deps.surveys.put(sent, 'sending'),
        outboxPut(deps.db.tableName, svcEvent(ctx, 'SurveySent', { surveyId: survey.id, kind: survey.kind, customerId: survey.customerId, ...(survey.ticketId ? { ticketId: survey.ticketId } : {}), channel }, now, survey.id)),
        {
          Put: {
            TableName: deps.db.tableName,
            Item: { PK: customerPk(survey.customerId), SK: timelineSk(entryId), entity: 'timeline', id: entryId, kind: 'message', occurredAt: now, summary: `${survey.kind.toUpperCase()} survey sent by ${channel}`, data: { surveyId: survey.id, purpose: 'survey', channel, ...(survey.ticketId ? { ticketId: survey.ticketId } : {}) } },
          },
        },
      ],
      () => new RuleViolation('survey-sent', 'The survey was sent meanwhile.'),
    );
    countMetric('SurveysSent');
  } catch (e) {
    if (!(e instanceof RuleViolation)) throw e;
  }
  return sent;
}

/** The timer after a solve: a CSAT survey about the ticket, unless it was reopened (and solved again) since. */
export async function onSurveyDue(ctx: Ctx, timer: Timer): Promise<void> {
  const { ticketId, solvedAt } = timer.payload as { ticketId: string; solvedAt: string };
  const t = await ctx.deps.tickets.get(ticketId);
  if (!t || !t.customerId) return;
  const stillSolved = (t.status === 'solved' && t.solvedAt === solvedAt) || (t.status === 'closed' && (!t.solvedAt || t.solvedAt === solvedAt));
  if (!stillSolved) return;
  await sendSurvey(ctx, { id: stableId(Date.parse(solvedAt), `csat:${ticketId}`), kind: 'csat', customerId: t.customerId, ticketId, ticketNumber: t.number });
}

/** NPS surveys to the given customers (periodic relationship surveys, run by a service admin). */
export async function sendNpsSurveys(ctx: Ctx, customerIds: string[], campaign: string): Promise<Survey[]> {
  const out: Survey[] = [];
  for (const customerId of [...new Set(customerIds)]) {
    const c = await ctx.deps.customers.get(customerId);
    if (!c || c.status !== 'active') throw ValidationError.field('customerIds', `no live customer ${customerId}`);
  }
  for (const customerId of [...new Set(customerIds)]) {
    out.push(await sendSurvey(ctx, { id: stableId(ctx.deps.clock.now().getTime(), `nps:${campaign}:${customerId}`), kind: 'nps', customerId }));
  }
  return out;
}

/** Checks a link; 403 when forged, 410 when expired. */
function checkLink(ctx: Ctx, id: string, link: { expires?: string | undefined; sig?: string | undefined }): void {
  const r = checkSurveyLink(ctx.deps.linkKey, id, link.expires, link.sig, ctx.deps.clock.now().getTime());
  if (!r.ok && r.reason === 'forged') throw new ForbiddenError('This survey link is not valid (its signature does not match); use the link you were sent.');
  if (!r.ok) throw new GoneError('This survey link has expired.', { rule: 'survey-link-expired' });
}

/** The survey a link opens (no personal data: the question, the scale, whether it was answered). */
export async function openSurvey(ctx: Ctx, id: string, link: { expires?: string | undefined; sig?: string | undefined }) {
  checkLink(ctx, id, link);
  const s = await ctx.deps.surveys.get(id);
  if (!s) throw new NotFoundError('Survey', id);
  return { id: s.id, kind: s.kind, status: s.status, expiresAt: s.expiresAt, ...QUESTION[s.kind] };
}

/**
 * The customer's answer, taken once: a forged link is 403, an expired one 410, a second answer
 * 409; nothing changes then. The answer, SurveyAnswered and the day's CSAT/NPS counters are one
 * transaction.
 */
export async function answerSurvey(ctx: Ctx, id: string, link: { expires?: string | undefined; sig?: string | undefined }, answer: { rating?: number; score?: number; comment?: string }): Promise<Survey> {
  checkLink(ctx, id, link);
  const { deps } = ctx;
  const s = await deps.surveys.get(id);
  if (!s) throw new NotFoundError('Survey', id);
  if (s.status === 'answered') throw new RuleViolation('survey-already-answered', 'This survey was already answered; thank you.', { answeredAt: s.answeredAt });
  if (s.status !== 'sent') throw new RuleViolation('survey-not-sent', `This survey is ${s.status}.`);
  if (s.kind === 'csat') {
    if (answer.rating === undefined) throw ValidationError.field('rating', 'is required: a whole number from 1 to 5');
    if (answer.score !== undefined) throw ValidationError.field('score', 'is for NPS surveys; this one takes a rating');
  } else {
    if (answer.score === undefined) throw ValidationError.field('score', 'is required: a whole number from 0 to 10');
    if (answer.rating !== undefined) throw ValidationError.field('rating', 'is for CSAT surveys; this one takes a score');
  }
  const settings = await settingsOf(ctx);
  const nowMs = deps.clock.now().getTime();
  const now = new Date(nowMs).toISOString();
  const answered: Survey = {
    ...s,
    status: 'answered',
    answeredAt: now,
    ...(answer.rating !== undefined ? { rating: answer.rating } : {}),
    ...(answer.score !== undefined ? { score: answer.score } : {}),
    ...(answer.comment ? { comment: answer.comment } : {}),
  };
  const value = s.kind === 'csat' ? answer.rating! : answer.score!;
  const entryId = stableId(nowMs, `survey:${s.id}:answered`);
  await transactWrite(
    deps.db,
    [
      deps.surveys.put(answered, 'sent'),
      outboxPut(
        deps.db.tableName,
        svcEvent(ctx, 'SurveyAnswered', { surveyId: s.id, kind: s.kind, customerId: s.customerId, ...(s.ticketId ? { ticketId: s.ticketId } : {}), ...(s.kind === 'csat' ? { rating: value } : { score: value }) }, now, s.id),
      ),
      ...deps.serviceStats.items(s.id, reportDay(nowMs, settings), {}, { [`${s.kind}:${value}`]: 1 }),
      {
        Put: {
          TableName: deps.db.tableName,
          Item: { PK: customerPk(s.customerId), SK: timelineSk(entryId), entity: 'timeline', id: entryId, kind: 'note', occurredAt: now, summary: `${s.kind.toUpperCase()} answer: ${value}${s.kind === 'csat' ? '/5' : '/10'}`, data: { surveyId: s.id, ...(s.ticketId ? { ticketId: s.ticketId } : {}), [s.kind === 'csat' ? 'rating' : 'score']: value } },
        },
      },
    ],
    () => new RuleViolation('survey-already-answered', 'This survey was already answered; thank you.'),
  );
  countMetric(s.kind === 'csat' ? 'CsatAnswers' : 'NpsAnswers');
  return answered;
}

/**
 * A CSAT rating of 1–2 (差评转投诉): the ticket, when still solved, is reopened as a complaint;
 * otherwise (closed, or no ticket) a new complaint ticket is opened, following up the old one. The
 * group's manager (or the assignee's) gets a follow-up task. Runs once per survey.
 */
export async function handleBadRating(ctx: Ctx, surveyId: string): Promise<{ ticketId?: string; taskId?: string } | undefined> {
  const { deps } = ctx;
  const s = await deps.surveys.get(surveyId);
  if (!s || s.status !== 'answered' || !isBadRating(s)) return undefined;
  const settings = await settingsOf(ctx);
  const answeredMs = Date.parse(s.answeredAt!);
  const rating = s.rating!;
  const prior = s.ticketId ? await deps.tickets.get(s.ticketId) : undefined;
  const note = `Customer rated ${rating}/5${s.comment ? `: “${s.comment}”` : ''}`;
  let complaint: Ticket;
  if (prior && (prior.status === 'solved' || prior.surveyId === s.id)) {
    complaint = await mutateTicket(ctx, prior.id, (before) => {
      if (before.surveyId === s.id || before.status !== 'solved') return undefined;
      const commentId = deps.ids.next();
      const now = deps.clock.now().toISOString();
      return {
        after: {
          ...before,
          status: 'open',
          type: 'complaint',
          priority: before.priority === 'urgent' ? 'urgent' : 'high',
          tags: [...new Set([...before.tags, 'bad-rating'])],
          surveyId: s.id,
          rating,
        },
        action: 'reopened:bad-rating',
        reason: note,
        extra: [deps.tickets.commentPut({ id: commentId, ticketId: before.id, authorId: 'system:survey', author: 'system', public: false, body: note, attachmentIds: [], mentions: [], createdAt: now })],
      };
    });
  } else {
    complaint = await createTicket(
      ctx,
      {
        subject: `Bad rating ${rating}/5${prior ? ` on ticket #${prior.number}` : ''}`,
        description: note,
        type: 'complaint',
        priority: 'high',
        channel: 'survey',
        customerId: s.customerId,
        ...(prior?.groupId ? { groupId: prior.groupId } : {}),
        ...(prior?.order ? { order: prior.order } : {}),
        tags: ['bad-rating'],
        source: 'survey',
        sourceRef: s.id,
        ...(prior ? { followUpOf: prior.id } : {}),
      },
      { id: stableId(answeredMs, `survey-complaint:${s.id}`) },
    );
  }
  const group = complaint.groupId ? await deps.agents.getGroup(complaint.groupId) : settings.defaultGroupId ? await deps.agents.getGroup(settings.defaultGroupId) : undefined;
  const handler = prior?.assigneeId ? await deps.agents.getAgent(prior.assigneeId) : undefined;
  const manager = group?.managerId ?? handler?.managerId;
  if (!manager) return { ticketId: complaint.id };
  const task = buildTask(
    { ...ctx, actorId: 'system:survey' },
    {
      title: `Call back the customer after a ${rating}/5 rating (complaint #${complaint.number})`,
      completionCriteria: 'Talk to the customer, agree on a remedy, and record the outcome on the complaint.',
      assigneeId: manager,
      priority: 'high',
      dueAt: new Date(answeredMs + settings.badRatingFollowUpHours * 3_600_000).toISOString(),
      links: { ticketId: complaint.id, customerId: s.customerId },
      kind: 'bad-rating-follow-up',
    },
    { remindBeforeMinutes: settings.taskRemindBeforeMinutes },
    stableId(answeredMs, `bad-rating-task:${s.id}`),
  );
  await writeNewTask(ctx, task);
  countMetric('BadRatings');
  return { ticketId: complaint.id, taskId: task.id };
}
