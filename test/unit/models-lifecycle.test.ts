import { ValidationError } from '../../shared/domain/errors';
import { DEFAULT_LIFECYCLE_THRESHOLDS, lifecycleStage, lifecycleThresholds, nextLifecycleChangeAt, type LifecycleFacts, type LifecycleStage } from '../../shared/domain/models/lifecycle';

/** Lifecycle stages from order times, the previous stage (for reactivation), and the next change for timers. */
const DAY = 86_400_000;
const T0 = Date.parse('2024-01-01T00:00:00Z');
const at = (days: number) => new Date(T0 + days * DAY).toISOString();

describe('lifecycleStage', () => {
  it('has documented defaults and validates thresholds', () => {
    expect(DEFAULT_LIFECYCLE_THRESHOLDS).toEqual({ newDays: 30, activeDays: 90, churnDays: 365, reactivatedDays: 30 });
    expect(lifecycleThresholds({ activeDays: 60, newDays: undefined })).toEqual({ newDays: 30, activeDays: 60, churnDays: 365, reactivatedDays: 30 });
    expect(() => lifecycleThresholds({ newDays: 0 })).toThrow('newDays: must be a positive number of days');
    expect(() => lifecycleThresholds({ reactivatedDays: NaN })).toThrow('reactivatedDays');
    expect(() => lifecycleThresholds({ activeDays: 400 })).toThrow('churnDays: must be more than activeDays (400)');
    expect(() => lifecycleStage(undefined, {}, at(0), { churnDays: -1 })).toThrow(ValidationError);
    expect(() => lifecycleStage('vip' as LifecycleStage, {}, at(0))).toThrow('previousStage');
    expect(() => lifecycleStage(undefined, {}, 'now')).toThrow('now');
  });

  it('walks prospect → new → active → dormant → churned as time passes', () => {
    const facts: LifecycleFacts = { firstOrderAt: at(0), lastOrderAt: at(0) };
    expect(lifecycleStage(undefined, {}, at(0))).toBe('prospect');
    expect(lifecycleStage('prospect', facts, at(0))).toBe('new');
    expect(lifecycleStage('new', facts, at(29.999))).toBe('new');
    expect(lifecycleStage('new', facts, at(30))).toBe('active');
    expect(lifecycleStage('active', facts, at(89.9))).toBe('active');
    expect(lifecycleStage('active', facts, at(90))).toBe('dormant');
    expect(lifecycleStage('dormant', facts, at(364))).toBe('dormant');
    expect(lifecycleStage('dormant', facts, at(365))).toBe('churned');
    expect(lifecycleStage('churned', facts, at(2000))).toBe('churned');
  });

  it('keeps a repeat buyer active and an imported old customer active or dormant by the last order', () => {
    expect(lifecycleStage('new', { firstOrderAt: at(0), lastOrderAt: at(50) }, at(120))).toBe('active');
    expect(lifecycleStage(undefined, { firstOrderAt: at(0), lastOrderAt: at(100) }, at(120))).toBe('active');
    expect(lifecycleStage(undefined, { firstOrderAt: at(0), lastOrderAt: at(10) }, at(120))).toBe('dormant');
    expect(lifecycleStage(undefined, { lastOrderAt: at(10) }, at(11))).toBe('new');
  });

  it('reactivates a dormant or churned customer who orders, for reactivatedDays from that order', () => {
    const back: LifecycleFacts = { firstOrderAt: at(0), lastOrderAt: at(200) };
    expect(lifecycleStage('dormant', back, at(200))).toBe('reactivated');
    expect(lifecycleStage('churned', { firstOrderAt: at(0), lastOrderAt: at(800) }, at(801))).toBe('reactivated');
    expect(lifecycleStage('reactivated', { ...back, reactivatedAt: at(200) }, at(229))).toBe('reactivated');
    expect(lifecycleStage('reactivated', { ...back, reactivatedAt: at(200) }, at(230))).toBe('active');
    // Further orders do not extend the period when reactivatedAt is stored…
    expect(lifecycleStage('reactivated', { firstOrderAt: at(0), lastOrderAt: at(225), reactivatedAt: at(200) }, at(231))).toBe('active');
    // …and do when it is not (lastOrderAt stands in for it).
    expect(lifecycleStage('reactivated', { firstOrderAt: at(0), lastOrderAt: at(225) }, at(231))).toBe('reactivated');
    // A reactivated customer who stops buying becomes dormant again.
    expect(lifecycleStage('reactivated', { ...back, reactivatedAt: at(200) }, at(290))).toBe('dormant');
    // Active customers ordering again stay active.
    expect(lifecycleStage('active', { firstOrderAt: at(0), lastOrderAt: at(80) }, at(81))).toBe('active');
  });
});

describe('nextLifecycleChangeAt', () => {
  it('gives the instant the stage changes without new orders', () => {
    const facts: LifecycleFacts = { firstOrderAt: at(0), lastOrderAt: at(0) };
    expect(nextLifecycleChangeAt(undefined, facts, at(1))).toBe(at(30));
    expect(nextLifecycleChangeAt('new', facts, at(30))).toBe(at(90));
    expect(nextLifecycleChangeAt('active', facts, at(45))).toBe(at(90));
    expect(nextLifecycleChangeAt('dormant', facts, at(90))).toBe(at(365));
    expect(nextLifecycleChangeAt('churned', facts, at(400))).toBeUndefined();
    expect(nextLifecycleChangeAt(undefined, {}, at(400))).toBeUndefined();
    const back: LifecycleFacts = { firstOrderAt: at(0), lastOrderAt: at(200), reactivatedAt: at(200) };
    expect(nextLifecycleChangeAt('dormant', back, at(201))).toBe(at(230));
    expect(nextLifecycleChangeAt('reactivated', back, at(230))).toBe(at(290));
    expect(nextLifecycleChangeAt('reactivated', back, at(201), { reactivatedDays: 100 })).toBe(at(290));
  });

  it('agrees with lifecycleStage along a timeline driven by its own timers', () => {
    const thresholds = { newDays: 20, activeDays: 45, churnDays: 120, reactivatedDays: 15 };
    const orders = [0, 10, 30, 100, 300, 305];
    let stage: LifecycleStage | undefined;
    let reactivatedAt: string | undefined;
    const seen: [number, LifecycleStage][] = [];
    let now = 0;
    while (now <= 600) {
      const placed = orders.filter((d) => d <= now);
      const facts: LifecycleFacts = placed.length ? { firstOrderAt: at(placed[0]!), lastOrderAt: at(placed[placed.length - 1]!), reactivatedAt } : {};
      const next = lifecycleStage(stage, facts, at(now), thresholds);
      if (next === 'reactivated' && stage !== 'reactivated') reactivatedAt = facts.lastOrderAt;
      if (next !== stage) seen.push([now, next]);
      stage = next;
      const timer = nextLifecycleChangeAt(stage, { ...facts, reactivatedAt }, at(now), thresholds);
      const nextOrder = orders.find((d) => d > now);
      const candidates = [timer ? (Date.parse(timer) - T0) / DAY : Infinity, nextOrder ?? Infinity];
      now = Math.min(...candidates);
      if (!Number.isFinite(now)) break;
    }
    expect(seen).toEqual([
      [0, 'new'],
      [20, 'active'],
      [75, 'dormant'], // 45 days after the order on day 30
      [100, 'reactivated'],
      [115, 'active'],
      [145, 'dormant'],
      [220, 'churned'],
      [300, 'reactivated'],
      [315, 'active'], // the order on day 305 does not extend the reactivation
      [350, 'dormant'],
      [425, 'churned'],
    ]);
  });
});
