import * as z from 'zod/mini';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text, ulidId } from './common';

/**
 * The send pipeline's routes (issue 6): one-off sends, messages, per-source stats, messaging
 * settings, the suppression list, the dev outbox and simulated feedback, and the public routes a
 * customer reaches from a message (one-click unsubscribe, open pixel, click redirect, SMS replies).
 */
const CHANNELS = ['email', 'sms', 'webhook'] as const;
const SOURCE_KINDS = ['campaign', 'journey', 'care', 'survey', 'manual'] as const;
const STATES = ['scheduled', 'sending', 'sent', 'skipped', 'failed', 'delivered', 'bounced', 'complained', 'opened', 'clicked', 'converted', 'unsubscribed'] as const;
const varName = () => z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'variable names are letters, digits and _'));
const hhmm = () => z.string().check(z.regex(/^([01]\d|2[0-3]):([0-5]\d)$/, 'must be a local time HH:MM'));

export const messageSchema = once(() =>
  z.object({
    id: z.string(),
    key: z.string(),
    customerId: z.string(),
    channel: z.enum(CHANNELS),
    purpose: z.enum(['marketing', 'transactional']),
    source: z.object({ kind: z.string(), id: z.string(), variant: z.optional(z.string()), step: z.optional(z.string()) }),
    templateId: z.string(),
    templateVersion: z.optional(z.int()),
    state: z.enum(STATES),
    reason: z.optional(z.string()),
    detail: z.optional(z.string()),
    to: z.optional(z.string()),
    subject: z.optional(z.string()),
    provider: z.optional(z.string()),
    providerMessageId: z.optional(z.string()),
    createdAt: isoDateTime(),
    scheduledFor: z.optional(isoDateTime()),
    sentAt: z.optional(isoDateTime()),
    deliveredAt: z.optional(isoDateTime()),
    openedAt: z.optional(isoDateTime()),
    clickedAt: z.optional(isoDateTime()),
    convertedAt: z.optional(isoDateTime()),
    bouncedAt: z.optional(isoDateTime()),
    complainedAt: z.optional(isoDateTime()),
    unsubscribedAt: z.optional(isoDateTime()),
    failedAt: z.optional(isoDateTime()),
    skippedAt: z.optional(isoDateTime()),
    opens: z.int(),
    clicks: z.int(),
    orders: z.int(),
    revenueMinor: z.record(z.string(), z.int()),
  }),
);

const outcomeSchema = () =>
  z.object({
    status: z.enum(['sent', 'scheduled', 'skipped', 'failed', 'duplicate']),
    messageId: z.string(),
    at: z.optional(isoDateTime()),
    reason: z.optional(z.string()),
    previous: z.optional(z.string()),
  });

export const sendMessage = defineRoute({
  operationId: 'sendMessage',
  method: 'POST',
  path: '/v1/messages',
  permission: 'marketing:send',
  summary: 'Send one message to one customer now (a one-off: source `manual`) through the send pipeline: consent, suppression, quiet hours and caps apply; the answer says sent, scheduled, skipped (with the reason) or failed',
  tag: 'Messages',
  body: () =>
    z.strictObject({
      customerId: ulidId(),
      channel: z.enum(CHANNELS),
      templateId: ulidId(),
      templateVersion: z.optional(z.int().check(z.positive())),
      purpose: z._default(z.enum(['marketing', 'transactional']), 'marketing'),
      vars: z.optional(z.record(varName(), z.string().check(z.maxLength(10_000)))),
      respectQuietHours: z.optional(z.boolean()),
      /** Idempotency of the send itself (the same key again is the same message). */
      key: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
    }),
  response: outcomeSchema,
  status: 200,
  idempotent: true,
});

export const getMessage = defineRoute({
  operationId: 'getMessage',
  method: 'GET',
  path: '/v1/messages/{id}',
  permission: 'marketing:read',
  summary: 'One message: its state, the time of each step, opens, clicks, attributed orders and revenue (the address masked without pii:read)',
  tag: 'Messages',
  params: idParams,
  response: messageSchema,
  status: 200,
});

export const listCustomerMessages = defineRoute({
  operationId: 'listCustomerMessages',
  method: 'GET',
  path: '/v1/customers/{id}/messages',
  permission: 'marketing:read',
  summary: 'The messages to one customer, newest first',
  tag: 'Messages',
  params: idParams,
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(messageSchema()),
  status: 200,
});

const countersSchema = () =>
  z.object({
    sent: z.int(),
    scheduled: z.int(),
    skipped: z.int(),
    failed: z.int(),
    delivered: z.int(),
    bounced: z.int(),
    complained: z.int(),
    opened: z.int(),
    clicked: z.int(),
    converted: z.int(),
    unsubscribed: z.int(),
    opens: z.optional(z.int()),
    clicks: z.optional(z.int()),
    orders: z.optional(z.int()),
    revenueMinor: z.record(z.string(), z.int()),
    skippedBy: z.record(z.string(), z.int()),
  });

export const getSourceStats = defineRoute({
  operationId: 'getMessageStats',
  method: 'GET',
  path: '/v1/messaging/stats/{kind}/{id}',
  permission: 'marketing:read',
  summary: 'The message counters of a source (campaign, journey, care, survey, manual) in total, per variant and per channel: sent, delivered, unique and total opens and clicks, conversions, revenue per currency, skips per reason',
  tag: 'Messages',
  params: () => z.strictObject({ kind: z.enum(SOURCE_KINDS), id: z.string().check(z.minLength(1), z.maxLength(200)) }),
  response: () => z.object({ total: countersSchema(), byVariant: z.record(z.string(), countersSchema()), byChannel: z.record(z.string(), countersSchema()) }),
  status: 200,
});

export const settingsSchema = once(() =>
  z.object({
    frequencyCaps: z.object({ perDay: z.int().check(z.minimum(0), z.maximum(100)), perWeek: z.int().check(z.minimum(0), z.maximum(500)), week: z.enum(['rolling', 'calendar']) }),
    quietHours: z.object({ enabled: z.boolean(), start: hhmm(), end: hhmm() }),
    defaultTimeZone: z.string().check(z.maxLength(64)),
    attributionWindowDays: z.int().check(z.minimum(0), z.maximum(90)),
    email: z.object({ fromName: text(100), fromAddress: z.string().check(z.maxLength(254)), replyTo: z.optional(z.string().check(z.maxLength(254))) }),
    sms: z.object({ senderId: z.optional(z.string().check(z.maxLength(11))), optOutText: z.string().check(z.maxLength(60)), optOutTextZh: z.string().check(z.maxLength(30)) }),
    webhook: z.object({ url: z.optional(z.string().check(z.maxLength(2048))), consentChannel: z.enum(['wechat', 'push']) }),
    tracking: z.object({ opens: z.boolean(), clicks: z.boolean() }),
    linkBaseUrl: z.string().check(z.maxLength(2048)),
    version: z.int(),
    updatedAt: z.optional(isoDateTime()),
    updatedBy: z.optional(z.string()),
  }),
);

export const getMessagingSettings = defineRoute({
  operationId: 'getMessagingSettings',
  method: 'GET',
  path: '/v1/messaging/settings',
  permission: 'marketing:read',
  summary: 'The messaging settings: frequency caps, quiet hours, default time zone, attribution window, senders, SMS opt-out texts, webhook channel endpoint, tracking, link base URL',
  tag: 'Messages',
  response: settingsSchema,
  status: 200,
});

export const putMessagingSettings = defineRoute({
  operationId: 'putMessagingSettings',
  method: 'PUT',
  path: '/v1/messaging/settings',
  permission: 'marketing:write',
  summary: 'Replace the messaging settings; send the version you read (0 before the first save; 409 when it moved)',
  tag: 'Messages',
  body: () => {
    const s = settingsSchema();
    return z.strictObject({
      frequencyCaps: z.strictObject(s.shape.frequencyCaps.shape),
      quietHours: z.strictObject(s.shape.quietHours.shape),
      defaultTimeZone: s.shape.defaultTimeZone,
      attributionWindowDays: s.shape.attributionWindowDays,
      email: z.strictObject(s.shape.email.shape),
      sms: z.strictObject(s.shape.sms.shape),
      webhook: z.strictObject(s.shape.webhook.shape),
      tracking: z.strictObject(s.shape.tracking.shape),
      linkBaseUrl: s.shape.linkBaseUrl,
      version: z.int().check(z.minimum(0)),
    });
  },
  response: settingsSchema,
  status: 200,
});

// ---- suppression list

const suppressionSchema = once(() =>
  z.object({
    id: z.string(),
    channel: z.enum(['email', 'sms']),
    address: z.string(),
    reason: z.enum(['bounce', 'complaint', 'opt-out', 'manual']),
    note: z.optional(z.string()),
    messageId: z.optional(z.string()),
    createdAt: isoDateTime(),
    createdBy: z.string(),
  }),
);

export const listSuppressions = defineRoute({
  operationId: 'listSuppressions',
  method: 'GET',
  path: '/v1/suppressions',
  permission: 'marketing:read',
  summary: 'The suppression list of a channel (`email` by default), newest first; or whether one `address` is on it (addresses masked without pii:read)',
  tag: 'Suppressions',
  query: () => z.strictObject({ ...pageQuery(), channel: z._default(z.enum(['email', 'sms']), 'email'), address: z.optional(z.string().check(z.minLength(3), z.maxLength(254))) }),
  response: () => pageOf(suppressionSchema()),
  status: 200,
});

export const addSuppression = defineRoute({
  operationId: 'addSuppression',
  method: 'POST',
  path: '/v1/suppressions',
  permission: 'marketing:write',
  summary: 'Put an address on the suppression list with a reason (manual, bounce, complaint, opt-out): nothing goes to it any more (opt-outs still get transactional messages); 200 when it was already there',
  tag: 'Suppressions',
  body: () => z.strictObject({ channel: z.enum(['email', 'sms']), address: z.string().check(z.trim(), z.minLength(3), z.maxLength(254)), reason: z._default(z.enum(['manual', 'bounce', 'complaint', 'opt-out']), 'manual'), note: z.optional(text(500)) }),
  response: suppressionSchema,
  status: 201,
  idempotent: true,
});

export const removeSuppression = defineRoute({
  operationId: 'removeSuppression',
  method: 'DELETE',
  path: '/v1/suppressions/{id}',
  permission: 'marketing:write',
  summary: 'Take an address off the suppression list (`id` is `<channel>:<hash>` from the list); give the `reason` (kept in the log)',
  tag: 'Suppressions',
  params: () => z.strictObject({ id: z.string().check(z.maxLength(100)) }),
  query: () => z.strictObject({ reason: text(500) }),
  response: suppressionSchema,
  status: 200,
});

// ---- dev outbox and simulated feedback

export const listDevOutbox = defineRoute({
  operationId: 'listDevOutbox',
  method: 'GET',
  path: '/v1/dev/outbox',
  permission: 'marketing:read',
  summary: 'Messages captured instead of sent (locally every channel; in AWS the channels without a provider), newest first: channel, to, subject, body, html',
  tag: 'Messages',
  // Hands out addresses and message bodies in bulk: its own tighter throttle.
  throttle: { rateLimit: 2, burstLimit: 5 },
  query: () => z.strictObject({ limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(500)), 50), customerId: z.optional(ulidId()) }),
  response: () =>
    z.object({
      items: z.array(
        z.object({
          id: z.string(),
          channel: z.string(),
          to: z.string(),
          subject: z.optional(z.string()),
          body: z.string(),
          html: z.optional(z.string()),
          headers: z.optional(z.record(z.string(), z.string())),
          payload: z.optional(z.unknown()),
          purpose: z.string(),
          customerId: z.optional(z.string()),
          sentAt: isoDateTime(),
        }),
      ),
    }),
  status: 200,
});

export const simulateMessageEvent = defineRoute({
  operationId: 'simulateMessageEvent',
  method: 'POST',
  path: '/v1/dev/messages/{id}/events',
  permission: 'marketing:write',
  summary: 'Simulate what a provider reports for a message the dev outbox captured (delivered, opened, clicked, bounced, complained); it goes through the same feedback as SES and SMS events',
  tag: 'Messages',
  params: idParams,
  body: () => z.strictObject({ type: z.enum(['delivered', 'opened', 'clicked', 'bounced', 'complained']), bounceType: z.optional(z.enum(['hard', 'soft'])), url: z.optional(z.string().check(z.maxLength(2048))), at: z.optional(isoDateTime()) }),
  response: () => z.object({ applied: z.boolean(), message: messageSchema() }),
  status: 200,
  idempotent: true,
});

// ---- public: what a customer reaches from a message

const tokenParams = () => z.strictObject({ token: z.string().check(z.maxLength(64)) });

export const unsubscribePage = defineRoute({
  operationId: 'unsubscribePage',
  method: 'GET',
  path: '/v1/unsubscribe/{token}',
  permission: 'public',
  summary: 'The unsubscribe link of a message (no login): an HTML page asking to confirm; the signed token is the permission (403 when forged)',
  tag: 'Messages',
  params: tokenParams,
  response: () => z.string(),
  responseType: 'text/html',
  status: 200,
});

export const unsubscribeOneClick = defineRoute({
  operationId: 'unsubscribeOneClick',
  method: 'POST',
  path: '/v1/unsubscribe/{token}',
  permission: 'public',
  summary: 'One-click unsubscribe (RFC 8058 `List-Unsubscribe=One-Click`, or the confirmation page’s button): revokes the channel’s marketing consent and records the message unsubscribed',
  tag: 'Messages',
  params: tokenParams,
  response: () => z.string(),
  responseType: 'text/html',
  status: 200,
});

export const trackOpen = defineRoute({
  operationId: 'trackOpen',
  method: 'GET',
  path: '/v1/track/open/{token}',
  permission: 'public',
  summary: 'The open pixel of an e-mail (a 1×1 GIF, whatever the token); a valid token records an open',
  tag: 'Messages',
  params: tokenParams,
  response: () => z.string(),
  responseType: 'image/gif',
  status: 200,
});

export const trackClick = defineRoute({
  operationId: 'trackClick',
  method: 'GET',
  path: '/v1/track/click/{token}',
  permission: 'public',
  summary: 'A tracked link of an e-mail: records the click and redirects (302) to `u`, which the token signs (403 for any other URL)',
  tag: 'Messages',
  params: tokenParams,
  query: () => z.strictObject({ u: z.optional(z.string().check(z.maxLength(4096))) }),
  response: () => z.object({ location: z.string() }),
  status: 302,
});

export const smsInbound = defineRoute({
  operationId: 'receiveInboundSms',
  method: 'POST',
  path: '/v1/messaging/sms-inbound',
  permission: 'public',
  summary: 'Replies to our texts from an SMS gateway, signed with X-CRM-Signature (the webhook channel secret): STOP, UNSUBSCRIBE, TD, 退订 opt out (SMS consent revoked, number suppressed), START opts back in, anything else is logged on the customer’s timeline',
  tag: 'Messages',
  response: () => z.object({ action: z.enum(['stop', 'start', 'logged', 'ignored']), customers: z.int() }),
  status: 200,
});

