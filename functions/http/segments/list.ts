import { listSegments as contract } from '../../../shared/api/segments';
import { ValidationError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { listSegments, presentSegment } from '../../../shared/usecases/segmentation/segments';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const handler = httpHandler(contract, async ({ query, deps }) => {
  if (query.cursor !== undefined && !ULID.test(query.cursor)) throw ValidationError.field('cursor', 'is not a cursor this API issued');
  const page = await listSegments(deps, query.limit, query.cursor);
  return { body: { items: page.items.map(presentSegment), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
