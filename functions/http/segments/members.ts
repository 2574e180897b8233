import { listSegmentMembers as contract } from '../../../shared/api/segments';
import { ValidationError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { present } from '../../../shared/usecases/customer-input';
import { segmentMembers } from '../../../shared/usecases/segmentation/segments';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const handler = httpHandler(contract, async ({ params, query, deps, principal }) => {
  if (query.cursor !== undefined && !ULID.test(query.cursor)) throw ValidationError.field('cursor', 'is not a cursor this API issued');
  const page = await segmentMembers(deps, params.id, query.limit, query.cursor);
  return { body: { items: page.items.map((c) => present(c, principal)), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
