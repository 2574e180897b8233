import { DEFAULT_MESSAGING_SETTINGS, type MessagingSettings } from '../../shared/domain/messaging/settings';
import type { TemplateChannel, TemplateContent } from '../../shared/domain/messaging/templates';
import type { Deps } from '../../shared/runtime/deps';
import { DevOutbox, type MessageSender, type OutboundMessage, type SendResult } from '../../shared/runtime/messaging';
import { MessagingSettingsRepo } from '../../shared/store/messaging-settings-repo';
import { repoOf } from '../../shared/store/repo-of';
import type { Timer } from '../../shared/store/timers-repo';
import { createCustomer, type Ctx } from '../../shared/usecases/customers';
import { createTemplate } from '../../shared/usecases/messaging/templates';
import type { DeliveryRequest } from '../../shared/usecases/messaging/types';
import { TIMER_HANDLERS } from '../../shared/usecases/timers/handlers';
import { fireTimer } from '../../shared/usecases/timers/timers';
import { CapturingQueue } from './service-helpers';
import { testDeps } from '../support/db';

/** A messaging world on its own table: a clock the test moves, a sender it can break, timers it fires. */
export interface MessagingWorld {
  deps: Deps;
  clock: { t: number; set(iso: string): void; advance(ms: number): void };
  sender: FaultySender;
  ctx(actorId?: string): Ctx;
  settings(patch: Partial<MessagingSettings>): Promise<MessagingSettings>;
  customer(input?: Record<string, unknown>): Promise<string>;
  template(channel: TemplateChannel, content: TemplateContent, name?: string): Promise<string>;
  request(customerId: string, templateId: string, extra?: Partial<DeliveryRequest>): DeliveryRequest;
  fireDue(): Promise<string[]>;
}

/**
 * The dev outbox with injectable crashes: `failBefore` throws before anything is captured (a
 * process dying before the provider call), `failAfter` captures then throws (dying right after the
 * provider accepted it). `idempotent` can be turned off to act like SES or SMS.
 */
export class FaultySender implements MessageSender {
  calls = 0;
  failBefore = 0;
  failAfter = 0;
  idempotent = true;
  /** Hang the next call after the provider accepted it (a process that stops mid-call) until `release()`. */
  hang = false;
  private released?: () => void;
  captured: OutboundMessage[] = [];
  release(): void {
    this.released?.();
  }
  constructor(private readonly inner: MessageSender) {}
  async send(m: OutboundMessage): Promise<SendResult> {
    this.calls++;
    if (this.failBefore > 0) {
      this.failBefore--;
      throw new Error('crash before the provider call');
    }
    const r = this.idempotent ? await this.inner.send(m) : { status: 'sent' as const, sentAt: new Date().toISOString(), provider: 'ses' as const, providerMessageId: `ses-${this.calls}` };
    this.captured.push(m);
    if (this.hang) {
      this.hang = false;
      await new Promise<void>((resolve) => (this.released = resolve));
    }
    if (this.failAfter > 0) {
      this.failAfter--;
      throw new Error('crash after the provider call');
    }
    return r;
  }
}

export async function messagingWorld(startIso = '2026-05-12T04:00:00.000Z', settings: Partial<MessagingSettings> = {}): Promise<MessagingWorld> {
  const queue = new CapturingQueue();
  const clock = {
    t: Date.parse(startIso),
    set(iso: string) {
      this.t = Date.parse(iso);
    },
    advance(ms: number) {
      this.t += ms;
    },
  };
  let sender: FaultySender | undefined;
  const deps = await testDeps({ queue, clock: { now: () => new Date(clock.t) } });
  sender = new FaultySender(new DevOutbox(deps.db, () => new Date(clock.t)));
  deps.messages = sender;
  const ctx = (actorId = 'marketer-1'): Ctx => ({ deps, correlationId: 'it-messaging', actorId });
  const repo = repoOf(deps, MessagingSettingsRepo);
  const world: MessagingWorld = {
    deps,
    clock,
    sender,
    ctx,
    async settings(patch) {
      const current = await repo.get();
      const next = { ...current, ...patch, version: current.version + 1 };
      await repo.put(next, current.version);
      return next;
    },
    async customer(input = {}) {
      const c = await createCustomer(ctx(), { name: 'Li Lei', email: `li.${Math.random().toString(36).slice(2)}@example.com`, consent: { email: { granted: true, source: 'signup' }, sms: { granted: true, source: 'signup' } }, ...input });
      return c.id;
    },
    async template(channel, content, name = `${channel} template`) {
      return (await createTemplate(ctx(), { name, channel, content })).id;
    },
    request(customerId, templateId, extra = {}) {
      return { key: `test:${Math.random().toString(36).slice(2)}`, customerId, channel: 'email', templateId, purpose: 'marketing', source: { kind: 'campaign', id: 'cmp-1' }, ...extra };
    },
    async fireDue() {
      const due: Timer[] = await deps.timers.due('2000-01-01T00:00:00.000Z', new Date(clock.t).toISOString());
      const fired: string[] = [];
      for (const t of due) {
        const outcome = await fireTimer({ deps, correlationId: `timer:${t.kind}`, actorId: `system:timer:${t.kind}` }, t, TIMER_HANDLERS);
        if (outcome === 'fired') fired.push(`${t.kind}:${t.key}`);
      }
      queue.sent = [];
      return fired;
    },
  };
  await world.settings({ ...DEFAULT_MESSAGING_SETTINGS, quietHours: { ...DEFAULT_MESSAGING_SETTINGS.quietHours, enabled: false }, ...settings });
  return world;
}

export const EMAIL: TemplateContent = {
  subject: 'Hello {{ customer.firstName | default: "there" }}',
  html: '<html><body><p>Hi {{ customer.firstName | default: "there" }}, your code is {{ coupon.code | default: "none" }}.</p><p><a href="https://shop.example.com/sale?x=1&amp;y=2">Shop</a></p></body></html>',
};
export const SMS: TemplateContent = { body: 'Hi {{ customer.firstName | default: "there" }}, 20% off today' };
