import type { SourceRecord } from '../../shared/domain/csv';
import { customerRow, orderRow, parseWhen, planFor, rowValues, type Plan } from '../../shared/usecases/imports/rows';

/** Row mapping and validation of imports: which column fills which field, and each bad field named with its reason. */
const rec = (fields: string[], extra: Partial<SourceRecord> = {}): SourceRecord => ({ line: 2, end: 0, nextLine: 3, fields, ...extra });
const csvPlan = (kind: 'customers' | 'orders', header: string[], mapping: Record<string, string> = {}): Plan => {
  const p = planFor({ kind, format: 'csv', mapping }, header);
  if (!p.ok) throw new Error(p.reason);
  return p.plan;
};
const issues = (r: { ok: boolean; issues?: unknown }) => (r.ok ? [] : (r as { issues: { field: string; reason: string }[] }).issues);

describe('planFor', () => {
  test('columns named like fields are used (any case); the mapping names others', () => {
    const plan = csvPlan('customers', ['E-mail', 'Name', 'Mobile', 'ignored'], { email: 'E-mail', phone: 'Mobile' });
    expect(plan).toEqual({ format: 'csv', columns: 4, index: { name: 1, email: 0, phone: 2 } });
  });

  test('a mapped column missing from the header fails the job with the columns it has', () => {
    expect(planFor({ kind: 'customers', format: 'csv', mapping: { email: 'mail' } }, ['email', 'name'])).toEqual({
      ok: false,
      reason: 'mapping.email: the column "mail" is not in the header (columns: email, name)',
    });
  });

  test('orders need order id, date, currency and total columns', () => {
    const p = planFor({ kind: 'orders', format: 'csv', mapping: {} }, ['orderId', 'email', 'total']);
    expect(p).toMatchObject({ ok: false, reason: expect.stringContaining('need a column for placedAt, currency') });
  });

  test('a header with no known field is refused', () => {
    expect(planFor({ kind: 'customers', format: 'csv', mapping: {} }, ['foo', 'bar'])).toMatchObject({ ok: false, reason: expect.stringMatching(/no column/) });
  });

  test('JSON lines map fields to key paths', () => {
    const p = planFor({ kind: 'customers', format: 'jsonl', mapping: { email: 'contact.email' } });
    expect(p.ok && p.plan.format === 'jsonl' && p.plan.paths.email).toEqual(['contact', 'email']);
  });
});

describe('rowValues', () => {
  test('empty cells are absent, values trimmed; more fields than the header is an error', () => {
    const plan = csvPlan('customers', ['email', 'name', 'city']);
    expect(rowValues(plan, rec([' a@b.cn ', '', 'Shanghai']))).toEqual({ ok: true, value: { email: 'a@b.cn', name: undefined, city: 'Shanghai' } });
    expect(rowValues(plan, rec(['a@b.cn']))).toMatchObject({ ok: true, value: { email: 'a@b.cn' } });
    expect(issues(rowValues(plan, rec(['a', 'b', 'c', 'd'])))).toEqual([{ field: 'row', reason: 'has 4 fields but the header has 3 (a quote or delimiter may be missing)' }]);
    expect(issues(rowValues(plan, rec([], { error: 'a " inside an unquoted field' })))).toEqual([{ field: 'row', reason: 'a " inside an unquoted field' }]);
  });

  test('JSON lines: nested keys, numbers and lists become text; objects are refused', () => {
    const p = planFor({ kind: 'customers', format: 'jsonl', mapping: { email: 'contact.email' } });
    if (!p.ok) throw new Error(p.reason);
    expect(rowValues(p.plan, rec(['{"contact":{"email":"a@b.cn"},"tags":["vip","new"],"phone":13812345678}']))).toMatchObject({
      ok: true,
      value: { email: 'a@b.cn', tags: 'vip;new', phone: '13812345678' },
    });
    expect(issues(rowValues(p.plan, rec(['{"name":{"first":"Li"}}'])))).toEqual([{ field: 'name', reason: 'must be a string, a number or a list of strings, not an object' }]);
    expect(issues(rowValues(p.plan, rec(['not json'])))[0]).toMatchObject({ field: 'row', reason: expect.stringMatching(/^is not valid JSON/) });
  });
});

describe('customerRow', () => {
  test('normalizes identities and reads the spreadsheet forms of fields', () => {
    const r = customerRow({ email: ' LiLei@Example.COM ', phone: '138 1234 5678', gender: '男', birthday: '19900215', country: 'cn', tags: 'vip; 2024 ;', platformCustomerId: 'c-77' }, 'CN');
    expect(r).toEqual({
      ok: true,
      value: {
        input: { email: 'lilei@example.com', phone: '+8613812345678', gender: 'male', birthday: '1990-02-15', country: 'CN', tags: ['vip', '2024'], sourceChannel: 'import', platformIds: [{ platform: 'import', store: 'default', id: 'c-77' }] },
        hints: { platform: 'import', store: 'default', sourceChannel: 'import', platformCustomerId: 'c-77', email: 'lilei@example.com', phone: '+8613812345678', country: 'CN' },
      },
    });
  });

  test('names every bad field with the API reason', () => {
    const r = customerRow({ email: 'not-an-email', phone: '12', gender: 'x', birthday: '2999-01-01', country: 'China' }, 'CN');
    expect(issues(r).map((i) => i.field).sort()).toEqual(['birthday', 'country', 'email', 'gender', 'phone']);
    expect(issues(r).find((i) => i.field === 'country')!.reason).toBe('must be an ISO 3166-1 alpha-2 code such as CN or US');
    expect(issues(r).find((i) => i.field === 'birthday')!.reason).toBe('must not be in the future');
  });

  test('a row without any identity cannot be matched and is refused', () => {
    expect(issues(customerRow({ name: 'Li Lei', city: 'Shanghai' }, 'CN'))).toEqual([{ field: 'email', reason: 'a row needs an email, phone, externalId or platformCustomerId to be matched with a profile' }]);
    expect(customerRow({ externalId: 'erp-1' }, 'CN').ok).toBe(true);
  });

  test('platform ids are checked as the API checks them, and reported under the import field name', () => {
    expect(issues(customerRow({ platformCustomerId: 'has space', platform: 'Shop!' }, 'CN')).map((i) => i.field).sort()).toEqual(['platform', 'platformCustomerId']);
  });
});

describe('orderRow', () => {
  const base = { orderId: 'A-1001', placedAt: '2024-03-05', currency: 'cny', total: '128.50', email: 'a@b.cn' };

  test('decimal amounts become exact minor units; defaults for platform, store, status and channel', () => {
    const r = orderRow({ ...base, tax: '8.5', product: 'Tea', sku: 'T-1' }, 'CN');
    expect(r).toMatchObject({
      ok: true,
      value: {
        platform: 'import',
        store: 'default',
        orderId: 'A-1001',
        placedAt: '2024-03-05T00:00:00.000Z',
        updatedAt: '2024-03-05T00:00:00.000Z',
        status: 'paid',
        currency: 'CNY',
        totalMinor: 12850,
        subtotalMinor: 12850,
        taxMinor: 850,
        discountMinor: 0,
        channel: 'import',
        lines: [{ product: 'Tea', sku: 'T-1', quantity: 1, unitPriceMinor: 12850 }],
        identity: { platform: 'import', store: 'default', email: 'a@b.cn', sourceChannel: 'import' },
      },
    });
    expect(orderRow({ ...base, currency: 'JPY', total: '1200' }, 'CN')).toMatchObject({ ok: true, value: { totalMinor: 1200 } });
  });

  test('names each bad field: amount decimals, currency, date, status, identity', () => {
    expect(issues(orderRow({ ...base, currency: 'JPY', total: '12.5' }, 'CN'))).toEqual([{ field: 'total', reason: 'has more decimals than JPY allows (0)' }]);
    expect(issues(orderRow({ ...base, currency: 'RMB' }, 'CN'))).toEqual([{ field: 'currency', reason: '"RMB" is not an ISO 4217 currency code' }]);
    expect(issues(orderRow({ ...base, placedAt: '2024-02-30' }, 'CN'))).toEqual([{ field: 'placedAt', reason: 'is not a valid date' }]);
    expect(issues(orderRow({ ...base, status: 'shipped' }, 'CN'))[0]!.field).toBe('status');
    expect(issues(orderRow({ ...base, total: '1,280.00' }, 'CN'))[0]).toEqual({ field: 'total', reason: 'must be a decimal amount such as "12.34", got "1,280.00"' });
    const { email: _e, ...anonymous } = base;
    expect(issues(orderRow(anonymous, 'CN'))).toEqual([{ field: 'customerId', reason: 'an order needs a customerId, email or phone to find its customer' }]);
    expect(issues(orderRow({ email: 'a@b.cn' }, 'CN')).map((i) => i.field)).toEqual(['orderId', 'currency', 'total', 'placedAt']);
    expect(issues(orderRow({ ...base, product: 'Tea', quantity: '3' }, 'CN'))).toEqual([{ field: 'unitPrice', reason: 'is required when quantity is more than 1' }]);
  });

  test('placedAt: ISO with or without offset, YYYY-MM-DD HH:MM:SS, YYYY-MM-DD, YYYYMMDD', () => {
    expect(parseWhen('2024-03-05T10:00:00+08:00', 'placedAt')).toBe('2024-03-05T02:00:00.000Z');
    expect(parseWhen('2024-03-05T10:00:00', 'placedAt')).toBe('2024-03-05T10:00:00.000Z');
    expect(parseWhen('2024-03-05 10:00:00', 'placedAt')).toBe('2024-03-05T10:00:00.000Z');
    expect(parseWhen('20240305', 'placedAt')).toBe('2024-03-05T00:00:00.000Z');
    expect(() => parseWhen('05/03/2024', 'placedAt')).toThrow('must be an ISO-8601 date-time, YYYY-MM-DD or YYYYMMDD');
  });
});
