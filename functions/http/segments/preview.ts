import { previewSegment as contract } from '../../../shared/api/segments';
import { httpHandler } from '../../../shared/http/handler';
import { present } from '../../../shared/usecases/customer-input';
import { previewSegment } from '../../../shared/usecases/segmentation/preview';

/** The one request path that scans: bounded by time and items read (see shared/usecases/segmentation/preview.ts). */
export const handler = httpHandler(contract, async ({ body, deps, principal }) => {
  const p = await previewSegment(deps, body.condition);
  return { body: { count: p.count, sample: p.sample.map((c) => present(c, principal)), exact: p.exact, scanned: p.scanned } };
});
