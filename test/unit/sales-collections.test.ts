import { ValidationError } from '../../shared/domain/errors';
import { ageBucket, allocate, applyAllocations, assertPlan, buildPlan, collectionReminderAt, overdueAt, planTotals, type Instalment } from '../../shared/domain/sales/collections';
import { assertContractTransition, assertTerm, expiryAt, renewalReminderAt } from '../../shared/domain/sales/contract';
import { addMonths } from '../../shared/domain/sales/dates';
import { sameTerm } from '../../shared/usecases/sales/contracts';
import { receivablesReport } from '../../shared/domain/sales/reports';
import { receivableOf } from '../../shared/domain/sales/stats';

const rule = (code: string) => expect.objectContaining({ extra: expect.objectContaining({ rule: code }) });
const issues = (fn: () => void) => {
  try {
    fn();
    return [];
  } catch (e) {
    return (e as ValidationError).issues.map((i) => `${i.field}: ${i.message}`);
  }
};

describe('collection plans', () => {
  it('needs instalments with real dates in order, positive amounts, adding up to the contract amount', () => {
    expect(issues(() => assertPlan([{ dueDate: '2026-04-01', amountMinor: 60_000 }, { dueDate: '2026-05-01', amountMinor: 40_000 }], 100_000))).toEqual([]);
    expect(issues(() => assertPlan([{ dueDate: '2026-04-01', amountMinor: 60_000 }, { dueDate: '2026-05-01', amountMinor: 30_000 }], 100_000))).toEqual(['instalments: must add up to the contract amount 100000 (they add up to 90000)']);
    expect(issues(() => assertPlan([{ dueDate: '2026-05-01', amountMinor: 60_000 }, { dueDate: '2026-04-01', amountMinor: 40_000 }], 100_000))).toEqual([expect.stringMatching(/^instalments\.1\.dueDate: must be after instalment 1's due date 2026-05-01/)]);
    expect(issues(() => assertPlan([{ dueDate: '2026-02-30', amountMinor: 100_000 }], 100_000))).toEqual(['instalments.0.dueDate: must be a date YYYY-MM-DD']);
    expect(issues(() => assertPlan([{ dueDate: '2026-04-01', amountMinor: 0 }, { dueDate: '2026-05-01', amountMinor: 100_000 }], 100_000))).toEqual(['instalments.0.amountMinor: must be a positive whole number of minor units']);
    expect(issues(() => assertPlan([], 0))).toEqual(['instalments: needs 1 to 60 instalments']);
  });

  const plan = (): Instalment[] => buildPlan([{ dueDate: '2026-04-01', amountMinor: 60_000 }, { dueDate: '2026-05-01', amountMinor: 40_000 }], []);

  it('allocates a payment to the oldest outstanding instalments, or to the one named, never beyond what is outstanding', () => {
    expect(allocate(plan(), 70_000)).toEqual([{ no: 1, amountMinor: 60_000 }, { no: 2, amountMinor: 10_000 }]);
    expect(allocate(plan(), 10_000, 2)).toEqual([{ no: 2, amountMinor: 10_000 }]);
    expect(() => allocate(plan(), 100_001)).toThrow(rule('payment-exceeds-balance'));
    expect(() => allocate(plan(), 40_001, 2)).toThrow(rule('payment-exceeds-instalment'));
    expect(() => allocate(plan(), 1, 3)).toThrow(expect.objectContaining({ status: 400 }));
    const paid = applyAllocations(plan(), [{ no: 1, amountMinor: 60_000 }], '2026-03-20');
    expect(() => allocate(paid, 40_001)).toThrow(rule('payment-exceeds-balance'));
    expect(allocate(paid, 40_000)).toEqual([{ no: 2, amountMinor: 40_000 }]);
  });

  it('marks an instalment paid when it is settled, late when after its due date, and clears the overdue flag', () => {
    let list = plan().map((i) => (i.no === 1 ? { ...i, overdue: true, overdueSince: '2026-04-01T16:00:00.000Z' } : i));
    list = applyAllocations(list, [{ no: 1, amountMinor: 20_000 }], '2026-04-05');
    expect(list[0]).toMatchObject({ paidMinor: 20_000, outstandingMinor: 40_000, status: 'open', overdue: true });
    list = applyAllocations(list, [{ no: 1, amountMinor: 40_000 }, { no: 2, amountMinor: 40_000 }], '2026-04-10');
    expect(list[0]).toMatchObject({ status: 'paid', outstandingMinor: 0, overdue: false, paidOn: '2026-04-10', paidLate: true, overdueSince: '2026-04-01T16:00:00.000Z' });
    expect(list[1]).toMatchObject({ status: 'paid', paidLate: false });
    expect(planTotals(list)).toEqual({ totalMinor: 100_000, paidMinor: 100_000, outstandingMinor: 0 });
  });

  it('a replan keeps every payment: they are allocated again in the order received', () => {
    const payments = [
      { amountMinor: 30_000, receivedOn: '2026-04-02', recordedAt: '2026-04-02T01:00:00.000Z' },
      { amountMinor: 50_000, receivedOn: '2026-03-30', recordedAt: '2026-03-30T01:00:00.000Z' },
    ];
    const list = buildPlan([{ dueDate: '2026-04-01', amountMinor: 25_000 }, { dueDate: '2026-05-01', amountMinor: 25_000 }, { dueDate: '2026-06-01', amountMinor: 50_000 }], payments);
    // The 50,000 of 30 March comes first (by date received, not by the order given): it settles
    // instalments 1 and 2 on time; taken in the order given, the 30,000 of 2 April would have paid
    // instalment 1 late.
    expect(list.map((i) => [i.paidMinor, i.status, i.paidLate])).toEqual([
      [25_000, 'paid', false],
      [25_000, 'paid', false],
      [30_000, 'open', undefined],
    ]);
    expect(planTotals(list).outstandingMinor).toBe(20_000);
  });
});

describe('aging and receivables', () => {
  it.each([
    ['2026-05-10', 'current'],
    ['2026-05-09', '1-30'],
    ['2026-04-10', '1-30'],
    ['2026-04-09', '31-60'],
    ['2026-03-11', '31-60'],
    ['2026-03-10', '61-90'],
    ['2026-02-09', '61-90'],
    ['2026-02-08', '90+'],
    ['2026-06-01', 'current'],
  ])('due %s is %s on 2026-05-10', (due, bucket) => {
    expect(ageBucket(due, '2026-05-10')).toBe(bucket);
  });

  it('sums outstanding amounts per rep and bucket, per currency', () => {
    const r = receivablesReport(
      [
        { repId: 'amy', counters: { ...receivableOf({ dueDate: '2026-05-01', outstandingMinor: 40_000 }, 'CNY'), '2026-06-01|CNY': 10_000, '2026-01-01|USD': 500 } },
        { repId: 'bob', counters: { '2026-05-09|CNY': 7, '2026-04-01|CNY': 0 } },
        { repId: 'cid', counters: { '2026-04-01|CNY': 0 } },
      ],
      '2026-05-10',
    );
    expect(r.byRep).toEqual([
      { repId: 'amy', current: { CNY: 10_000 }, '1-30': { CNY: 40_000 }, '31-60': {}, '61-90': {}, '90+': { USD: 500 }, total: { CNY: 50_000, USD: 500 } },
      { repId: 'bob', current: {}, '1-30': { CNY: 7 }, '31-60': {}, '61-90': {}, '90+': {}, total: { CNY: 7 } },
    ]);
    expect(r.totals).toEqual({ current: { CNY: 10_000 }, '1-30': { CNY: 40_007 }, '31-60': {}, '61-90': {}, '90+': { USD: 500 }, total: { CNY: 50_007, USD: 500 } });
  });

  it('an instalment is overdue from local midnight after its due date; its reminder is at 09:00 local N days before', () => {
    expect(new Date(overdueAt('2026-04-01', 'Asia/Shanghai')).toISOString()).toBe('2026-04-01T16:00:00.000Z');
    expect(new Date(collectionReminderAt('2026-04-10', 3, 'Asia/Shanghai')!).toISOString()).toBe('2026-04-07T01:00:00.000Z');
    expect(collectionReminderAt('2026-04-10', 0, 'Asia/Shanghai')).toBeUndefined();
  });
});

describe('contracts', () => {
  it('needs the end after the start', () => {
    expect(() => assertTerm('2026-01-01', '2026-12-31')).not.toThrow();
    expect(issues(() => assertTerm('2026-01-01', '2026-01-01'))).toEqual(['endDate: must be after the start date 2026-01-01']);
    expect(issues(() => assertTerm('2026-13-01', '2027-01-01'))).toEqual(['startDate: must be a date YYYY-MM-DD']);
  });

  it('moves draft → active → expired | terminated | renewed', () => {
    expect(() => assertContractTransition({ id: 'c', status: 'draft' }, 'active')).not.toThrow();
    expect(() => assertContractTransition({ id: 'c', status: 'draft' }, 'expired')).toThrow(rule('contract-status'));
    expect(() => assertContractTransition({ id: 'c', status: 'expired' }, 'renewed')).not.toThrow();
    expect(() => assertContractTransition({ id: 'c', status: 'terminated' }, 'active')).toThrow(rule('contract-status'));
  });

  it('reminds N days before the end at 09:00 local and expires at local midnight after the end date', () => {
    expect(new Date(renewalReminderAt('2026-12-31', 7, 'Asia/Shanghai')!).toISOString()).toBe('2026-12-24T01:00:00.000Z');
    expect(renewalReminderAt('2026-12-31', 0, 'Asia/Shanghai')).toBeUndefined();
    expect(new Date(expiryAt('2026-12-31', 'America/New_York')).toISOString()).toBe('2027-01-01T05:00:00.000Z');
    expect([addMonths('2026-01-31', 1), addMonths('2024-01-31', 1), addMonths('2026-11-15', 3)]).toEqual(['2026-02-28', '2024-02-29', '2027-02-15']);
  });

  it('a renewal runs as long as the term it follows: whole months when it was whole months, else as many days', () => {
    expect(sameTerm('2026-01-01', '2026-12-31', '2027-01-01')).toBe('2027-12-31');
    expect(sameTerm('2026-01-31', '2026-02-27', '2026-02-28')).toBe('2026-03-27');
    expect(sameTerm('2026-05-15', '2026-06-30', '2026-07-01')).toBe('2026-08-16');
    expect(sameTerm('2026-03-01', '2026-05-31', '2026-06-01')).toBe('2026-08-31');
  });
});
