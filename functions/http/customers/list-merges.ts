import { listMerges as contract } from '../../../shared/api/merges';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async ({ params, deps }) => {
  const records = await deps.merges.listForTarget(params.id, 50);
  return { body: { items: records.map(({ plan: _p, sourceSnapshot: _s, targetVersion: _v, ...m }) => m) } };
});
