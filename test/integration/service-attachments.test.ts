import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ValidationError } from '../../shared/domain/errors';
import { RuleViolation, TooLargeError } from '../../shared/domain/service/errors';
import { LocalBlobStore } from '../../shared/runtime/local-blob-store';
import { attachmentDownload, completeAttachment, createAttachment } from '../../shared/usecases/service/attachments';
import { saveSettings } from '../../shared/usecases/service/admin';
import { addComment, createTicket, updateTicket } from '../../shared/usecases/service/tickets';
import { seedDesk, serviceWorld, type World } from './service-helpers';

/** Attachments: declared within the limits, uploaded to a signed URL, confirmed, then usable in comments. */
let w: World;
let dir: string;
let blobs: LocalBlobStore;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'crm-att-'));
  blobs = new LocalBlobStore(dir);
  w = await serviceWorld();
  await seedDesk(w, 'manual');
  await saveSettings(w.ctx('admin-1'), { version: 0, attachmentMaxBytes: 1000 });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('refuses an attachment over the limit (413) or of a type not allowed (400), writing nothing', async () => {
  const t = await createTicket(w.ctx(), { subject: 'photo', type: 'return', channel: 'web', assigneeId: 'amy' });
  await expect(createAttachment(w.ctx(), blobs, t.id, { filename: 'big.jpg', contentType: 'image/jpeg', size: 1001 })).rejects.toThrow(TooLargeError);
  await expect(createAttachment(w.ctx(), blobs, t.id, { filename: 'x.exe', contentType: 'application/x-msdownload', size: 10 })).rejects.toMatchObject({ issues: [{ field: 'contentType' }] });
  expect((await w.deps.tickets.attachments(t.id, 10)).items).toEqual([]);
});

it('an upload is confirmed only when it arrived with the declared size within the limit; then a comment may carry it', async () => {
  const t = await createTicket(w.ctx(), { subject: 'photo 2', type: 'return', channel: 'web', assigneeId: 'amy' });
  const { attachment, upload } = await createAttachment(w.ctx(), blobs, t.id, { filename: 'parcel.png', contentType: 'image/png', size: 4 });
  expect(upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'image/png' } });
  expect(upload.url).toContain(`/v1/attachments/${attachment.id}/file?`);
  await expect(completeAttachment(w.ctx(), blobs, t.id, attachment.id)).rejects.toMatchObject({ extra: { rule: 'attachment-not-uploaded' } });
  await expect(addComment(w.ctx('amy'), t.id, { body: 'see photo', public: false, author: 'agent', attachmentIds: [attachment.id] })).rejects.toThrow(ValidationError);
  await blobs.put(attachment.fileKey, Buffer.from('abcdefgh'));
  await expect(completeAttachment(w.ctx(), blobs, t.id, attachment.id)).rejects.toMatchObject({ extra: { rule: 'attachment-size-mismatch' } });
  await blobs.put(attachment.fileKey, Buffer.alloc(2000));
  await expect(completeAttachment(w.ctx(), blobs, t.id, attachment.id)).rejects.toThrow(TooLargeError);
  expect((await w.deps.tickets.getAttachment(t.id, attachment.id))!.status).toBe('pending');
  await blobs.put(attachment.fileKey, Buffer.from('abcd'));
  expect(await completeAttachment(w.ctx(), blobs, t.id, attachment.id)).toMatchObject({ status: 'ready', size: 4 });
  const { comment } = await addComment(w.ctx('amy'), t.id, { body: 'see photo', public: false, author: 'agent', attachmentIds: [attachment.id] });
  expect(comment.attachmentIds).toEqual([attachment.id]);
  expect((await attachmentDownload(w.ctx(), blobs, t.id, attachment.id)).download.url).toContain('filename=parcel.png');
  await updateTicket(w.ctx('amy'), t.id, { status: 'solved' });
  await updateTicket(w.ctx('amy'), t.id, { status: 'closed' });
  await expect(createAttachment(w.ctx(), blobs, t.id, { filename: 'late.png', contentType: 'image/png', size: 4 })).rejects.toThrow(RuleViolation);
});
