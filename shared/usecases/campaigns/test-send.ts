import { ValidationError } from '../../domain/errors';
import { messageSender, type MessageChannel } from '../../runtime/messaging';
import type { Ctx } from '../customers';
import { testRender } from '../messaging/templates';
import { requireCampaign } from './campaigns';

/**
 * A test send of one variant (`POST /v1/campaigns/{id}/test-send`, marketing:send) to the
 * marketer's own inbox or phone, or to one customer's address: the variant's template rendered as
 * the campaign would send it (the customer's data when one is named, sample data otherwise; a
 * sample coupon code), subject marked `[TEST]`, through the channel sender. Not a campaign message:
 * no consent, caps or stats, and any campaign status.
 */
export interface TestSendInput {
  variant?: string;
  customerId?: string;
  /** An e-mail address or E.164 phone for the variant's channel; default the customer's. */
  to?: string;
}

const EMAIL = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>"]+$/;
const PHONE = /^\+[1-9]\d{6,14}$/;

export async function testSend(ctx: Ctx, id: string, input: TestSendInput): Promise<{ messageId: string; channel: string; to: string; variant: string; sentAt: string }> {
  const c = await requireCampaign(ctx.deps, id);
  const v = input.variant ? c.variants.find((x) => x.id === input.variant) : c.variants[0];
  if (!v) throw ValidationError.field('variant', `campaign ${id} has no variant ${JSON.stringify(input.variant)} (variants: ${c.variants.map((x) => x.id).join(', ')})`);
  if (!input.customerId && !input.to) throw ValidationError.field('to', 'give an address (to) or a customer (customerId)');
  const rendered = await testRender(ctx, v.templateId, { ...(v.templateVersion !== undefined ? { version: v.templateVersion } : {}), ...(input.customerId ? { customerId: input.customerId } : {}), vars: { couponCode: 'TEST-COUPON' } });
  let to = input.to;
  if (!to && input.customerId) {
    const h = await ctx.deps.membership.header(input.customerId);
    to = v.channel === 'email' ? h.profile?.email : v.channel === 'sms' ? h.profile?.phone : input.customerId;
    if (!to) throw ValidationError.field('customerId', `customer ${input.customerId} has no ${v.channel === 'email' ? 'e-mail address' : 'phone'}`);
  }
  if (v.channel === 'email' && !EMAIL.test(to!)) throw ValidationError.field('to', 'must be an e-mail address for an e-mail variant');
  if (v.channel === 'sms' && !PHONE.test(to!)) throw ValidationError.field('to', 'must be a phone number in E.164 (+8613800000000) for an SMS variant');
  const messageId = ctx.deps.ids.next();
  const r = rendered as { subject?: string; html?: string; text?: string; body?: string; headers?: Record<string, string>; payload?: unknown };
  const sent = await messageSender(ctx.deps).send({
    id: messageId,
    channel: v.channel as MessageChannel,
    to: to!,
    ...(r.subject !== undefined ? { subject: `[TEST] ${r.subject}` } : {}),
    body: r.text ?? r.body ?? JSON.stringify(r.payload ?? {}),
    ...(r.html ? { html: r.html } : {}),
    ...(r.payload !== undefined ? { payload: r.payload } : {}),
    purpose: 'campaign-test',
    ...(input.customerId ? { customerId: input.customerId } : {}),
    refs: { campaignId: id, variant: v.id },
  });
  return { messageId, channel: v.channel, to: to!, variant: v.id, sentAt: sent.sentAt };
}
