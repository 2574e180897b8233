/**
 * Automated journeys (自动化旅程, issue 6): the shapes of a journey definition, its published
 * versions and the enrollments that walk them. Pure types; the rules are in the sibling modules
 * (validate, engine, waits, events, triggers) and docs/journeys.md describes them.
 */

export const STEP_TYPES = ['wait', 'condition', 'split', 'message', 'tag', 'task', 'ticket', 'webhook', 'exit'] as const;
export type StepType = (typeof STEP_TYPES)[number];
/** Steps with an effect outside the enrollment, run once per visit (keyed by enrollment, step and visit). */
export const EFFECT_STEPS = ['message', 'tag', 'task', 'ticket', 'webhook'] as const;
export type EffectStepType = (typeof EFFECT_STEPS)[number];

export const DURATION_UNITS = ['seconds', 'minutes', 'hours', 'days', 'weeks'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];
export const UNIT_MS: Record<DurationUnit, number> = { seconds: 1000, minutes: 60_000, hours: 3_600_000, days: 86_400_000, weeks: 7 * 86_400_000 };

/** A customer date a wait or a trigger can follow: the birthday, the last order, a custom date attribute. */
export type DateField = 'birthday' | 'lastOrderAt' | `attributes.${string}`;

export type WaitSpec =
  /** A fixed delay. */
  | { kind: 'duration'; value: number; unit: DurationUnit }
  /** Until the next local time of day (`HH:MM`, strictly after now), optionally only on some ISO weekdays (1 = Monday). */
  | { kind: 'time-of-day'; time: string; weekdays?: number[] }
  /** Until a customer date (+/- days) at a local time; a date that is missing or past does not wait. */
  | { kind: 'date'; field: DateField; offsetDays?: number; time?: string }
  /** Until an instant (a sale's start); past: no wait. */
  | { kind: 'instant'; at: string };

export const FILTER_OPS = ['eq', 'neq', 'in', 'nin', 'gt', 'gte', 'lt', 'lte', 'exists'] as const;
export type FilterOp = (typeof FILTER_OPS)[number];
export type FilterValue = string | number | boolean | (string | number)[];

/** A test of one field of an event's data (`totalMinor gte 5000`, `direction eq upgrade`, `isFirstOrder eq true`). */
export interface EventFilter {
  field: string;
  op: FilterOp;
  value?: FilterValue;
}

/** An event type with optional filters on its data. */
export interface EventMatcher {
  event: string;
  filters?: EventFilter[];
}

export const DATE_TRIGGERS = ['birthday', 'attribute', 'last-order', 'holiday'] as const;
export type DateTriggerKind = (typeof DATE_TRIGGERS)[number];

export type Trigger =
  /** A domain event about a customer (catalog events whose data names a customer). */
  | { type: 'event'; event: string; filters?: EventFilter[]; condition?: unknown }
  /** Entering a segment (SegmentEntered of that segment). */
  | { type: 'segment'; segmentId: string; condition?: unknown }
  /**
   * A date: the birthday, a custom date attribute (+/- offsetDays), N days after the last order,
   * or a holiday (MM-DD, everyone), at a local time of day (default 09:00).
   */
  | { type: 'date'; on: DateTriggerKind; attribute?: string; day?: string; offsetDays?: number; time?: string; condition?: unknown };

export interface StepBase {
  /** Unique in the journey: a slug (`wait-1h`, `reminder`). */
  id: string;
  /** A label for people. */
  name?: string;
}

export type WaitStep = StepBase & { type: 'wait'; wait: WaitSpec; next?: string };
/** A condition on the customer's facts (the condition language) and/or filters on the trigger event's data. */
export type ConditionStep = StepBase & { type: 'condition'; condition?: unknown; triggerFilters?: EventFilter[]; yes?: string; no?: string };
export interface SplitBranch {
  name: string;
  percent: number;
  next?: string;
}
export type SplitStep = StepBase & { type: 'split'; branches: SplitBranch[] };
export type MessageStep = StepBase & {
  type: 'message';
  channel: 'email' | 'sms' | 'webhook';
  templateId: string;
  /** Pinned when the journey is saved (the current version then), so a template edit never changes a running journey. */
  templateVersion?: number;
  purpose: 'marketing' | 'transactional';
  vars?: Record<string, string>;
  respectQuietHours?: boolean;
  next?: string;
};
export type TagStep = StepBase & { type: 'tag'; add?: string[]; remove?: string[]; next?: string };
export type TaskStep = StepBase & {
  type: 'task';
  title: string;
  description?: string;
  assigneeId?: string;
  groupId?: string;
  priority?: 'low' | 'normal' | 'high' | 'urgent';
  dueInHours: number;
  next?: string;
};
export type TicketStep = StepBase & {
  type: 'ticket';
  subject: string;
  description?: string;
  ticketType: 'return' | 'exchange' | 'refund' | 'repair' | 'complaint' | 'inquiry' | 'other';
  priority?: 'low' | 'normal' | 'high' | 'urgent';
  groupId?: string;
  assigneeId?: string;
  next?: string;
};
export type WebhookStep = StepBase & {
  type: 'webhook';
  url: string;
  /** Name of a journey webhook secret (PUT /v1/journey-secrets/{name}): the signing key. */
  secretRef: string;
  /** Extra fields sent with the ids (static values). */
  payload?: Record<string, string | number | boolean>;
  next?: string;
};
export type ExitStep = StepBase & { type: 'exit' };

export type Step = WaitStep | ConditionStep | SplitStep | MessageStep | TagStep | TaskStep | TicketStep | WebhookStep | ExitStep;
export type EffectStep = MessageStep | TagStep | TaskStep | TicketStep | WebhookStep;

export type Reentry = { mode: 'never' } | { mode: 'always' } | { mode: 'after'; days: number };

export interface ExitRules {
  /** Leave when one of these events happens to the customer (checked on the event, and before every step where the facts show it). */
  events?: EventMatcher[];
  /** Leave when the customer matches this condition (checked before every step). */
  condition?: unknown;
}

export interface Goal {
  event: string;
  filters?: EventFilter[];
  /** The goal counts when reached within this many days of entering (default 7). */
  withinDays?: number;
  /** Leave the journey when the goal is reached (default true). */
  exit?: boolean;
}

export interface JourneyDefinition {
  trigger: Trigger;
  /** The first step (default: the first in `steps`). */
  start?: string;
  steps: Step[];
  exit?: ExitRules;
  reentry: Reentry;
  goal?: Goal;
  /** IANA zone for local times when the customer has none (default UTC). */
  timeZone?: string;
}

export const JOURNEY_STATUSES = ['draft', 'active', 'paused', 'archived'] as const;
export type JourneyStatus = (typeof JOURNEY_STATUSES)[number];

export interface Journey {
  id: string;
  name: string;
  description?: string;
  status: JourneyStatus;
  /** The working copy: what the next publish makes a version of. */
  definition: JourneyDefinition;
  /** The working copy differs from the live version (or nothing was published yet). */
  hasDraft: boolean;
  /** The version new entries get (set once published). */
  liveVersion?: number;
  /** The trigger index entry of the live version (an event type, SegmentEntered or `date`). */
  liveTrigger?: string;
  /** The live version's trigger kind and date rule (date triggers are planned from it). */
  liveTriggerType?: Trigger['type'];
  /** How many versions were published. */
  versions: number;
  templateId?: string;
  createdBy: string;
  createdAt: string;
  updatedAt: string;
  publishedAt?: string;
  pausedAt?: string;
  archivedAt?: string;
  /** Optimistic lock: send it back with a change (409 when it moved). */
  version: number;
}

/** An immutable published definition. */
export interface JourneyVersion {
  journeyId: string;
  number: number;
  definition: JourneyDefinition;
  publishedAt: string;
  publishedBy: string;
}

export const ENROLLMENT_STATUSES = ['active', 'completed', 'exited'] as const;
export type EnrollmentStatus = (typeof ENROLLMENT_STATUSES)[number];

export interface Position {
  /** The step to run next (absent: the path ended). */
  stepId?: string;
  /**
   * `run`: run it now; `wait`: a wait (or a webhook retry) until `waitUntil`; `acting`: a runner
   * claimed the step's effect at `actingSince` (others leave it alone for a lease, then take over).
   */
  phase: 'run' | 'wait' | 'acting';
  waitUntil?: string;
  actingSince?: string;
  /** Set while the journey is paused: the enrollment holds here until it is resumed. */
  held?: boolean;
  /** Webhook attempts made at this step. */
  attempt?: number;
}

export interface EnrollmentTrigger {
  kind: Trigger['type'];
  /** The idempotency part of the enrollment key: the event id, or `date:<occasion>`. */
  eventId: string;
  eventType?: string;
  /** When the trigger happened. */
  at: string;
  /** The trigger event's data (ids and amounts, never personal data), for condition steps. */
  data?: Record<string, unknown>;
  /** How many journey steps led to the trigger (0: a customer's or the shop's own doing); bounded, so journeys cannot trigger each other forever. */
  depth?: number;
}

export interface Enrollment {
  id: string;
  journeyId: string;
  /** The journey version the customer entered, kept to the end. */
  version: number;
  customerId: string;
  status: EnrollmentStatus;
  position: Position;
  /** Times each step was entered: the visit number in effect keys. */
  visits: Record<string, number>;
  /** Steps run so far (bounded, see ENGINE_LIMITS). */
  stepsRun: number;
  trigger: EnrollmentTrigger;
  /** The branch of the last random split taken (`<stepId>:<branch>`): the message variant. */
  variant?: string;
  enteredAt: string;
  updatedAt: string;
  endedAt?: string;
  exitReason?: string;
  goalReachedAt?: string;
  /** Sequence number of the last history entry. */
  seq: number;
  /** Guards every write: an advance is conditional on the revision read. */
  rev: number;
}

export type HistoryKind = 'entered' | 'step' | 'waiting' | 'held' | 'resumed' | 'retry' | 'exited' | 'completed' | 'goal';

/** One line of an enrollment's history: what ran, when, with what outcome. */
export interface HistoryEntry {
  seq: number;
  at: string;
  kind: HistoryKind;
  stepId?: string;
  stepType?: StepType;
  /** `sent`, `skipped:no-consent`, `yes`, `branch:A`, `waited`, `ok`, `failed:<reason>`, ... */
  outcome: string;
  detail?: Record<string, unknown>;
}
