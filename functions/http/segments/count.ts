import { countSegment as contract } from '../../../shared/api/segments';
import { httpHandler } from '../../../shared/http/handler';
import { presentSegment, requireSegment } from '../../../shared/usecases/segmentation/segments';

export const handler = httpHandler(contract, async ({ params, deps }) => {
  const segment = await requireSegment(deps, params.id);
  const count = await deps.membership.count(params.id);
  const { backfill } = presentSegment(segment);
  return { body: { segmentId: segment.id, count, ...(backfill ? { backfill } : {}) } };
});
