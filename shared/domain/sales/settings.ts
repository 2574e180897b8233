import { ValidationError, type FieldIssue } from '../errors';
import { isCurrency } from '../money';
import { isValidTimeZone } from '../service/business-hours';

/**
 * The sales pipeline's settings (pipeline:admin): the public pool's rules (held-lead limit,
 * return after no follow-up, cooling-off), assignment rules for new leads, the opportunity stages
 * with their win probability and required fields, and the reminders of quotes, contracts and
 * collections. One item with a version. Pure: defaults and validation.
 */
export const DURATION_UNITS = ['minutes', 'hours', 'days'] as const;
export type DurationUnit = (typeof DURATION_UNITS)[number];
/** A length of time as people set it ("30 days"); minutes exist for short trials and tests. */
export interface Duration {
  amount: number;
  unit: DurationUnit;
}
const UNIT_MS: Record<DurationUnit, number> = { minutes: 60_000, hours: 3_600_000, days: 86_400_000 };
export const durationMs = (d: Duration) => d.amount * UNIT_MS[d.unit];
export const describeDuration = (d: Duration) => `${d.amount} ${d.amount === 1 ? d.unit.slice(0, -1) : d.unit}`;

export const STAGE_KINDS = ['open', 'won', 'lost'] as const;
export type StageKind = (typeof STAGE_KINDS)[number];
/** What an opportunity must have before it may enter a stage (and every stage after it). */
export const STAGE_REQUIREMENTS = ['amount', 'expectedCloseDate', 'products', 'competitors', 'contactId', 'acceptedQuote'] as const;
export type StageRequirement = (typeof STAGE_REQUIREMENTS)[number];

export interface StageDef {
  id: string;
  name: string;
  /** Win probability in percent (0–100): forecasts weigh open amounts by it. */
  probability: number;
  kind: StageKind;
  required: StageRequirement[];
}

export interface AssignmentRule {
  id: string;
  name: string;
  /** The rule applies when each given list contains the lead's value (absent: any value). */
  match: { regions?: string[]; productLines?: string[]; sourceChannels?: string[] };
  /** Reps in round-robin order; only active ones on duty and under their held-lead limit get leads. */
  reps: string[];
}

export interface PipelineSettings {
  /** How many open leads one rep may hold at once (claims, assignments and own leads). */
  heldLeadLimit: number;
  /** An owned open lead with no follow-up for this long returns to the public pool. */
  returnToPoolAfter: Duration;
  /** After a lead returns, its former owner may not claim it again for this long (0: no cooling-off). */
  reclaimCoolingOff: Duration;
  /** New leads without an owner: the first rule that matches hands them out round-robin; none → the pool. */
  assignmentRules: AssignmentRule[];
  stages: StageDef[];
  /** Score thresholds of grades A and B (a score below B's is grade C). */
  gradeThresholds: { A: number; B: number };
  currency: string;
  /** The selling party named on contracts (the brand's legal entity). */
  companyName: string;
  /** Days and months count in this zone (reports, due dates, expiry). */
  reportTimeZone: string;
  quoteValidityDays: number;
  defaultContractMonths: number;
  /** The owner gets a renewal task this many days before a contract ends. */
  renewalReminderDays: number;
  /** The owner gets a collection task this many days before an instalment is due (0: none). */
  collectionReminderDays: number;
  version: number;
  updatedAt?: string;
  updatedBy?: string;
}

export const DEFAULT_STAGES: StageDef[] = [
  { id: 'qualification', name: 'Qualification', probability: 10, kind: 'open', required: [] },
  { id: 'needs-analysis', name: 'Needs analysis', probability: 25, kind: 'open', required: [] },
  { id: 'proposal', name: 'Proposal', probability: 50, kind: 'open', required: ['amount', 'expectedCloseDate'] },
  { id: 'negotiation', name: 'Negotiation', probability: 75, kind: 'open', required: [] },
  { id: 'won', name: 'Won', probability: 100, kind: 'won', required: ['amount'] },
  { id: 'lost', name: 'Lost', probability: 0, kind: 'lost', required: [] },
];

export const DEFAULT_PIPELINE_SETTINGS: PipelineSettings = {
  heldLeadLimit: 100,
  returnToPoolAfter: { amount: 30, unit: 'days' },
  reclaimCoolingOff: { amount: 7, unit: 'days' },
  assignmentRules: [],
  stages: DEFAULT_STAGES,
  gradeThresholds: { A: 80, B: 50 },
  currency: 'CNY',
  companyName: 'Our company',
  reportTimeZone: 'Asia/Shanghai',
  quoteValidityDays: 30,
  defaultContractMonths: 12,
  renewalReminderDays: 7,
  collectionReminderDays: 3,
  version: 0,
};

export const SLUG = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const MAX_DURATION_MS = 366 * 86_400_000;

function durationIssues(d: Duration, field: string, allowZero: boolean): FieldIssue[] {
  if (!Number.isInteger(d.amount) || d.amount < (allowZero ? 0 : 1)) return [{ field: `${field}.amount`, message: `must be a whole number${allowZero ? '' : ' of at least 1'}` }];
  if (durationMs(d) > MAX_DURATION_MS) return [{ field: `${field}.amount`, message: 'must be at most a year' }];
  return [];
}

export function stageIssues(stages: StageDef[]): FieldIssue[] {
  const issues: FieldIssue[] = [];
  const ids = new Set<string>();
  stages.forEach((s, i) => {
    if (!SLUG.test(s.id)) issues.push({ field: `stages.${i}.id`, message: 'must be a lower-case slug (a-z, 0-9, _ -)' });
    if (ids.has(s.id)) issues.push({ field: `stages.${i}.id`, message: `${s.id} appears twice` });
    ids.add(s.id);
    if (!Number.isInteger(s.probability) || s.probability < 0 || s.probability > 100) issues.push({ field: `stages.${i}.probability`, message: 'must be a whole percentage from 0 to 100' });
    if (s.kind === 'won' && s.probability !== 100) issues.push({ field: `stages.${i}.probability`, message: 'the won stage has probability 100' });
    if (s.kind === 'lost' && s.probability !== 0) issues.push({ field: `stages.${i}.probability`, message: 'the lost stage has probability 0' });
    if (new Set(s.required).size !== s.required.length) issues.push({ field: `stages.${i}.required`, message: 'lists a field twice' });
  });
  for (const kind of ['won', 'lost'] as const) {
    const n = stages.filter((s) => s.kind === kind).length;
    if (n !== 1) issues.push({ field: 'stages', message: `needs exactly one ${kind} stage (has ${n})` });
  }
  if (!stages.some((s) => s.kind === 'open')) issues.push({ field: 'stages', message: 'needs at least one open stage' });
  const firstClosed = stages.findIndex((s) => s.kind !== 'open');
  if (firstClosed >= 0 && stages.slice(firstClosed).some((s) => s.kind === 'open')) issues.push({ field: 'stages', message: 'open stages come first, then won and lost' });
  return issues;
}

export function settingsIssues(s: Omit<PipelineSettings, 'version'>): FieldIssue[] {
  const issues: FieldIssue[] = [];
  if (!Number.isInteger(s.heldLeadLimit) || s.heldLeadLimit < 1 || s.heldLeadLimit > 100_000) issues.push({ field: 'heldLeadLimit', message: 'must be a whole number from 1 to 100000' });
  issues.push(...durationIssues(s.returnToPoolAfter, 'returnToPoolAfter', false), ...durationIssues(s.reclaimCoolingOff, 'reclaimCoolingOff', true));
  issues.push(...stageIssues(s.stages));
  const ruleIds = new Set<string>();
  s.assignmentRules.forEach((r, i) => {
    if (!SLUG.test(r.id)) issues.push({ field: `assignmentRules.${i}.id`, message: 'must be a lower-case slug' });
    if (ruleIds.has(r.id)) issues.push({ field: `assignmentRules.${i}.id`, message: `${r.id} appears twice` });
    ruleIds.add(r.id);
    if (r.reps.length === 0) issues.push({ field: `assignmentRules.${i}.reps`, message: 'needs at least one rep' });
    if (new Set(r.reps).size !== r.reps.length) issues.push({ field: `assignmentRules.${i}.reps`, message: 'lists a rep twice' });
  });
  const g = s.gradeThresholds;
  if (!(Number.isInteger(g.A) && Number.isInteger(g.B) && g.B >= 0 && g.A > g.B && g.A <= 100)) issues.push({ field: 'gradeThresholds', message: 'must be whole scores with 0 <= B < A <= 100' });
  if (!isCurrency(s.currency)) issues.push({ field: 'currency', message: 'must be an ISO 4217 currency code' });
  if (!s.companyName.trim() || s.companyName.length > 200) issues.push({ field: 'companyName', message: 'must be 1 to 200 characters' });
  if (!isValidTimeZone(s.reportTimeZone)) issues.push({ field: 'reportTimeZone', message: 'must be an IANA time zone, e.g. Asia/Shanghai' });
  const int = (field: keyof PipelineSettings, v: number, lo: number, hi: number) => {
    if (!Number.isInteger(v) || v < lo || v > hi) issues.push({ field, message: `must be a whole number from ${lo} to ${hi}` });
  };
  int('quoteValidityDays', s.quoteValidityDays, 1, 365);
  int('defaultContractMonths', s.defaultContractMonths, 1, 120);
  int('renewalReminderDays', s.renewalReminderDays, 0, 365);
  int('collectionReminderDays', s.collectionReminderDays, 0, 60);
  return issues;
}

export function assertSettings<T extends Omit<PipelineSettings, 'version'>>(s: T): T {
  const issues = settingsIssues(s);
  if (issues.length) throw new ValidationError(issues);
  return s;
}

/** Grade from a score when none is given: A at or above A's threshold, B at or above B's, else C. */
export function gradeOf(score: number, t: PipelineSettings['gradeThresholds']): 'A' | 'B' | 'C' {
  return score >= t.A ? 'A' : score >= t.B ? 'B' : 'C';
}
