import * as z from 'zod/mini';
import { once } from './contract';

/**
 * Shared pieces of the API's schemas, each built on first use. Schemas use zod's tree-shakable
 * `zod/mini` form: half the init time and a fraction of the bundle of the chained API.
 */
export const text = (max: number) => z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(max));
export const ulidId = once(() => z.string().check(z.regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an id issued by this API')));
export const idParams = once(() => z.strictObject({ id: ulidId() }));
export const pageQuery = () => ({
  limit: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 25),
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(2048))),
});
export const pageOf = <T extends z.ZodMiniType>(item: T) => z.object({ items: z.array(item), cursor: z.optional(z.string()) });
export const isoDateTime = () => z.iso.datetime({ offset: true });
export const slug = () => z.string().check(z.regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be a lower-case slug (a-z, 0-9, _ . -)'));
