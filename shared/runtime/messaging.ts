import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../store/client';
import { DEV_OUTBOX_PK, devMessageKey, devOutboxListKeys } from '../store/keys';
import { MessagingSettingsRepo } from '../store/messaging-settings-repo';
import { repoOf } from '../store/repo-of';
import { EndUserMessagingSmsSender } from './sms-sender';
import { fromHeader, SesEmailSender } from './ses-email';
import { WebhookChannelSender } from './channel-webhook';
import { cachedFor, readSecret, SECRET_CACHE_MS } from './deps';

/**
 * The message channel port: how the CRM writes to a customer (a survey link, a care message; the
 * campaigns issue sends its campaigns through it too). One call per message; `id` is the
 * idempotency key, so a handler retried after a crash sends the same message once.
 *
 * Providers (SES, an SMS gateway, WeChat templates) plug in as adapters of this interface. Until
 * one is configured — always locally and in tests — messages land in the dev outbox: an item per
 * message in the table (kept 7 days), read back with `DevOutbox.list()` (tests, e2e, the bench)
 * instead of being delivered.
 */
export const MESSAGE_CHANNELS = ['email', 'sms', 'wechat', 'app', 'webhook'] as const;
export type MessageChannel = (typeof MESSAGE_CHANNELS)[number];

export interface OutboundMessage {
  /** Idempotency key: the same id again is the same message. */
  id: string;
  channel: MessageChannel;
  /** Address on that channel: e-mail address, E.164 phone, WeChat open id. */
  to: string;
  subject?: string;
  body: string;
  /** What it is for: `survey`, `care`, `campaign`, … (reporting, suppression lists). */
  purpose: string;
  customerId?: string;
  /** Free-form references (survey id, ticket id, rule id). */
  refs?: Record<string, string>;
  // Messaging (issue 6): what the send pipeline adds for richer channels.
  /** E-mail: the html part (`body` is the plain-text part) and extra headers (List-Unsubscribe). */
  html?: string;
  headers?: Record<string, string>;
  /** E-mail `From` (`"Brand" <address>`) and Reply-To; SMS: a sender id. Filled from the messaging settings when absent. */
  from?: string;
  replyTo?: string;
  /** Webhook channel: the rendered JSON body template. */
  payload?: unknown;
}

export type Provider = 'dev-outbox' | 'ses' | 'sms' | 'webhook';

export interface SendResult {
  status: 'sent' | 'duplicate';
  sentAt: string;
  provider?: Provider;
  providerMessageId?: string;
}

export interface SentMessage extends OutboundMessage {
  sentAt: string;
}

export interface MessageSender {
  /** Sends (or records) the message; `duplicate` when this id was sent before. */
  send(message: OutboundMessage): Promise<SendResult>;
  /** Sending the same id twice sends it once (dev outbox, webhook receivers dedup); SES and SMS are not. */
  readonly idempotent?: boolean;
}

const DEV_OUTBOX_TTL_SECONDS = 7 * 86_400;
const DEV_MESSAGE_ENTITY = 'dev-message';

/** The dev outbox in the table: messages captured instead of delivered, listed newest first. */
export class DevOutbox implements MessageSender {
  readonly idempotent = true;

  constructor(
    private readonly db: Db,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async send(m: OutboundMessage): Promise<SendResult> {
    const sentAt = this.now().toISOString();
    try {
      await this.db.doc.send(
        new PutCommand({
          TableName: this.db.tableName,
          Item: { ...devMessageKey(m.id), ...devOutboxListKeys(sentAt, m.id), entity: DEV_MESSAGE_ENTITY, ...m, sentAt, ttl: Math.floor(Date.parse(sentAt) / 1000) + DEV_OUTBOX_TTL_SECONDS },
          ConditionExpression: 'attribute_not_exists(PK)',
        }),
      );
      return { status: 'sent', sentAt, provider: 'dev-outbox' };
    } catch (e) {
      if ((e as { name?: string }).name !== 'ConditionalCheckFailedException') throw e;
      const prior = await this.get(m.id);
      return { status: 'duplicate', sentAt: prior?.sentAt ?? sentAt, provider: 'dev-outbox' };
    }
  }

  async get(id: string): Promise<SentMessage | undefined> {
    const res = await this.db.doc.send(new GetCommand({ TableName: this.db.tableName, Key: devMessageKey(id), ConsistentRead: true }));
    return res.Item ? toMessage(res.Item) : undefined;
  }

  /** The newest messages first (all of them, page by page, up to `max`). */
  async list(max = 100): Promise<SentMessage[]> {
    const out: SentMessage[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const res = await this.db.doc.send(
        new QueryCommand({
          TableName: this.db.tableName,
          IndexName: 'GSI1',
          KeyConditionExpression: 'GSI1PK = :pk',
          ExpressionAttributeValues: { ':pk': DEV_OUTBOX_PK },
          ScanIndexForward: false,
          Limit: Math.min(1000, max - out.length),
          ...(start ? { ExclusiveStartKey: start } : {}),
        }),
      );
      out.push(...(res.Items ?? []).map(toMessage));
      start = res.LastEvaluatedKey;
    } while (start && out.length < max);
    return out;
  }
}

function toMessage(item: Record<string, unknown>): SentMessage {
  const { PK: _pk, SK: _sk, GSI1PK: _g, GSI1SK: _s, entity: _e, ttl: _t, ...rest } = item;
  return rest as unknown as SentMessage;
}

/** An in-memory sender (unit tests): what was sent, in order. */
export class MemoryOutbox implements MessageSender {
  readonly idempotent = true;
  readonly sent: SentMessage[] = [];
  async send(m: OutboundMessage): Promise<SendResult> {
    const prior = this.sent.find((s) => s.id === m.id);
    if (prior) return { status: 'duplicate', sentAt: prior.sentAt, provider: 'dev-outbox' };
    const sentAt = new Date().toISOString();
    this.sent.push({ ...m, sentAt });
    return { status: 'sent', sentAt, provider: 'dev-outbox' };
  }
}

/**
 * Messaging (issue 6): the channel adapters configured by the deployment (environment set by CDK,
 * docs/messaging.md). A channel without one — every channel locally and in tests — lands in the
 * dev outbox. Surveys, care and the send pipeline all go through this router.
 */
export interface ChannelEnv {
  region: string;
  email?: { fromIdentityArn?: string; configurationSet?: string };
  sms?: { originationIdentity?: string; configurationSet?: string };
  /** The webhook channel's signing secret: a Secrets Manager ARN (AWS) or the secret itself (local runs). */
  webhook?: { secretArn?: string; secret?: string };
}

export function channelEnv(env: NodeJS.ProcessEnv = process.env): ChannelEnv {
  return {
    region: env.AWS_REGION ?? 'us-east-1',
    ...(env.CRM_EMAIL_PROVIDER === 'ses' ? { email: { ...(env.CRM_SES_IDENTITY_ARN ? { fromIdentityArn: env.CRM_SES_IDENTITY_ARN } : {}), ...(env.CRM_SES_CONFIGURATION_SET ? { configurationSet: env.CRM_SES_CONFIGURATION_SET } : {}) } } : {}),
    ...(env.CRM_SMS_PROVIDER === 'end-user-messaging'
      ? { sms: { ...(env.CRM_SMS_ORIGINATION_IDENTITY ? { originationIdentity: env.CRM_SMS_ORIGINATION_IDENTITY } : {}), ...(env.CRM_SMS_CONFIGURATION_SET ? { configurationSet: env.CRM_SMS_CONFIGURATION_SET } : {}) } }
      : {}),
    ...(env.CRM_CHANNEL_WEBHOOK_SECRET_ARN ? { webhook: { secretArn: env.CRM_CHANNEL_WEBHOOK_SECRET_ARN } } : env.CRM_CHANNEL_WEBHOOK_SECRET ? { webhook: { secret: env.CRM_CHANNEL_WEBHOOK_SECRET } } : {}),
  };
}

/** Routes each message to its channel's adapter, filling the sender from the messaging settings. */
export class ChannelRouter implements MessageSender {
  private readonly outbox: DevOutbox;
  private readonly email?: MessageSender;
  private readonly sms?: MessageSender;
  private readonly webhook?: MessageSender;
  private readonly settings: () => ReturnType<MessagingSettingsRepo['get']>;

  constructor(db: Db, now: () => Date, env: ChannelEnv) {
    this.outbox = new DevOutbox(db, now);
    const repo = repoOf({ db }, MessagingSettingsRepo);
    this.settings = () => repo.get({ maxAgeMs: 30_000 });
    if (env.email) this.email = new SesEmailSender({ region: env.region, ...env.email });
    if (env.sms) this.sms = new EndUserMessagingSmsSender({ region: env.region, ...env.sms });
    if (env.webhook) {
      const secrets = channelWebhookSecrets(env);
      this.webhook = new WebhookChannelSender({ url: async () => (await this.settings()).webhook.url, secret: async () => (await secrets())[0]! });
    }
  }

  /** The adapter a channel uses: the dev outbox when none is configured (the webhook channel also needs its URL in the settings). */
  async adapterFor(channel: MessageChannel): Promise<MessageSender> {
    if (channel === 'email') return this.email ?? this.outbox;
    if (channel === 'sms') return this.sms ?? this.outbox;
    return this.webhook && (await this.settings()).webhook.url ? this.webhook : this.outbox;
  }

  /** Idempotency depends on the channel; see `idempotentFor`. */
  readonly idempotent = false;

  /** SES and SMS have no idempotency key; the dev outbox and the webhook channel dedup on the message id. */
  idempotentFor(channel: MessageChannel): boolean {
    if (channel === 'email') return !this.email;
    if (channel === 'sms') return !this.sms;
    return true;
  }

  async send(m: OutboundMessage): Promise<SendResult> {
    const adapter = await this.adapterFor(m.channel);
    if (adapter === this.outbox) return adapter.send(m);
    const s = await this.settings();
    const filled: OutboundMessage =
      m.channel === 'email'
        ? { ...m, from: m.from ?? fromHeader(s.email.fromName, s.email.fromAddress), ...(m.replyTo ?? s.email.replyTo ? { replyTo: m.replyTo ?? s.email.replyTo } : {}) }
        : m.channel === 'sms' && !m.from && s.sms.senderId
          ? { ...m, from: s.sms.senderId }
          : m;
    return adapter.send(filled);
  }
}

/**
 * The webhook channel's signing secret(s): outbound messages are signed with the first, and
 * inbound SMS replies from the same gateway are checked against all (rotation). A Secrets Manager
 * secret in AWS (text, or a JSON list of texts), cached like the other secrets; none: empty.
 */
export function channelWebhookSecrets(env: ChannelEnv = channelEnv()): () => Promise<string[]> {
  const hook = env.webhook;
  if (!hook) return async () => [];
  const parse = (text: string): string[] => {
    const t = text.trim();
    if (t.startsWith('[')) return (JSON.parse(t) as unknown[]).filter((x): x is string => typeof x === 'string' && x.length > 0);
    return t ? [t] : [];
  };
  return hook.secretArn ? cachedFor(SECRET_CACHE_MS, async () => parse(await readSecret(hook.secretArn!))) : async () => parse(hook.secret ?? '');
}

const routers = new WeakMap<Db, ChannelRouter>();

/** The sender of these deps: the one installed (tests), else the channel router (dev outbox for unconfigured channels). */
export function messageSender(deps: { messages?: MessageSender; db: Db; clock: { now(): Date } }): MessageSender {
  if (deps.messages) return deps.messages;
  let r = routers.get(deps.db);
  if (!r) routers.set(deps.db, (r = new ChannelRouter(deps.db, () => deps.clock.now(), channelEnv())));
  return r;
}

/** Whether sending one message twice through this sender for this channel is safe. */
export function isIdempotentFor(sender: MessageSender, channel: MessageChannel): boolean {
  return sender instanceof ChannelRouter ? sender.idempotentFor(channel) : sender.idempotent === true;
}
