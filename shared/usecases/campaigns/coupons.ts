import { randomBytes } from 'node:crypto';
import { codeIssues, generateCodes, prefixIssues, type CouponPool } from '../../domain/campaigns/coupons';
import { NotFoundError, ValidationError } from '../../domain/errors';
import { countMetric } from '../../runtime/observability';
import { CouponsRepo, type PoolCounts } from '../../store/coupons-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';

/**
 * Coupon pools (`/v1/coupon-pools`): create a pool, add codes — uploaded as a JSON array (up to
 * 1,000 per request; repeats within the request refused, codes the pool has already counted as
 * duplicates) or generated (`count` codes `<prefix><10 random characters>`, up to 10,000) — and
 * read its counts (uploaded, assigned, available). A campaign naming a pool gives each recipient
 * exactly one code (./delivery.ts); a recipient finding the pool empty is skipped with
 * `coupons-exhausted`.
 */
const pools = (ctx: Ctx) => repoOf(ctx.deps, CouponsRepo);

export async function createPool(ctx: Ctx, input: { name: string; description?: string }): Promise<CouponPool & PoolCounts> {
  const now = ctx.deps.clock.now().toISOString();
  const p: CouponPool = { id: ctx.deps.ids.next(), name: input.name, ...(input.description ? { description: input.description } : {}), createdAt: now, updatedAt: now, createdBy: ctx.actorId };
  await pools(ctx).createPool(p);
  return { ...p, uploaded: 0, assigned: 0, available: 0 };
}

export async function requirePool(ctx: Ctx, id: string): Promise<CouponPool> {
  const p = await pools(ctx).getPool(id);
  if (!p) throw new NotFoundError('Coupon pool', id);
  return p;
}

export async function getPool(ctx: Ctx, id: string): Promise<CouponPool & PoolCounts> {
  const p = await requirePool(ctx, id);
  return { ...p, ...(await pools(ctx).counts(id)) };
}

export async function listPools(ctx: Ctx, limit: number, cursor?: string): Promise<{ items: (CouponPool & PoolCounts)[]; cursor?: string }> {
  const page = await pools(ctx).listPools(limit, cursor);
  const items = await Promise.all(page.items.map(async (p) => ({ ...p, ...(await pools(ctx).counts(p.id)) })));
  return { items, ...(page.cursor ? { cursor: page.cursor } : {}) };
}

export interface AddCodesInput {
  codes?: string[];
  generate?: { count: number; prefix?: string };
}

export async function addCodes(ctx: Ctx, id: string, input: AddCodesInput): Promise<{ added: number; duplicates: number; pool: CouponPool & PoolCounts }> {
  await requirePool(ctx, id);
  if ((input.codes === undefined) === (input.generate === undefined)) throw ValidationError.field('codes', 'give either codes (a list) or generate ({ count, prefix })');
  const issues = input.codes ? codeIssues(input.codes) : prefixIssues(input.generate!.prefix, input.generate!.count);
  if (issues.length) throw new ValidationError(issues, `${issues[0]!.field}: ${issues[0]!.message}`);
  const codes = input.codes ?? generateCodes(input.generate!.prefix, input.generate!.count, (n) => randomBytes(n));
  const r = await pools(ctx).addCodes(id, codes, ctx.deps.clock.now().toISOString());
  countMetric('CouponCodesAdded', r.added);
  return { ...r, pool: await getPool(ctx, id) };
}
