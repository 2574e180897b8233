import * as z from 'zod/mini';
import { TEMPLATE_CHANNELS, TEMPLATE_LIMITS } from '../domain/messaging/templates';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text, ulidId } from './common';

/**
 * Message templates (issue 6): per channel, versioned (an edit makes a new version; old versions
 * stay readable because journeys pin one), validated when saved (unknown variables, variables that
 * can be missing without a fallback, empty parts → 400 naming the field, line and column).
 */
const emailContent = () =>
  z.strictObject({
    subject: z.string().check(z.maxLength(1000)),
    preheader: z.optional(z.string().check(z.maxLength(1000))),
    html: z.string().check(z.maxLength(TEMPLATE_LIMITS.htmlBytes)),
    text: z.optional(z.string().check(z.maxLength(TEMPLATE_LIMITS.textBytes))),
  });
const smsContent = () => z.strictObject({ body: z.string().check(z.maxLength(5000)) });
const webhookContent = () => z.strictObject({ payload: z.record(z.string(), z.unknown()) });

const createBody = once(() => {
  const common = () => ({ name: text(TEMPLATE_LIMITS.name), description: z.optional(text(1000)) });
  return z.discriminatedUnion('channel', [
    z.strictObject({ ...common(), channel: z.literal('email'), content: emailContent() }),
    z.strictObject({ ...common(), channel: z.literal('sms'), content: smsContent() }),
    z.strictObject({ ...common(), channel: z.literal('webhook'), content: webhookContent() }),
  ]);
});

const segmentsSchema = () => z.object({ encoding: z.enum(['GSM-7', 'UCS-2']), units: z.int(), segments: z.int(), remaining: z.int(), nonGsm: z.array(z.string()) });

export const templateSchema = once(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    channel: z.enum(TEMPLATE_CHANNELS),
    description: z.optional(z.string()),
    currentVersion: z.int(),
    status: z.enum(['active', 'archived']),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    createdBy: z.string(),
  }),
);

export const templateViewSchema = once(() =>
  z.object({
    ...templateSchema().shape,
    version: z.int(),
    content: z.record(z.string(), z.unknown()),
    sms: z.optional(z.object({ segments: segmentsSchema(), withOptOut: segmentsSchema() })),
  }),
);

export const createTemplate = defineRoute({
  operationId: 'createTemplate',
  method: 'POST',
  path: '/v1/templates',
  permission: 'marketing:write',
  summary: 'Create a template for one channel (email: subject, preheader, html, text; sms: body; webhook: a JSON payload whose strings are templates); 400 names unknown variables and variables without a fallback',
  tag: 'Templates',
  body: createBody,
  response: templateViewSchema,
  status: 201,
  idempotent: true,
});

export const listTemplates = defineRoute({
  operationId: 'listTemplates',
  method: 'GET',
  path: '/v1/templates',
  permission: 'marketing:read',
  summary: 'Templates, newest first',
  tag: 'Templates',
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(templateSchema()),
  status: 200,
});

export const getTemplate = defineRoute({
  operationId: 'getTemplate',
  method: 'GET',
  path: '/v1/templates/{id}',
  permission: 'marketing:read',
  summary: 'A template with the content of its current version (or `?version=`), and for SMS the part count with and without the opt-out text',
  tag: 'Templates',
  params: idParams,
  query: () => z.strictObject({ version: z.optional(z.coerce.number().check(z.int(), z.minimum(1))) }),
  response: templateViewSchema,
  status: 200,
});

export const updateTemplate = defineRoute({
  operationId: 'updateTemplate',
  method: 'PATCH',
  path: '/v1/templates/{id}',
  permission: 'marketing:write',
  summary: 'Edit a template: a new version (send the current `version` you read; 409 when it moved); name, description and/or content',
  tag: 'Templates',
  params: idParams,
  body: () =>
    z.strictObject({
      version: z.int().check(z.positive()),
      name: z.optional(text(TEMPLATE_LIMITS.name)),
      description: z.optional(z.nullable(text(1000))),
      content: z.optional(z.union([emailContent(), smsContent(), webhookContent()])),
    }),
  response: templateViewSchema,
  status: 200,
});

export const archiveTemplate = defineRoute({
  operationId: 'archiveTemplate',
  method: 'DELETE',
  path: '/v1/templates/{id}',
  permission: 'marketing:write',
  summary: 'Archive a template: no new sends use it unless they pin a version (journeys keep theirs); its versions stay readable',
  tag: 'Templates',
  params: idParams,
  response: templateSchema,
  status: 200,
});

export const listTemplateVersions = defineRoute({
  operationId: 'listTemplateVersions',
  method: 'GET',
  path: '/v1/templates/{id}/versions',
  permission: 'marketing:read',
  summary: 'Every version of a template, newest first, with its content',
  tag: 'Templates',
  params: idParams,
  response: () => z.object({ items: z.array(z.object({ templateId: z.string(), version: z.int(), content: z.record(z.string(), z.unknown()), createdAt: isoDateTime(), createdBy: z.string() })) }),
  status: 200,
});

export const renderTemplate = defineRoute({
  operationId: 'renderTemplate',
  method: 'POST',
  path: '/v1/templates/{id}/render',
  permission: 'marketing:read',
  summary: 'Test-render a template version with sample data (or a real `customerId`, and your `vars`) as a marketing or transactional send would go out: unsubscribe link, headers, opt-out text and SMS parts included',
  tag: 'Templates',
  params: idParams,
  body: () =>
    z.strictObject({
      version: z.optional(z.int().check(z.positive())),
      customerId: z.optional(ulidId()),
      vars: z.optional(z.record(z.string().check(z.regex(/^[A-Za-z][A-Za-z0-9_]{0,63}$/, 'variable names are letters, digits and _')), z.string().check(z.maxLength(10_000)))),
      purpose: z.optional(z.enum(['marketing', 'transactional'])),
    }),
  response: () =>
    z.object({
      channel: z.enum(TEMPLATE_CHANNELS),
      version: z.int(),
      subject: z.optional(z.string()),
      preheader: z.optional(z.string()),
      html: z.optional(z.string()),
      text: z.optional(z.string()),
      headers: z.optional(z.record(z.string(), z.string())),
      body: z.optional(z.string()),
      sms: z.optional(segmentsSchema()),
      payload: z.optional(z.unknown()),
    }),
  status: 200,
});
