import { getSegment as contract } from '../../../shared/api/segments';
import { httpHandler } from '../../../shared/http/handler';
import { presentSegment, requireSegment } from '../../../shared/usecases/segmentation/segments';

export const handler = httpHandler(contract, async ({ params, deps }) => ({ body: presentSegment(await requireSegment(deps, params.id)) }));
