import { getTag as contract } from '../../../shared/api/tags';
import { httpHandler } from '../../../shared/http/handler';
import { presentTag, requireTag } from '../../../shared/usecases/segmentation/tags';

export const handler = httpHandler(contract, async ({ params, deps }) => {
  const tag = await requireTag(deps, params.name);
  return { body: presentTag(tag, await deps.tagIndex.count(tag.name)) };
});
