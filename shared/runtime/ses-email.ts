import { AwsJsonCaller, ChannelError, type AwsCallOptions, type AwsRequest } from './channel-aws';
import type { MessageSender, OutboundMessage, SendResult } from './messaging';

/**
 * E-mail through Amazon SES (API v2 SendEmail, "simple" content with custom headers, so the
 * List-Unsubscribe and List-Unsubscribe-Post headers of RFC 8058 go out as built by the send
 * pipeline). The configuration set publishes delivery, bounce, complaint, open and click events
 * (docs/messaging.md); the message id and its source ride along as e-mail tags, which SES puts on
 * every event. SES has no idempotency token: this adapter is not idempotent, and the pipeline
 * never calls it twice for one message.
 */
export interface SesConfig {
  region: string;
  /** `"Brand" <no-reply@brand.com>` is built from the settings; this ARN authorizes the identity. */
  fromIdentityArn?: string;
  configurationSet?: string;
}

const TAG_VALUE = /[^A-Za-z0-9_.@-]/g;
const tag = (name: string, value: string) => ({ Name: name, Value: value.replace(TAG_VALUE, '_').slice(0, 256) || '_' });

/** `"Brand name" <address>`, the display name quoted (RFC 5322) and encoded when not ASCII (RFC 2047). */
export function fromHeader(name: string | undefined, address: string): string {
  if (!name) return address;
  const display = /^[\x20-\x7e]*$/.test(name) ? `"${name.replace(/["\\]/g, '\\$&')}"` : `=?UTF-8?B?${Buffer.from(name, 'utf8').toString('base64')}?=`;
  return `${display} <${address}>`;
}

export function sesSendEmailRequest(config: SesConfig, m: OutboundMessage): AwsRequest {
  if (!m.from) throw new ChannelError('SES SendEmail needs a from address (messaging settings email.fromAddress)', 'rejected', 'NoFromAddress');
  const charset = 'UTF-8';
  const body = {
    FromEmailAddress: m.from,
    ...(config.fromIdentityArn ? { FromEmailAddressIdentityArn: config.fromIdentityArn } : {}),
    Destination: { ToAddresses: [m.to] },
    ...(m.replyTo ? { ReplyToAddresses: [m.replyTo] } : {}),
    Content: {
      Simple: {
        Subject: { Data: m.subject ?? '', Charset: charset },
        Body: { ...(m.html ? { Html: { Data: m.html, Charset: charset } } : {}), Text: { Data: m.body, Charset: charset } },
        ...(m.headers && Object.keys(m.headers).length ? { Headers: Object.entries(m.headers).map(([Name, Value]) => ({ Name, Value })) } : {}),
      },
    },
    EmailTags: [tag('crm-message-id', m.id), tag('crm-purpose', m.purpose), ...Object.entries(m.refs ?? {}).slice(0, 8).map(([k, v]) => tag(`crm-${k}`.slice(0, 256), v))],
    ...(config.configurationSet ? { ConfigurationSetName: config.configurationSet } : {}),
  };
  return {
    service: 'ses',
    region: config.region,
    url: `https://email.${config.region}.amazonaws.com/v2/email/outbound-emails`,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  };
}

export class SesEmailSender implements MessageSender {
  readonly idempotent = false;
  private readonly caller: AwsJsonCaller;

  constructor(
    private readonly config: SesConfig,
    options: AwsCallOptions = {},
  ) {
    this.caller = new AwsJsonCaller(options);
  }

  async send(m: OutboundMessage): Promise<SendResult> {
    const res = await this.caller.call(sesSendEmailRequest(this.config, m), 'SES SendEmail');
    const id = typeof res.MessageId === 'string' ? res.MessageId : undefined;
    if (!id) throw new ChannelError('SES SendEmail answered without a MessageId', 'unknown', 'NoMessageId');
    return { status: 'sent', sentAt: new Date().toISOString(), provider: 'ses', providerMessageId: id };
  }
}
