import { completeTicketAttachment as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { blobStore } from '../../../shared/runtime/s3-blob-store';
import { completeAttachment } from '../../../shared/usecases/service/attachments';
import { ticketCtxOf } from '../../../shared/usecases/service/visibility';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  const { fileKey: _k, ...shown } = await completeAttachment(await ticketCtxOf({ deps, correlationId, principal }), blobStore(deps), params.id, params.attachmentId);
  return { body: shown };
});
