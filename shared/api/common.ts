import { z } from 'zod';

/** Shared pieces of the API's schemas. */
export const ulidId = z.string().regex(/^[0-9A-HJKMNP-TV-Z]{26}$/, 'must be an id issued by this API');
export const idParams = z.strictObject({ id: ulidId });
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(100).default(25),
  cursor: z.string().min(1).max(2048).optional(),
};
export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), cursor: z.string().optional() });
export const isoDateTime = z.iso.datetime({ offset: true });
export const slug = z.string().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, 'must be a lower-case slug (a-z, 0-9, _ . -)');
