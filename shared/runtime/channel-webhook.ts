import { ChannelError } from './channel-aws';
import type { MessageSender, OutboundMessage, SendResult } from './messaging';
import { postSigned } from './outbound-webhook';

/**
 * The webhook channel: messages for WeChat template messages, app push services or a brand's own
 * gateway are POSTed as JSON to one configured endpoint, signed with `X-CRM-Signature` and carrying
 * the message id as `X-CRM-Delivery`, on which the receiver dedups — so a retry is safe and this
 * adapter is idempotent. Body: `{ id, channel, customerId, to, purpose, subject?, text, payload?, refs }`.
 */
export interface WebhookChannelConfig {
  url: () => Promise<string | undefined>;
  secret: () => Promise<string>;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export function webhookChannelBody(m: OutboundMessage) {
  return {
    id: m.id,
    channel: m.channel,
    ...(m.customerId ? { customerId: m.customerId } : {}),
    to: m.to,
    purpose: m.purpose,
    ...(m.subject ? { subject: m.subject } : {}),
    text: m.body,
    ...(m.payload !== undefined ? { payload: m.payload } : {}),
    refs: m.refs ?? {},
  };
}

export class WebhookChannelSender implements MessageSender {
  readonly idempotent = true;

  constructor(private readonly config: WebhookChannelConfig) {}

  async send(m: OutboundMessage): Promise<SendResult> {
    const url = await this.config.url();
    if (!url) throw new ChannelError('the webhook channel has no endpoint (messaging settings webhook.url)', 'rejected', 'NoEndpoint');
    const r = await postSigned({ url, secret: await this.config.secret(), deliveryId: m.id, body: webhookChannelBody(m), ...(this.config.timeoutMs ? { timeoutMs: this.config.timeoutMs } : {}) }, Date.now(), this.config.fetch ?? fetch);
    if (r.ok) return { status: 'sent', sentAt: new Date().toISOString(), provider: 'webhook' };
    throw new ChannelError(`webhook channel: ${r.reason}`, r.retryable ? 'unknown' : 'rejected', r.status ? `HTTP${r.status}` : 'NetworkingError', r.status);
  }
}
