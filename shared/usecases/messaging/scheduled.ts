import type { Message } from '../../domain/messaging/messages';
import { countMetric } from '../../runtime/observability';
import { MessagesRepo } from '../../store/messages-repo';
import { repoOf } from '../../store/repo-of';
import type { Timer } from '../../store/timers-repo';
import type { TransactItem } from '../../store/transact';
import type { Ctx } from '../customers';
import { decide } from './decide';
import { backoff, messageEvent, outbox, statsItems, tryTransact } from './records';
import { resume, scheduleTimer, sendRecorded } from './send';

/**
 * The timer of a message scheduled for the end of quiet hours. When it fires everything is checked
 * again as of now — consent, suppression, the caps (a message scheduled in the night competes for
 * the day's cap when it goes out), the render with the customer's current data — and the message
 * is sent, skipped with its reason, or (quiet hours moved meanwhile) scheduled again. Idempotent:
 * a message no longer `scheduled` is left alone.
 */
export async function onScheduledMessage(ctx: Ctx, timer: Timer): Promise<void> {
  const messageId = (timer.payload?.messageId as string | undefined) ?? timer.key;
  const messages = repoOf(ctx.deps, MessagesRepo);
  for (let attempt = 0; attempt < 60; attempt++) {
    const m = await messages.get(messageId);
    // A firing that crashed after moving the message to `sending` is finished like any retry.
    if (m?.state === 'sending') {
      await resume(ctx, m);
      return;
    }
    if (!m || m.state !== 'scheduled') return;
    if (m.scheduledFor && m.scheduledFor !== timer.dueAt) return; // rescheduled: a later timer handles it
    const nowMs = ctx.deps.clock.now().getTime();
    const now = new Date(nowMs).toISOString();
    const d = await decide(ctx, { messageId: m.id, customerId: m.customerId, channel: m.channel, purpose: m.purpose, templateId: m.templateId, ...(m.templateVersion !== undefined ? { templateVersion: m.templateVersion } : {}), ...(m.vars ? { vars: m.vars } : {}), respectQuietHours: m.respectQuietHours ?? m.purpose === 'marketing' }, nowMs);
    const from = { from: ['scheduled'] as const, expect: { scheduledFor: m.scheduledFor! } };
    if (d.kind === 'schedule') {
      const next: Message = { ...m, scheduledFor: d.at };
      const r = await tryTransact(ctx.deps.db, [messages.transition(m.id, { ...from, set: { scheduledFor: d.at } })]);
      if (r.ok) await scheduleTimer(ctx, next);
      return;
    }
    let items: TransactItem[];
    let ledgerIndex = -1;
    const leave = statsItems(ctx, m, { counters: { scheduled: -1, ...(d.kind === 'skip' ? { skipped: 1 } : {}) }, ...(d.kind === 'skip' ? { skipReason: d.reason } : {}) });
    if (d.kind === 'skip') {
      const skipped: Message = { ...m, state: 'skipped', reason: d.reason, detail: d.detail, skippedAt: now };
      items = [messages.transition(m.id, { ...from, set: { state: 'skipped', reason: d.reason, detail: d.detail, skippedAt: now } }), ...leave, outbox(ctx, messageEvent(ctx, 'MessageSkipped', skipped, now, { reason: d.reason }))];
    } else {
      items = [messages.transition(m.id, { ...from, set: { state: 'sending', to: d.to, ...(d.subject ? { subject: d.subject } : {}) } }), messages.body(m.id, d.body, nowMs), ...leave];
      if (d.ledger) {
        ledgerIndex = items.length;
        items.push(messages.ledgerPut(m.customerId, d.ledger.next, d.ledger.version));
      }
    }
    const r = await tryTransact(ctx.deps.db, items);
    if (!r.ok) {
      if (r.failed.includes(ledgerIndex)) {
        await backoff(attempt);
        continue;
      }
      return; // the message changed meanwhile (another firing): nothing to do
    }
    if (d.kind === 'skip') {
      countMetric('MessagesSkipped');
      return;
    }
    await sendRecorded(ctx, { ...m, state: 'sending', to: d.to, ...(d.subject ? { subject: d.subject } : {}) });
    return;
  }
  throw new Error(`scheduled message ${messageId}: too many concurrent changes to the customer's send ledger; the timer is retried`);
}
