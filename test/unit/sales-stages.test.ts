import { assertStageMove, missingRequirements, newlyReached, stageOf, type Opportunity } from '../../shared/domain/sales/opportunity';
import { forecastReport, funnelReport } from '../../shared/domain/sales/reports';
import { DEFAULT_STAGES } from '../../shared/domain/sales/settings';
import { add, dayCountersOf, diff, snapshotOf, type Counters } from '../../shared/domain/sales/stats';

const T0 = '2026-03-02T02:00:00.000Z';
const opp = (over: Partial<Opportunity> = {}): Opportunity => ({
  id: 'O1',
  name: 'Acme kettles',
  customerId: 'C1',
  ownerId: 'amy',
  stage: 'qualification',
  status: 'open',
  probability: 10,
  currency: 'CNY',
  products: [],
  competitors: [],
  channel: 'website-form',
  stageEnteredAt: T0,
  stageVisitId: 'V1',
  reached: ['qualification'],
  createdBy: 'amy',
  createdAt: T0,
  updatedAt: T0,
  version: 1,
  ...over,
});
const stage = (id: string) => stageOf(DEFAULT_STAGES, id);
const rule = (code: string) => expect.objectContaining({ extra: expect.objectContaining({ rule: code }) });

describe('stage requirements', () => {
  it('a stage needs its own fields and those of every open stage before it', () => {
    expect(missingRequirements(opp(), DEFAULT_STAGES, stage('needs-analysis'))).toEqual([]);
    expect(missingRequirements(opp(), DEFAULT_STAGES, stage('proposal'))).toEqual(['amount', 'expectedCloseDate']);
    // Skipping proposal does not skip what proposal needs.
    expect(missingRequirements(opp({ amountMinor: 100 }), DEFAULT_STAGES, stage('negotiation'))).toEqual(['expectedCloseDate']);
    expect(missingRequirements(opp(), DEFAULT_STAGES, stage('won'))).toEqual(['amount', 'expectedCloseDate']);
    // Lost needs only its own (none).
    expect(missingRequirements(opp(), DEFAULT_STAGES, stage('lost'))).toEqual([]);
    expect(missingRequirements(opp({ amountMinor: 0, expectedCloseDate: '2026-04-30' }), DEFAULT_STAGES, stage('proposal'))).toEqual(['amount']);
  });

  it('refuses a move that skips required fields (409 naming them), lost without a reason (400), and moving a closed deal unless a manager reopens it', () => {
    expect(() => assertStageMove(opp(), DEFAULT_STAGES, { stage: 'proposal' }, false)).toThrow(
      expect.objectContaining({ extra: expect.objectContaining({ rule: 'stage-requirements', missing: ['amount', 'expectedCloseDate'], errors: [expect.objectContaining({ field: 'amountMinor' }), expect.objectContaining({ field: 'expectedCloseDate' })] }) }),
    );
    expect(() => assertStageMove(opp(), DEFAULT_STAGES, { stage: 'lost' }, false)).toThrow(expect.objectContaining({ status: 400, issues: [expect.objectContaining({ field: 'lostReason' })] }));
    expect(assertStageMove(opp(), DEFAULT_STAGES, { stage: 'lost', lostReason: 'price' }, false).id).toBe('lost');
    expect(() => assertStageMove(opp(), DEFAULT_STAGES, { stage: 'nowhere' }, false)).toThrow(expect.objectContaining({ status: 400 }));
    const won = opp({ status: 'won', stage: 'won', amountMinor: 1, expectedCloseDate: '2026-04-01' });
    expect(() => assertStageMove(won, DEFAULT_STAGES, { stage: 'negotiation' }, true)).toThrow(rule('opportunity-closed'));
    expect(() => assertStageMove(won, DEFAULT_STAGES, { stage: 'negotiation', reopen: true }, false)).toThrow(rule('reopen-needs-manager'));
    expect(assertStageMove(won, DEFAULT_STAGES, { stage: 'negotiation', reopen: true }, true).id).toBe('negotiation');
  });

  it('counts skipped open stages as reached, each once', () => {
    expect(newlyReached(opp(), DEFAULT_STAGES, stage('negotiation'))).toEqual(['needs-analysis', 'proposal', 'negotiation']);
    expect(newlyReached(opp({ reached: ['qualification', 'needs-analysis', 'proposal', 'negotiation'] }), DEFAULT_STAGES, stage('won'))).toEqual(['won']);
    expect(newlyReached(opp(), DEFAULT_STAGES, stage('lost'))).toEqual(['lost']);
  });
});

describe('pipeline counters', () => {
  const nowMs = Date.parse('2026-03-12T02:00:00.000Z');
  it('an open deal contributes count and amount in its stage, amount and amount × probability in its close month; nothing once closed', () => {
    const o = opp({ stage: 'proposal', probability: 50, amountMinor: 100_000, expectedCloseDate: '2026-04-15' });
    expect(snapshotOf(o)).toEqual({ 'open|proposal': 1, 'openAmt|proposal|CNY': 100_000, 'pipe|2026-04|amy|CNY': 100_000, 'fc|2026-04|amy|CNY': 5_000_000 });
    expect(snapshotOf({ ...o, status: 'won' })).toEqual({});
    expect(diff(snapshotOf({ ...o, stage: 'negotiation', probability: 75 }), snapshotOf(o))).toEqual({ 'open|proposal': -1, 'openAmt|proposal|CNY': -100_000, 'open|negotiation': 1, 'openAmt|negotiation|CNY': 100_000, 'fc|2026-04|amy|CNY': 2_500_000 });
  });

  it('a move counts the exit and time spent in the stage left; closing counts won/lost per rep and channel; reopening takes it back', () => {
    const before = opp({ stage: 'negotiation', probability: 75, amountMinor: 80_000, expectedCloseDate: '2026-04-15', stageEnteredAt: '2026-03-10T02:00:00.000Z' });
    const won = { ...before, stage: 'won', status: 'won' as const, probability: 100, stageVisitId: 'V2', reached: [...before.reached, 'won'] };
    const d = dayCountersOf(before, won, nowMs);
    expect(d.today).toEqual({ 'exit|negotiation': 1, 'dwell|negotiation': 2 * 86_400, won: 1, 'won|rep|amy': 1, 'won|ch|website-form': 1, 'wonAmt|CNY': 80_000, 'wonAmt|rep|amy|CNY': 80_000 });
    expect(d.cohort).toEqual({ 'reach|won': 1 });
    const reopened = { ...won, stage: 'negotiation', status: 'open' as const, stageVisitId: 'V3' };
    expect(dayCountersOf(won, reopened, nowMs).today).toEqual({ won: -1, 'won|rep|amy': -1, 'won|ch|website-form': -1, 'wonAmt|CNY': -80_000, 'wonAmt|rep|amy|CNY': -80_000 });
    expect(dayCountersOf(undefined, opp(), nowMs)).toEqual({ today: { created: 1, 'created|ch|website-form': 1, 'created|rep|amy': 1 }, cohort: { 'reach|qualification': 1 } });
  });

  it('the funnel converts stage to stage over the cohort, averages days in stage, and computes win rates per rep and channel', () => {
    // Three deals: one won (skipping needs analysis), one lost at proposal, one still in qualification.
    const days: Counters = {};
    add(days, { created: 3, 'created|ch|website-form': 2, 'created|ch|trade-show': 1, 'reach|qualification': 3, 'reach|needs-analysis': 2, 'reach|proposal': 2, 'reach|negotiation': 1, 'reach|won': 1, 'reach|lost': 1 });
    add(days, { 'exit|qualification': 2, 'dwell|qualification': 3 * 86_400, 'exit|proposal': 2, 'dwell|proposal': 86_400 });
    add(days, { won: 1, 'won|rep|amy': 1, 'won|ch|website-form': 1, 'wonAmt|CNY': 80_000, 'wonAmt|rep|amy|CNY': 80_000, lost: 1, 'lost|rep|bob': 1, 'lost|ch|trade-show': 1, 'lost|why|price': 1, 'lostAmt|CNY': 20_000 });
    const snapshot = { 'open|qualification': 1, 'openAmt|qualification|CNY': 5_000 };
    const f = funnelReport(DEFAULT_STAGES, snapshot, days);
    const byId = Object.fromEntries(f.stages.map((s) => [s.id, s]));
    expect(byId.qualification).toMatchObject({ open: { count: 1, amount: { CNY: 5_000 } }, reached: 3, conversionToNext: 0.6667, avgDaysInStage: 1.5 });
    expect(byId['needs-analysis']).toMatchObject({ reached: 2, conversionToNext: 1, avgDaysInStage: null });
    expect(byId.proposal).toMatchObject({ reached: 2, conversionToNext: 0.5, avgDaysInStage: 0.5 });
    expect(byId.negotiation).toMatchObject({ reached: 1, conversionToNext: 1 });
    expect(byId.won).toMatchObject({ reached: 1, conversionToNext: null });
    expect(f.winRate).toBe(0.5);
    expect(f.byRep).toEqual([
      { repId: 'amy', won: 1, lost: 0, winRate: 1, wonAmount: { CNY: 80_000 }, created: 0 },
      { repId: 'bob', won: 0, lost: 1, winRate: 0, wonAmount: {}, created: 0 },
    ]);
    expect(f.byChannel).toEqual([
      { channel: 'trade-show', won: 0, lost: 1, winRate: 0, created: 1 },
      { channel: 'website-form', won: 1, lost: 0, winRate: 1, created: 2 },
    ]);
    expect(f.lost).toEqual({ count: 1, amount: { CNY: 20_000 }, reasons: { price: 1 } });
  });

  it('the forecast is Σ amount × probability per close month, with past-due, undated and per-rep figures', () => {
    const snapshot: Counters = {};
    add(snapshot, snapshotOf(opp({ stage: 'proposal', probability: 50, amountMinor: 100_001, expectedCloseDate: '2026-04-15' })));
    add(snapshot, snapshotOf(opp({ id: 'O2', ownerId: 'bob', stage: 'negotiation', probability: 75, amountMinor: 40_000, expectedCloseDate: '2026-04-30' })));
    add(snapshot, snapshotOf(opp({ id: 'O3', stage: 'qualification', probability: 10, amountMinor: 9_999, expectedCloseDate: '2026-05-02' })));
    add(snapshot, snapshotOf(opp({ id: 'O4', probability: 10, amountMinor: 50_000, expectedCloseDate: '2026-02-20' })));
    add(snapshot, snapshotOf(opp({ id: 'O5', probability: 10, amountMinor: 7_000 })));
    const r = forecastReport(snapshot, { '2026-03': { CNY: 12_000 } }, '2026-03', 3);
    expect(r.months).toEqual([
      { month: '2026-03', weighted: {}, pipeline: {}, won: { CNY: 12_000 } },
      // 100001 × 50% = 50000.5 and 40000 × 75% = 30000: the weighted sum is rounded once, at the end.
      { month: '2026-04', weighted: { CNY: 80_001 }, pipeline: { CNY: 140_001 }, won: {} },
      { month: '2026-05', weighted: { CNY: 1_000 }, pipeline: { CNY: 9_999 }, won: {} },
    ]);
    expect(r.pastDue).toEqual({ weighted: { CNY: 5_000 }, pipeline: { CNY: 50_000 } });
    expect(r.undated).toEqual({ weighted: { CNY: 700 }, pipeline: { CNY: 7_000 } });
    expect(r.byRep).toEqual([
      // 100001 × 50% + 9999 × 10% = 51000.4; the past-due and undated deals are not in the months shown.
      { repId: 'amy', weighted: { CNY: 51_000 } },
      { repId: 'bob', weighted: { CNY: 30_000 } },
    ]);
  });
});
