/**
 * What the providers report, turned into feedback on our messages. In AWS, SES event publishing
 * (configuration set) and End User Messaging SMS (configuration set event destination, and two-way
 * SMS for inbound texts) publish to one SNS topic, which feeds the message-feedback queue. A queue
 * message is an SNS notification (`{ Type: 'Notification', MessageId, Message }`) or, with raw
 * message delivery, the provider's JSON itself. Our message id rides along as the SES e-mail tag
 * `crm-message-id` or the SMS `context.crmMessageId`. Pure.
 */
export type ProviderEvent =
  | { kind: 'feedback'; messageId: string; feedback: 'delivered' | 'opened' | 'clicked' | 'bounced' | 'complained'; at?: string; eventId: string; bounce?: { hard: boolean; reason?: string }; url?: string }
  | { kind: 'inbound-sms'; from: string; body: string; at?: string; eventId: string }
  | { kind: 'ignored'; why: string };

type Json = Record<string, unknown>;
const obj = (v: unknown): Json | undefined => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' && v ? v : undefined);

function iso(v: unknown): string | undefined {
  if (typeof v === 'number') return new Date(v).toISOString();
  const s = str(v);
  if (!s) return undefined;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : new Date(t).toISOString();
}

/** Unwraps an SNS notification; the event id is SNS's message id (or the given fallback). */
export function parseQueueBody(body: string, fallbackId: string): ProviderEvent {
  let doc: Json | undefined;
  try {
    doc = obj(JSON.parse(body));
  } catch {
    return { kind: 'ignored', why: 'not JSON' };
  }
  if (!doc) return { kind: 'ignored', why: 'not a JSON object' };
  if (doc.Type === 'SubscriptionConfirmation') return { kind: 'ignored', why: 'SNS subscription confirmation' };
  if (doc.Type === 'Notification' && typeof doc.Message === 'string') {
    let inner: Json | undefined;
    try {
      inner = obj(JSON.parse(doc.Message));
    } catch {
      return { kind: 'ignored', why: 'SNS message is not JSON' };
    }
    return inner ? parseProviderEvent(inner, str(doc.MessageId) ?? fallbackId) : { kind: 'ignored', why: 'SNS message is not an object' };
  }
  return parseProviderEvent(doc, fallbackId);
}

const SMS_DELIVERED = new Set(['TEXT_DELIVERED', 'TEXT_SUCCESSFUL']);
const SMS_HARD = new Set(['TEXT_INVALID', 'TEXT_INVALID_MESSAGE', 'TEXT_UNREACHABLE', 'TEXT_BLOCKED', 'TEXT_OPTED_OUT']);
const SMS_SOFT = new Set(['TEXT_CARRIER_UNREACHABLE', 'TEXT_TTL_EXPIRED', 'TEXT_SPAM', 'TEXT_UNKNOWN', 'TEXT_CARRIER_BLOCKED', 'TEXT_PROTECT_BLOCKED']);

export function parseProviderEvent(e: Json, eventId: string): ProviderEvent {
  // SES event publishing: { eventType, mail: { tags: { 'crm-message-id': [id] } }, bounce | complaint | delivery | open | click }
  const sesType = str(e.eventType) ?? str(e.notificationType);
  const mail = obj(e.mail);
  if (sesType && mail) {
    const tags = obj(mail.tags) ?? {};
    const id = Array.isArray(tags['crm-message-id']) ? str((tags['crm-message-id'] as unknown[])[0]) : undefined;
    if (!id) return { kind: 'ignored', why: 'SES event without the crm-message-id tag' };
    const base = { kind: 'feedback' as const, messageId: id, eventId };
    switch (sesType) {
      case 'Delivery':
        return { ...base, feedback: 'delivered', ...at(obj(e.delivery)?.timestamp) };
      case 'Open':
        return { ...base, feedback: 'opened', ...at(obj(e.open)?.timestamp) };
      case 'Click': {
        const link = str(obj(e.click)?.link);
        return { ...base, feedback: 'clicked', ...at(obj(e.click)?.timestamp), ...(link ? { url: link } : {}) };
      }
      case 'Bounce': {
        const b = obj(e.bounce) ?? {};
        const type = str(b.bounceType);
        return { ...base, feedback: 'bounced', ...at(b.timestamp), bounce: { hard: type === 'Permanent', reason: [type, str(b.bounceSubType)].filter(Boolean).join('/') } };
      }
      case 'Complaint':
        return { ...base, feedback: 'complained', ...at(obj(e.complaint)?.timestamp) };
      default:
        return { kind: 'ignored', why: `SES ${sesType} event` };
    }
  }
  // End User Messaging SMS: { eventType: 'TEXT_DELIVERED', context: { crmMessageId }, eventTimestamp, messageStatusDescription }
  const smsType = str(e.eventType);
  if (smsType?.startsWith('TEXT_')) {
    const id = str(obj(e.context)?.crmMessageId);
    if (!id) return { kind: 'ignored', why: 'SMS event without context.crmMessageId' };
    const when = at(e.eventTimestamp);
    if (SMS_DELIVERED.has(smsType)) return { kind: 'feedback', messageId: id, eventId, feedback: 'delivered', ...when };
    if (SMS_HARD.has(smsType) || SMS_SOFT.has(smsType)) {
      return { kind: 'feedback', messageId: id, eventId, feedback: 'bounced', ...when, bounce: { hard: SMS_HARD.has(smsType), reason: [smsType, str(e.messageStatusDescription)].filter(Boolean).join(': ') } };
    }
    return { kind: 'ignored', why: `SMS ${smsType} event` };
  }
  // Two-way SMS: { originationNumber, destinationNumber, messageBody, inboundMessageId }
  const from = str(e.originationNumber);
  if (from && typeof e.messageBody === 'string') return { kind: 'inbound-sms', from, body: e.messageBody, eventId: str(e.inboundMessageId) ?? eventId };
  return { kind: 'ignored', why: 'not a provider event this worker knows' };
}

function at(v: unknown): { at?: string } {
  const t = iso(v);
  return t ? { at: t } : {};
}
