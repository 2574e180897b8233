/**
 * A message and its life: recorded once per delivery key, then
 *
 *   scheduled ─▶ sending ─▶ sent ─▶ delivered ─▶ opened ─▶ clicked ─▶ converted
 *        │           │        └──▶ bounced | complained | unsubscribed
 *        └─▶ skipped  └─▶ failed
 *
 * `sending` is internal: the message is recorded and about to be handed to the provider
 * (`attemptAt` set once the call starts). Feedback never moves a message backwards: an open after
 * a click keeps it clicked; each first occurrence (first delivery, first open, first click, first
 * conversion) is recorded once with its time, and counted once in the stats of its source. Pure.
 */
export const CHANNELS = ['email', 'sms', 'webhook'] as const;
export type Channel = (typeof CHANNELS)[number];
export const STATES = ['scheduled', 'sent', 'skipped', 'failed', 'delivered', 'bounced', 'complained', 'opened', 'clicked', 'converted', 'unsubscribed'] as const;
export type State = (typeof STATES)[number];
export type StoredState = State | 'sending';

export interface MessageSourceRef {
  kind: string;
  id: string;
  variant?: string;
  step?: string;
}

export type Provider = 'dev-outbox' | 'ses' | 'sms' | 'webhook';

export interface Message {
  id: string;
  /** The delivery key (idempotency): the same key is this message. */
  key: string;
  customerId: string;
  channel: Channel;
  purpose: 'marketing' | 'transactional';
  source: MessageSourceRef;
  templateId: string;
  templateVersion?: number;
  state: StoredState;
  /** Why it was skipped (a skip reason) or failed. */
  reason?: string;
  /** The reason in words (which consent, which cap, …). */
  detail?: string;
  /** The address it went to (e-mail, E.164 phone, or the customer id for the webhook channel). */
  to?: string;
  subject?: string;
  provider?: Provider;
  providerMessageId?: string;
  createdAt: string;
  scheduledFor?: string;
  attemptAt?: string;
  sentAt?: string;
  deliveredAt?: string;
  openedAt?: string;
  clickedAt?: string;
  convertedAt?: string;
  bouncedAt?: string;
  complainedAt?: string;
  unsubscribedAt?: string;
  failedAt?: string;
  skippedAt?: string;
  /** Every open and click (not only the first). */
  opens: number;
  clicks: number;
  /** Orders attributed to this message, and their revenue per currency (minor units). */
  orders: number;
  revenueMinor: Record<string, number>;
  /** Passed by the sender, kept for the scheduled send (coupon code, products). */
  vars?: Record<string, string>;
  respectQuietHours?: boolean;
}

/** How far along the happy path a state is (feedback only moves forward). */
const RANK: Record<string, number> = { scheduled: 0, sending: 1, sent: 2, delivered: 3, opened: 4, clicked: 5, converted: 6 };
const NEGATIVE = new Set<StoredState>(['bounced', 'complained', 'unsubscribed']);

export const FEEDBACK_KINDS = ['delivered', 'opened', 'clicked', 'bounced', 'complained', 'unsubscribed', 'converted'] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

/** Counter names in the stats items (see the stats repository); skips and revenue are keyed separately. */
export type CounterName = 'sent' | 'scheduled' | 'skipped' | 'failed' | 'delivered' | 'bounced' | 'complained' | 'opened' | 'clicked' | 'converted' | 'unsubscribed' | 'opens' | 'clicks' | 'orders';

export interface FeedbackPlan {
  /** Attributes to set on the message (first-occurrence times, the new state). */
  set: Partial<Message>;
  /** The time attributes that must still be absent (the guard of "first occurrence"). */
  firstOf: (keyof Message)[];
  counters: Partial<Record<CounterName, number>>;
  /** Which Message* events to emit. */
  events: FeedbackKind[];
}

const FIRST_AT: Record<FeedbackKind, keyof Message> = {
  delivered: 'deliveredAt',
  opened: 'openedAt',
  clicked: 'clickedAt',
  bounced: 'bouncedAt',
  complained: 'complainedAt',
  unsubscribed: 'unsubscribedAt',
  converted: 'convertedAt',
};

/** Can this message receive feedback (was it handed to a provider)? */
export const wasSent = (m: Pick<Message, 'state' | 'sentAt'>) => !!m.sentAt || m.state === 'sent' || RANK[m.state]! > RANK.sent! || NEGATIVE.has(m.state);

function nextState(current: StoredState, kind: FeedbackKind): StoredState {
  if (kind === 'complained') return 'complained';
  if (kind === 'unsubscribed') return current === 'complained' ? current : 'unsubscribed';
  if (NEGATIVE.has(current)) return current;
  if (kind === 'bounced') return (RANK[current] ?? 0) <= RANK.delivered! ? 'bounced' : current;
  return (RANK[kind] ?? 0) > (RANK[current] ?? 0) ? kind : current;
}

/**
 * What one feedback event does to a message: its state, the first-occurrence time, and the
 * counters. A click also counts as the first open when no open was seen (images blocked), and
 * an open or click as the delivery when the channel reports none. Undefined: nothing to record.
 */
export function planFeedback(m: Message, kind: FeedbackKind, at: string): FeedbackPlan | undefined {
  if (!wasSent(m)) return undefined;
  const plan: FeedbackPlan = { set: {}, firstOf: [], counters: {}, events: [] };
  const first = (k: FeedbackKind) => {
    const attr = FIRST_AT[k];
    if (m[attr] !== undefined) return false;
    plan.set[attr] = at as never;
    plan.firstOf.push(attr);
    plan.counters[k] = (plan.counters[k] ?? 0) + 1;
    plan.events.push(k);
    return true;
  };
  if (kind === 'opened' || kind === 'clicked') {
    if (m.state !== 'bounced') first('delivered');
    if (kind === 'clicked') first('opened');
    first(kind);
    plan.counters[kind === 'opened' ? 'opens' : 'clicks'] = 1;
  } else if (kind === 'converted') {
    first('converted');
  } else if (!first(kind)) return undefined;
  // An open or click that was already counted still adds to the totals, so the plan is not empty.
  if (plan.events.length === 0 && !plan.counters.opens && !plan.counters.clicks) return undefined;
  let state = m.state;
  for (const k of plan.events) state = nextState(state, k);
  if (state !== m.state) plan.set.state = state;
  return plan;
}

/** Messages an order can be attributed to: handed to the provider, and not bounced, complained or unsubscribed. */
export const attributable = (m: Pick<Message, 'state' | 'purpose' | 'sentAt'>) => m.purpose === 'marketing' && !!m.sentAt && !NEGATIVE.has(m.state) && m.state !== 'failed';

/**
 * The attribution rule: among the customer's marketing messages sent in the window before the
 * order, the last one clicked; else the last one opened; else the last one delivered (or, where
 * the channel reports no delivery, sent). Clicks and opens count only if they came before the
 * order.
 */
export function pickAttribution<T extends Pick<Message, 'id' | 'state' | 'purpose' | 'sentAt' | 'deliveredAt' | 'openedAt' | 'clickedAt'>>(
  candidates: readonly T[],
  placedAtMs: number,
  windowDays: number,
): T | undefined {
  const from = placedAtMs - windowDays * 86_400_000;
  const inWindow = candidates.filter((m) => attributable(m) && Date.parse(m.sentAt!) >= from && Date.parse(m.sentAt!) <= placedAtMs);
  const latestBy = (at: (m: T) => string | undefined) => {
    let best: T | undefined;
    let bestAt = -Infinity;
    for (const m of inWindow) {
      const t = at(m);
      const ms = t ? Date.parse(t) : NaN;
      if (Number.isNaN(ms) || ms > placedAtMs) continue;
      if (ms > bestAt || (ms === bestAt && best && m.id > best.id)) {
        best = m;
        bestAt = ms;
      }
    }
    return best;
  };
  return latestBy((m) => m.clickedAt) ?? latestBy((m) => m.openedAt) ?? latestBy((m) => m.deliveredAt ?? m.sentAt);
}
