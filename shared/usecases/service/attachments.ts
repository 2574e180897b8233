import { ConflictError, NotFoundError, ValidationError } from '../../domain/errors';
import { TooLargeError } from '../../domain/service/errors';
import { assertEditable } from '../../domain/service/ticket';
import { SIGNED_URL_SECONDS, type BlobStore, type SignedUrl } from '../../runtime/blob-store';
import { countMetric } from '../../runtime/observability';
import { attachmentFileKey } from '../../store/keys';
import type { Attachment } from '../../store/tickets-repo';
import { transactWrite } from '../../store/transact';
import { settingsOf, type Ctx } from './common';
import { assertTicketVisible, requireTicket } from './tickets';

/**
 * Ticket attachments. Files never pass through a function: creating an attachment checks the
 * declared size and media type against the limits and answers with a signed upload URL (an S3
 * presigned PUT in AWS, the local server locally); `complete` checks what arrived (it must be
 * there, no bigger than the limit and the declared size) before the attachment becomes usable in
 * comments; downloads are signed GET URLs.
 */
export async function createAttachment(ctx: Ctx, blobs: BlobStore, ticketId: string, input: { filename: string; contentType: string; size: number }): Promise<{ attachment: Attachment; upload: SignedUrl }> {
  const ticket = await requireTicket(ctx, ticketId);
  assertEditable(ticket);
  const s = await settingsOf(ctx);
  if (input.size > s.attachmentMaxBytes) throw new TooLargeError(`The attachment is ${input.size} bytes; the limit is ${s.attachmentMaxBytes} bytes.`, { field: 'size', limitBytes: s.attachmentMaxBytes });
  if (!s.attachmentTypes.includes(input.contentType)) throw ValidationError.field('contentType', `must be one of ${s.attachmentTypes.join(', ')}`);
  const id = ctx.deps.ids.next();
  const attachment: Attachment = { id, ticketId, filename: input.filename, contentType: input.contentType, size: input.size, status: 'pending', fileKey: attachmentFileKey(id), uploadedBy: ctx.actorId, createdAt: ctx.deps.clock.now().toISOString() };
  await transactWrite(ctx.deps.db, [ctx.deps.tickets.attachmentPut(attachment)], () => new ConflictError('The attachment exists already.'));
  const upload = await blobs.uploadUrl(attachment.fileKey, { contentType: input.contentType, expiresInSeconds: SIGNED_URL_SECONDS });
  return { attachment, upload };
}

/** The attachment of a ticket the caller sees (404 for either otherwise). */
async function requireAttachment(ctx: Ctx, ticketId: string, attachmentId: string): Promise<Attachment> {
  await assertTicketVisible(ctx, ticketId);
  const a = await ctx.deps.tickets.getAttachment(ticketId, attachmentId);
  if (!a) throw new NotFoundError('Attachment', attachmentId);
  return a;
}

/** Confirms the upload; an upload over the limit or the declared size is refused and the attachment stays unusable. */
export async function completeAttachment(ctx: Ctx, blobs: BlobStore, ticketId: string, attachmentId: string): Promise<Attachment> {
  const a = await requireAttachment(ctx, ticketId, attachmentId);
  if (a.status === 'ready') return a;
  const file = await blobs.head(a.fileKey);
  if (!file) throw new ConflictError('Nothing was uploaded yet: PUT the file to the upload URL first.', { rule: 'attachment-not-uploaded' });
  const s = await settingsOf(ctx);
  if (file.size > s.attachmentMaxBytes) throw new TooLargeError(`The uploaded file is ${file.size} bytes; the limit is ${s.attachmentMaxBytes} bytes. Upload a smaller file.`, { limitBytes: s.attachmentMaxBytes });
  if (file.size !== a.size) throw new ConflictError(`The uploaded file is ${file.size} bytes, not the ${a.size} bytes declared.`, { rule: 'attachment-size-mismatch' });
  const ready: Attachment = { ...a, status: 'ready', readyAt: ctx.deps.clock.now().toISOString() };
  await transactWrite(ctx.deps.db, [ctx.deps.tickets.attachmentPut(ready, 'pending')], () => new ConflictError('The attachment changed meanwhile.'));
  countMetric('AttachmentsUploaded');
  return ready;
}

export async function attachmentDownload(ctx: Ctx, blobs: BlobStore, ticketId: string, attachmentId: string): Promise<{ attachment: Attachment; download: SignedUrl }> {
  const a = await requireAttachment(ctx, ticketId, attachmentId);
  if (a.status !== 'ready') throw new ConflictError('The attachment is not uploaded yet.', { rule: 'attachment-not-uploaded' });
  return { attachment: a, download: await blobs.downloadUrl(a.fileKey, { filename: a.filename, expiresInSeconds: SIGNED_URL_SECONDS }) };
}
