import type { EmailContent } from '../../domain/messaging/templates';
import type { Ctx } from '../customers';
import { createTemplate } from '../messaging/templates';

/**
 * Makes the e-mail message template of a ready-made journey's message step through the messaging
 * templates use case: version 1 of a new template, its content checked (known variables,
 * fallbacks) exactly as `POST /v1/templates` checks it.
 */
export async function createMessageTemplate(ctx: Ctx, m: { name: string; description: string } & EmailContent): Promise<{ templateId: string; templateVersion: number }> {
  const t = await createTemplate(ctx, { name: m.name, channel: 'email', description: m.description, content: { subject: m.subject, html: m.html, ...(m.text ? { text: m.text } : {}) } });
  return { templateId: t.id, templateVersion: t.version };
}
