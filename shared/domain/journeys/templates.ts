import type { JourneyDefinition, MessageStep, Step } from './types';

/**
 * Ready-made journeys (旅程模板): welcome series, abandoned cart (1 h and 24 h), post-purchase
 * follow-up and review request, win-back of dormant customers, birthday care with a coupon, VIP
 * upgrade. Each is a complete definition whose message steps have default content; instantiating
 * one (POST /v1/journeys {templateId}) creates those message templates unless the caller names its
 * own, and applies step overrides (e.g. shorter waits), before the usual validation.
 */
export interface DefaultMessage {
  name: string;
  subject: string;
  html: string;
  text: string;
}

export interface JourneyTemplate {
  id: string;
  name: string;
  description: string;
  definition: JourneyDefinition;
  /** Default e-mail content per message step id. */
  messages: Record<string, DefaultMessage>;
}

const hi = '{{ customer.firstName | default: "there" }}';
const coupon = (lead: string) => `{% if vars.couponCode %}${lead} {{ vars.couponCode }}{% endif %}`;
const msg = (id: string, next: string | undefined, purpose: MessageStep['purpose'] = 'marketing', vars?: Record<string, string>): MessageStep => ({
  id,
  type: 'message',
  channel: 'email',
  templateId: '',
  purpose,
  ...(vars ? { vars } : {}),
  ...(next ? { next } : {}),
});
const wait = (id: string, value: number, unit: 'hours' | 'days', next: string): Step => ({ id, type: 'wait', wait: { kind: 'duration', value, unit }, next });
const mail = (name: string, subject: string, body: string): DefaultMessage => ({
  name,
  subject,
  html: `<p>Hi ${hi},</p><p>${body}</p><p>— {{ brand.name }}</p>`,
  text: `Hi ${hi},\n\n${body}\n\n— {{ brand.name }}`,
});

export const JOURNEY_TEMPLATES: readonly JourneyTemplate[] = [
  {
    id: 'welcome-series',
    name: 'Welcome series',
    description: 'A new customer gets a welcome at once, best sellers two days later if they have not ordered, and a first-order coupon three days after that. Ends at the first order.',
    definition: {
      trigger: { type: 'event', event: 'CustomerCreated', condition: { kind: 'consent', channel: 'email', granted: true } },
      steps: [
        msg('welcome', 'wait-2d'),
        wait('wait-2d', 2, 'days', 'best-sellers'),
        msg('best-sellers', 'wait-3d'),
        wait('wait-3d', 3, 'days', 'first-order-coupon'),
        msg('first-order-coupon', undefined, 'marketing', { couponCode: 'WELCOME10' }),
      ],
      exit: { events: [{ event: 'OrderPlaced' }] },
      reentry: { mode: 'never' },
      goal: { event: 'OrderPlaced', withinDays: 14 },
    },
    messages: {
      welcome: mail('Welcome series: welcome', 'Welcome, {{ customer.firstName | default: "friend" }}!', 'Thanks for joining us. Here is what we are about.'),
      'best-sellers': mail('Welcome series: best sellers', 'Our best sellers, picked for you', 'These are the favourites of our customers this month.'),
      'first-order-coupon': mail('Welcome series: first-order coupon', 'A gift for your first order', `Your first order is on us. ${coupon('Use the code')}`),
    },
  },
  {
    id: 'abandoned-cart',
    name: 'Abandoned cart',
    description: 'A reminder 1 hour after a checkout is abandoned and another, with a coupon, 24 hours after; the customer leaves the journey as soon as they order.',
    definition: {
      trigger: { type: 'event', event: 'CheckoutAbandoned' },
      steps: [wait('wait-1h', 1, 'hours', 'reminder-1h'), msg('reminder-1h', 'wait-24h'), wait('wait-24h', 23, 'hours', 'reminder-24h'), msg('reminder-24h', undefined, 'marketing', { couponCode: 'COMEBACK5' })],
      exit: { events: [{ event: 'OrderPlaced' }] },
      reentry: { mode: 'after', days: 1 },
      goal: { event: 'OrderPlaced', withinDays: 3 },
    },
    messages: {
      'reminder-1h': mail('Abandoned cart: 1 hour', 'You left something in your cart', 'Your cart is saved. Complete your order whenever you are ready.'),
      'reminder-24h': mail('Abandoned cart: 24 hours', 'Still thinking it over?', `Your cart is waiting. ${coupon('Here is a little extra:')}`),
    },
  },
  {
    id: 'post-purchase',
    name: 'Post-purchase follow-up and review request',
    description: 'Three days after an order, a follow-up asking how it went; a week later, a request to review what they bought.',
    definition: {
      trigger: { type: 'event', event: 'OrderPlaced' },
      steps: [wait('wait-3d', 3, 'days', 'follow-up'), msg('follow-up', 'wait-7d', 'transactional'), wait('wait-7d', 7, 'days', 'review-request'), msg('review-request', undefined)],
      reentry: { mode: 'always' },
      goal: { event: 'OrderPlaced', withinDays: 30, exit: false },
    },
    messages: {
      'follow-up': mail('Post-purchase: follow-up', 'How is your order?', 'We hope your order arrived safely. Reply to this e-mail if anything is not right.'),
      'review-request': mail('Post-purchase: review request', 'Would you review your purchase?', 'Your review helps other customers choose. It takes a minute.'),
    },
  },
  {
    id: 'win-back',
    name: 'Win-back of dormant customers',
    description: '90 days after the last order, a we-miss-you message with a coupon, and a last-chance reminder a week later. Ends at the next order.',
    definition: {
      trigger: { type: 'date', on: 'last-order', offsetDays: 90, time: '10:00', condition: { kind: 'consent', channel: 'email', granted: true } },
      steps: [msg('we-miss-you', 'wait-7d', 'marketing', { couponCode: 'MISSYOU15' }), wait('wait-7d', 7, 'days', 'last-chance'), msg('last-chance', undefined, 'marketing', { couponCode: 'MISSYOU15' })],
      exit: { events: [{ event: 'OrderPlaced' }] },
      reentry: { mode: 'after', days: 90 },
      goal: { event: 'OrderPlaced', withinDays: 14 },
    },
    messages: {
      'we-miss-you': mail('Win-back: we miss you', 'We miss you, {{ customer.firstName | default: "friend" }}', `It has been a while. Come back and see what is new. ${coupon('Your code:')}`),
      'last-chance': mail('Win-back: last chance', 'Your coupon expires soon', `A last reminder: ${coupon('your code')} is still waiting for you.`),
    },
  },
  {
    id: 'birthday',
    name: 'Birthday care with a coupon',
    description: 'On the birthday at 09:00 local time, a greeting with a birthday coupon; a reminder five days later if it was not used.',
    definition: {
      trigger: { type: 'date', on: 'birthday', time: '09:00' },
      steps: [msg('birthday-greeting', 'wait-5d', 'marketing', { couponCode: 'BIRTHDAY15' }), wait('wait-5d', 5, 'days', 'gift-reminder'), msg('gift-reminder', undefined, 'marketing', { couponCode: 'BIRTHDAY15' })],
      exit: { events: [{ event: 'OrderPlaced' }] },
      reentry: { mode: 'always' },
      goal: { event: 'OrderPlaced', withinDays: 7 },
    },
    messages: {
      'birthday-greeting': mail('Birthday: greeting', 'Happy birthday, {{ customer.firstName | default: "friend" }}!', `Have a wonderful day. ${coupon('Your birthday gift:')}`),
      'gift-reminder': mail('Birthday: gift reminder', 'Your birthday gift is waiting', `Do not forget your birthday gift: ${coupon('code')}`),
    },
  },
  {
    id: 'vip-upgrade',
    name: 'VIP upgrade',
    description: 'A customer whose tier goes up gets a congratulation with their new benefits and the vip tag.',
    definition: {
      trigger: { type: 'event', event: 'TierChanged', filters: [{ field: 'direction', op: 'eq', value: 'upgrade' }] },
      steps: [msg('congratulations', 'tag-vip', 'transactional'), { id: 'tag-vip', type: 'tag', add: ['vip'] }],
      reentry: { mode: 'always' },
    },
    messages: {
      congratulations: mail('VIP upgrade: congratulations', 'Welcome to {{ customer.tier | default: "the next tier" }}', 'You have moved up a tier. Your new benefits start today.'),
    },
  },
];

export const journeyTemplate = (id: string) => JOURNEY_TEMPLATES.find((t) => t.id === id);

/** Step fields an override may not change. */
const FIXED = ['id', 'type'];

/**
 * A template's definition with the message templates filled in and step overrides applied
 * (shallow, per step: `{ "wait-1h": { "wait": { "kind": "duration", "value": 2, "unit": "seconds" } } }`).
 * Returns the definition and the override problems (unknown steps, fixed fields), for a 400.
 */
export function applyTemplate(
  t: JourneyTemplate,
  messages: Record<string, { templateId: string; templateVersion?: number }>,
  overrides: Record<string, Record<string, unknown>> = {},
): { definition: JourneyDefinition; issues: { field: string; message: string }[] } {
  const issues: { field: string; message: string }[] = [];
  const ids = new Set(t.definition.steps.map((s) => s.id));
  for (const [id, o] of Object.entries(overrides)) {
    if (!ids.has(id)) issues.push({ field: `overrides.${id}`, message: `the template has no step "${id}" (steps: ${[...ids].join(', ')})` });
    for (const k of Object.keys(o ?? {})) if (FIXED.includes(k)) issues.push({ field: `overrides.${id}.${k}`, message: 'cannot be overridden' });
  }
  const steps = t.definition.steps.map((s): Step => {
    let out = { ...s } as Step;
    if (s.type === 'message') {
      const m = messages[s.id];
      out = { ...out, templateId: m?.templateId ?? '', ...(m?.templateVersion ? { templateVersion: m.templateVersion } : {}) } as Step;
    }
    const o = overrides[s.id];
    if (o) out = { ...out, ...Object.fromEntries(Object.entries(o).filter(([k]) => !FIXED.includes(k))) } as Step;
    return out;
  });
  return { definition: structuredClone({ ...t.definition, steps }), issues };
}
