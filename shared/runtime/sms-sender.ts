import { AwsJsonCaller, ChannelError, type AwsCallOptions, type AwsRequest } from './channel-aws';
import type { MessageSender, OutboundMessage, SendResult } from './messaging';

/**
 * SMS through AWS End User Messaging SMS (`pinpoint-sms-voice-v2` SendTextMessage, AWS JSON 1.0).
 * Marketing texts go as PROMOTIONAL, the rest as TRANSACTIONAL; the configuration set publishes
 * delivery receipts, and `Context.crmMessageId` comes back on each of them. No idempotency token
 * exists: the pipeline never calls it twice for one message.
 */
export interface SmsConfig {
  region: string;
  /** A phone number, pool, sender id or their ARN; the settings' sender id when absent. */
  originationIdentity?: string;
  configurationSet?: string;
  /** Seconds the carrier keeps trying (default 72 h). */
  timeToLiveSeconds?: number;
}

export function smsSendTextRequest(config: SmsConfig, m: OutboundMessage): AwsRequest {
  const origination = config.originationIdentity ?? m.from;
  const body = {
    DestinationPhoneNumber: m.to,
    ...(origination ? { OriginationIdentity: origination } : {}),
    MessageBody: m.body,
    MessageType: m.purpose === 'marketing' || m.purpose === 'campaign' || m.purpose === 'care' ? 'PROMOTIONAL' : 'TRANSACTIONAL',
    ...(config.configurationSet ? { ConfigurationSetName: config.configurationSet } : {}),
    ...(config.timeToLiveSeconds ? { TimeToLive: config.timeToLiveSeconds } : {}),
    Context: { crmMessageId: m.id, ...Object.fromEntries(Object.entries(m.refs ?? {}).slice(0, 4).map(([k, v]) => [`crm${k[0]!.toUpperCase()}${k.slice(1)}`, v])) },
  };
  return {
    service: 'sms-voice',
    region: config.region,
    url: `https://sms-voice.${config.region}.amazonaws.com/`,
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'PinpointSMSVoiceV2.SendTextMessage' },
    body: JSON.stringify(body),
  };
}

export class EndUserMessagingSmsSender implements MessageSender {
  readonly idempotent = false;
  private readonly caller: AwsJsonCaller;

  constructor(
    private readonly config: SmsConfig,
    options: AwsCallOptions = {},
  ) {
    this.caller = new AwsJsonCaller(options);
  }

  async send(m: OutboundMessage): Promise<SendResult> {
    const res = await this.caller.call(smsSendTextRequest(this.config, m), 'SMS SendTextMessage');
    const id = typeof res.MessageId === 'string' ? res.MessageId : undefined;
    if (!id) throw new ChannelError('SendTextMessage answered without a MessageId', 'unknown', 'NoMessageId');
    return { status: 'sent', sentAt: new Date().toISOString(), provider: 'sms', providerMessageId: id };
  }
}
