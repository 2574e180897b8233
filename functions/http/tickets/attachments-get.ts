import { getTicketAttachment as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { blobStore } from '../../../shared/runtime/s3-blob-store';
import { attachmentDownload } from '../../../shared/usecases/service/attachments';
import { ticketCtxOf } from '../../../shared/usecases/service/visibility';

export const handler = httpHandler(contract, async ({ params, deps, principal, correlationId }) => {
  const { attachment, download } = await attachmentDownload(await ticketCtxOf({ deps, correlationId, principal }), blobStore(deps), params.id, params.attachmentId);
  const { fileKey: _k, ...shown } = attachment;
  return { body: { attachment: shown, download } };
});
