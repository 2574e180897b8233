import * as z from 'zod/mini';
import { defineRoute, once } from './contract';
import { isoDateTime, text, ulidId } from './common';

/**
 * Satisfaction surveys. The customer's side is public: the signed link (`expires`, `sig`) is the
 * permission — 403 when forged, 410 when expired, 409 when answered already.
 */
const linkQuery = () => z.strictObject({ expires: z.optional(z.string().check(z.maxLength(20))), sig: z.optional(z.string().check(z.maxLength(128))) });
const surveyParams = once(() => z.strictObject({ id: ulidId() }));
const surveySchema = once(() =>
  z.object({
    id: z.string(),
    kind: z.enum(['csat', 'nps']),
    customerId: z.string(),
    ticketId: z.optional(z.string()),
    status: z.enum(['sending', 'sent', 'undeliverable', 'answered']),
    channel: z.optional(z.string()),
    expiresAt: isoDateTime(),
    createdAt: isoDateTime(),
    sentAt: z.optional(isoDateTime()),
    answeredAt: z.optional(isoDateTime()),
    rating: z.optional(z.int()),
    score: z.optional(z.int()),
    comment: z.optional(z.string()),
  }),
);

export const openSurvey = defineRoute({
  operationId: 'openSurvey',
  method: 'GET',
  path: '/v1/surveys/{id}',
  permission: 'public',
  summary: 'What a survey link opens (no login): the question and scale, and whether it was answered',
  tag: 'Surveys',
  params: surveyParams,
  query: linkQuery,
  response: () => z.object({ id: z.string(), kind: z.enum(['csat', 'nps']), status: z.string(), expiresAt: isoDateTime(), question: z.string(), scale: z.object({ min: z.int(), max: z.int() }) }),
  status: 200,
});

export const answerSurvey = defineRoute({
  operationId: 'answerSurvey',
  method: 'POST',
  path: '/v1/surveys/{id}/response',
  permission: 'public',
  summary: 'The customer’s answer through the signed link: `rating` 1–5 (CSAT) or `score` 0–10 (NPS) and a comment; once only',
  tag: 'Surveys',
  params: surveyParams,
  query: linkQuery,
  body: () => z.strictObject({ rating: z.optional(z.int().check(z.minimum(1), z.maximum(5))), score: z.optional(z.int().check(z.minimum(0), z.maximum(10))), comment: z.optional(text(2000)) }),
  response: () => z.object({ id: z.string(), kind: z.enum(['csat', 'nps']), status: z.string(), answeredAt: z.optional(isoDateTime()) }),
  status: 200,
});

export const sendSurveys = defineRoute({
  operationId: 'sendSurveys',
  method: 'POST',
  path: '/v1/surveys',
  permission: 'service:admin',
  summary: 'Send NPS surveys (periodic relationship surveys) to up to 100 customers now; `campaign` names the round (the same round twice sends nothing new)',
  tag: 'Surveys',
  body: () => z.strictObject({ kind: z.literal('nps'), campaign: z.string().check(z.regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be a lower-case slug')), customerIds: z.array(ulidId()).check(z.minLength(1), z.maxLength(100)) }),
  response: () => z.object({ items: z.array(surveySchema()) }),
  status: 202,
  idempotent: true,
});
