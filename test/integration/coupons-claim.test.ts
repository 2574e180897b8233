import type { Recipient } from '../../shared/domain/campaigns/recipient';
import { CouponsRepo } from '../../shared/store/coupons-repo';
import { RecipientsRepo } from '../../shared/store/recipients-repo';
import { repoOf } from '../../shared/store/repo-of';
import { addCodes, createPool, getPool } from '../../shared/usecases/campaigns/coupons';
import { deliveryKey } from '../../shared/usecases/campaigns/delivery';
import { testDeps } from '../support/db';
import { ctxOf } from './helpers';

/** Coupon pools on DynamoDB Local: exact counts, one code per recipient under concurrency and retries. */
const CAMPAIGN = '01JCAMPA1GN0000000000000AA';

function recipient(customerId: string): Recipient {
  const at = '2026-05-12T04:00:00.000Z';
  return { campaignId: CAMPAIGN, customerId, group: 'all', variant: 'A', channel: 'email', wave: 'main', state: 'queued', origin: 'test', queuedAt: at, updatedAt: at };
}

async function setup(codes: number) {
  const deps = await testDeps();
  const ctx = ctxOf(deps);
  const pool = await createPool(ctx, { name: 'Codes' });
  if (codes) await addCodes(ctx, pool.id, { codes: Array.from({ length: codes }, (_, i) => `CODE-${String(i).padStart(4, '0')}`) });
  const recipients = repoOf(deps, RecipientsRepo);
  const coupons = repoOf(deps, CouponsRepo);
  const claim = (customerId: string) =>
    coupons.claim(
      pool.id,
      deliveryKey(CAMPAIGN, customerId),
      (code) => recipients.patchItem(CAMPAIGN, customerId, { couponCode: code }, 'attribute_exists(PK) AND attribute_not_exists(#cc)'),
      async () => (await recipients.get(CAMPAIGN, customerId))?.couponCode,
      '2026-05-12T04:00:00.000Z',
    );
  return { deps, ctx, pool, recipients, coupons, claim };
}

describe('coupon pools', () => {
  test('uploads count exactly: repeats in the pool are duplicates, repeats in a request are refused', async () => {
    const { ctx, pool } = await setup(0);
    expect(await addCodes(ctx, pool.id, { codes: Array.from({ length: 30 }, (_, i) => `SPRING-${i}`) })).toMatchObject({ added: 30, duplicates: 0 });
    expect(await addCodes(ctx, pool.id, { codes: Array.from({ length: 30 }, (_, i) => `SPRING-${i + 20}`) })).toMatchObject({ added: 20, duplicates: 10, pool: { uploaded: 50, assigned: 0, available: 50 } });
    await expect(addCodes(ctx, pool.id, { codes: ['SPRING-X1', 'SPRING-X1'] })).rejects.toMatchObject({ status: 400, issues: [{ field: 'codes[1]', message: 'repeats codes[0]' }] });
    await expect(addCodes(ctx, pool.id, { codes: ['A1B2'], generate: { count: 3 } })).rejects.toMatchObject({ status: 400, issues: [{ field: 'codes' }] });
    await expect(addCodes(ctx, '01JN0P00L0000000000000000A', { codes: ['A1B2'] })).rejects.toMatchObject({ status: 404 });
    const gen = await addCodes(ctx, pool.id, { generate: { count: 250, prefix: 'GEN-' } });
    expect(gen).toMatchObject({ added: 250, duplicates: 0, pool: { uploaded: 300, available: 300 } });
  });

  test('80 recipients claiming 50 codes at once: 50 distinct codes given, 30 find the pool exhausted', async () => {
    const { deps, pool, recipients, claim } = await setup(50);
    const ids = Array.from({ length: 80 }, (_, i) => `01JCUST0MER${String(i).padStart(15, '0')}`);
    for (const id of ids) await recipients.create(recipient(id));
    const out = await Promise.all(ids.map((id) => claim(id)));
    const claimed = out.filter((o) => o.kind === 'claimed').map((o) => (o as { code: string }).code);
    expect(claimed).toHaveLength(50);
    expect(new Set(claimed).size).toBe(50);
    expect(out.filter((o) => o.kind === 'exhausted')).toHaveLength(30);
    expect(await getPool(ctxOf(deps), pool.id)).toMatchObject({ uploaded: 50, assigned: 50, available: 0 });
    // Each code is held by the recipient that has it.
    for (const id of ids) {
      const r = await recipients.get(CAMPAIGN, id);
      if (r?.couponCode) expect((await repoOf(deps, CouponsRepo).holders(pool.id, [r.couponCode])).get(r.couponCode)).toBe(deliveryKey(CAMPAIGN, id));
    }
  });

  test('one recipient claiming ten times at once (retries, duplicate deliveries) holds exactly one code', async () => {
    const { deps, pool, recipients, claim, coupons } = await setup(20);
    const id = '01JCUST0MER000000000000001';
    await recipients.create(recipient(id));
    const out = await Promise.all(Array.from({ length: 10 }, () => claim(id)));
    const codes = new Set(out.map((o) => (o as { code: string }).code));
    expect(codes.size).toBe(1);
    expect(out.filter((o) => o.kind === 'claimed')).toHaveLength(1);
    expect(out.filter((o) => o.kind === 'held')).toHaveLength(9);
    expect(await getPool(ctxOf(deps), pool.id)).toMatchObject({ assigned: 1, available: 19 });
    // Released (the pipeline skipped the recipient): back in the pool, once.
    const [code] = [...codes] as [string];
    expect(await coupons.release(pool.id, code, deliveryKey(CAMPAIGN, id), recipients.dropCouponItem(CAMPAIGN, id, code))).toBe(true);
    expect(await coupons.release(pool.id, code, deliveryKey(CAMPAIGN, id), recipients.dropCouponItem(CAMPAIGN, id, code))).toBe(false);
    expect(await getPool(ctxOf(deps), pool.id)).toMatchObject({ assigned: 0, available: 20 });
    expect((await recipients.get(CAMPAIGN, id))!.couponCode).toBeUndefined();
  });
});
