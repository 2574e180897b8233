import { listTags as contract } from '../../../shared/api/tags';
import { httpHandler } from '../../../shared/http/handler';
import { listTags, presentTag } from '../../../shared/usecases/segmentation/tags';

/** The catalog page with each tag's member count (the tag index, four shards counted in parallel per tag). */
export const handler = httpHandler(contract, async ({ query, deps }) => {
  const page = await listTags(deps, { limit: query.limit, ...(query.category ? { category: query.category } : {}), ...(query.cursor !== undefined ? { after: query.cursor } : {}) });
  const counts = await Promise.all(page.items.map((t) => deps.tagIndex.count(t.name)));
  return { body: { items: page.items.map((t, i) => presentTag(t, counts[i])), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
