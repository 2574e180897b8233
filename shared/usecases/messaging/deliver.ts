import { ValidationError, type FieldIssue } from '../../domain/errors';
import type { Message } from '../../domain/messaging/messages';
import { countMetric } from '../../runtime/observability';
import { MessagesRepo } from '../../store/messages-repo';
import { repoOf } from '../../store/repo-of';
import type { TransactItem } from '../../store/transact';
import type { Ctx } from '../customers';
import { decide, type Decision } from './decide';
import { backoff, messageEvent, outbox, statsItems, tryTransact } from './records';
import { resume, scheduleTimer, sendRecorded } from './send';
import { DELIVERY_CHANNELS, MESSAGE_PURPOSES, SOURCE_KINDS, type DeliveryOutcome, type DeliveryRequest } from './types';

/**
 * The send pipeline's one entry point (the contract in ./types.ts): renders a saved template for
 * one customer and sends it on one channel, once per `key`.
 *
 * Each request is decided (./decide.ts) and recorded in ONE transaction with the claim of its key:
 * a skip with its reason, counter and MessageSkipped; a schedule (quiet hours) with its counter,
 * then a timer; or a send — the message `sending` with its rendered body and, for marketing, the
 * customer's send ledger under a version condition, so concurrent deliveries to one customer
 * cannot exceed the caps (a lost race re-reads and decides again). The provider step follows
 * (./send.ts). A request whose key is already recorded resumes or reports that message.
 */
const MAX_ATTEMPTS = 60;
export const KEY_MAX_LENGTH = 512;

function checkRequest(req: DeliveryRequest): void {
  const issues: FieldIssue[] = [];
  if (typeof req.key !== 'string' || !req.key.trim() || req.key.length > KEY_MAX_LENGTH) issues.push({ field: 'key', message: `must be 1-${KEY_MAX_LENGTH} characters` });
  if (typeof req.customerId !== 'string' || !req.customerId) issues.push({ field: 'customerId', message: 'is required' });
  if (!(DELIVERY_CHANNELS as readonly string[]).includes(req.channel)) issues.push({ field: 'channel', message: `must be one of ${DELIVERY_CHANNELS.join(', ')}` });
  if (!(MESSAGE_PURPOSES as readonly string[]).includes(req.purpose)) issues.push({ field: 'purpose', message: `must be one of ${MESSAGE_PURPOSES.join(', ')}` });
  if (typeof req.templateId !== 'string' || !req.templateId) issues.push({ field: 'templateId', message: 'is required' });
  if (req.templateVersion !== undefined && (!Number.isInteger(req.templateVersion) || req.templateVersion < 1)) issues.push({ field: 'templateVersion', message: 'must be a positive whole number' });
  if (!req.source || !(SOURCE_KINDS as readonly string[]).includes(req.source.kind)) issues.push({ field: 'source.kind', message: `must be one of ${SOURCE_KINDS.join(', ')}` });
  if (!req.source?.id) issues.push({ field: 'source.id', message: 'is required' });
  for (const [k, v] of Object.entries(req.vars ?? {})) if (typeof v !== 'string' || v.length > 10_000) issues.push({ field: `vars.${k}`, message: 'must be a text of at most 10000 characters' });
  if (issues.length) throw new ValidationError(issues, `Invalid delivery request: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`);
}

export async function deliver(ctx: Ctx, req: DeliveryRequest): Promise<DeliveryOutcome> {
  checkRequest(req);
  const { deps } = ctx;
  const messages = repoOf(deps, MessagesRepo);
  const respectQuietHours = req.respectQuietHours ?? req.purpose === 'marketing';
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
    const existing = await messages.idForKey(req.key);
    if (existing) {
      const m = await messages.get(existing);
      if (m) return resume(ctx, m);
    }
    const nowMs = deps.clock.now().getTime();
    const now = new Date(nowMs).toISOString();
    const id = deps.ids.next(nowMs);
    const d = await decide(ctx, { messageId: id, customerId: req.customerId, channel: req.channel, purpose: req.purpose, templateId: req.templateId, ...(req.templateVersion !== undefined ? { templateVersion: req.templateVersion } : {}), ...(req.vars ? { vars: req.vars } : {}), respectQuietHours }, nowMs);
    const m = recordOf(req, id, now, d, respectQuietHours);
    const items: TransactItem[] = messages.create(m);
    let ledgerIndex = -1;
    if (d.kind === 'skip') {
      items.push(...statsItems(ctx, m, { counters: { skipped: 1 }, skipReason: d.reason }), outbox(ctx, messageEvent(ctx, 'MessageSkipped', m, now, { reason: d.reason })));
    } else if (d.kind === 'schedule') {
      items.push(...statsItems(ctx, m, { counters: { scheduled: 1 } }));
    } else {
      items.push(messages.body(id, d.body, nowMs));
      if (d.ledger) {
        ledgerIndex = items.length;
        items.push(messages.ledgerPut(m.customerId, d.ledger.next, d.ledger.version));
      }
    }
    const r = await tryTransact(deps.db, items);
    if (!r.ok) {
      // The key was claimed meanwhile (a concurrent duplicate): the loop resumes that message.
      // The ledger moved (a concurrent send to this customer): decide again with the new one.
      if (r.failed.includes(0) || r.failed.includes(ledgerIndex)) {
        if (!r.failed.includes(0)) await backoff(attempt);
        continue;
      }
      throw new Error(`recording message ${id} failed on item(s) ${r.failed.join(', ')}`);
    }
    if (d.kind === 'skip') {
      countMetric('MessagesSkipped');
      return { status: 'skipped', messageId: id, reason: d.reason };
    }
    if (d.kind === 'schedule') {
      await scheduleTimer(ctx, m);
      countMetric('MessagesScheduled');
      return { status: 'scheduled', messageId: id, at: d.at, reason: 'quiet-hours' };
    }
    return sendRecorded(ctx, m);
  }
  throw new Error(`delivery ${req.key}: too many concurrent changes to the customer's send ledger; retry`);
}

function recordOf(req: DeliveryRequest, id: string, now: string, d: Decision, respectQuietHours: boolean): Message {
  const base: Message = {
    id,
    key: req.key,
    customerId: d.customerId,
    channel: req.channel,
    purpose: req.purpose,
    source: { kind: req.source.kind, id: req.source.id, ...(req.source.variant ? { variant: req.source.variant } : {}), ...(req.source.step ? { step: req.source.step } : {}) },
    templateId: req.templateId,
    ...(d.templateVersion !== undefined ? { templateVersion: d.templateVersion } : {}),
    ...(d.to ? { to: d.to } : {}),
    state: 'sending',
    createdAt: now,
    opens: 0,
    clicks: 0,
    orders: 0,
    revenueMinor: {},
  };
  if (d.kind === 'skip') return { ...base, state: 'skipped', reason: d.reason, detail: d.detail, skippedAt: now };
  if (d.kind === 'schedule') return { ...base, state: 'scheduled', scheduledFor: d.at, respectQuietHours, ...(req.vars ? { vars: req.vars } : {}) };
  return { ...base, ...(d.subject ? { subject: d.subject } : {}) };
}
