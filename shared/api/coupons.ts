import * as z from 'zod/mini';
import { COUPON_LIMITS } from '../domain/campaigns/coupons';
import { defineRoute, once } from './contract';
import { idParams, isoDateTime, pageOf, pageQuery, text } from './common';

/**
 * Coupon pools (issue 6): unique codes a campaign hands out, one per recipient. See docs/campaigns.md.
 */
export const couponPoolSchema = once(() =>
  z.object({
    id: z.string(),
    name: z.string(),
    description: z.optional(z.string()),
    uploaded: z.int(),
    assigned: z.int(),
    available: z.int(),
    createdAt: isoDateTime(),
    updatedAt: isoDateTime(),
    createdBy: z.string(),
  }),
);

const tag = 'Coupons';

export const createCouponPool = defineRoute({
  operationId: 'createCouponPool',
  method: 'POST',
  path: '/v1/coupon-pools',
  permission: 'marketing:write',
  summary: 'Create a coupon pool (then add codes to it)',
  tag,
  body: () => z.strictObject({ name: text(COUPON_LIMITS.name), description: z.optional(text(1000)) }),
  response: couponPoolSchema,
  status: 201,
  idempotent: true,
});

export const listCouponPools = defineRoute({
  operationId: 'listCouponPools',
  method: 'GET',
  path: '/v1/coupon-pools',
  permission: 'marketing:read',
  summary: 'Coupon pools newest first, each with its counts (uploaded, assigned, available)',
  tag,
  query: () => z.strictObject(pageQuery()),
  response: () => pageOf(couponPoolSchema()),
  status: 200,
});

export const getCouponPool = defineRoute({
  operationId: 'getCouponPool',
  method: 'GET',
  path: '/v1/coupon-pools/{id}',
  permission: 'marketing:read',
  summary: 'One coupon pool with how many codes it has, how many are assigned and how many are available',
  tag,
  params: idParams,
  response: couponPoolSchema,
  status: 200,
});

export const addCouponCodes = defineRoute({
  operationId: 'addCouponCodes',
  method: 'POST',
  path: '/v1/coupon-pools/{id}/codes',
  permission: 'marketing:write',
  summary: `Add codes: a JSON array \`codes\` (up to ${COUPON_LIMITS.uploadCodes}; a repeat in the request is a 400, a code the pool has already is counted as a duplicate) or \`generate: { count, prefix }\` (up to ${COUPON_LIMITS.generateCodes} random codes)`,
  tag,
  params: idParams,
  body: () =>
    z.strictObject({
      codes: z.optional(z.array(z.string().check(z.maxLength(COUPON_LIMITS.codeLength + 1))).check(z.maxLength(COUPON_LIMITS.uploadCodes))),
      generate: z.optional(z.strictObject({ count: z.int(), prefix: z.optional(z.string().check(z.maxLength(COUPON_LIMITS.prefixLength + 1))) })),
    }),
  response: () => z.object({ added: z.int(), duplicates: z.int(), pool: couponPoolSchema() }),
  status: 200,
  idempotent: true,
});
