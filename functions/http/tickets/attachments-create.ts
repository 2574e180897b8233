import { createTicketAttachment as contract } from '../../../shared/api/tickets';
import { httpHandler } from '../../../shared/http/handler';
import { blobStore } from '../../../shared/runtime/s3-blob-store';
import { createAttachment } from '../../../shared/usecases/service/attachments';
import { ticketCtxOf } from '../../../shared/usecases/service/visibility';

export const handler = httpHandler(contract, async ({ params, body, deps, principal, correlationId }) => {
  const { attachment, upload } = await createAttachment(await ticketCtxOf({ deps, correlationId, principal }), blobStore(deps), params.id, body);
  const { fileKey: _k, ...shown } = attachment;
  return { body: { attachment: shown, upload }, headers: { location: `/v1/tickets/${params.id}/attachments/${attachment.id}` } };
});
