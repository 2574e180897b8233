import { getPrivacyRequest as contract } from '../../../shared/api/privacy';
import { NotFoundError } from '../../../shared/domain/errors';
import { isOverdue, removedByErasure } from '../../../shared/domain/privacy';
import { httpHandler } from '../../../shared/http/handler';
import { noteReason } from '../../../shared/runtime/audit-context';
import { SIGNED_URL_SECONDS } from '../../../shared/runtime/blob-store';
import { blobStore } from '../../../shared/runtime/s3-blob-store';
import { PrivacyRepo } from '../../../shared/store/privacy-repo';
import { repoOf } from '../../../shared/store/repo-of';

export const handler = httpHandler(contract, async ({ params, deps }) => {
  const r = await repoOf(deps, PrivacyRepo).get(params.id);
  if (!r) throw new NotFoundError('Privacy request', params.id);
  // An erasure of the person removed this export's file: 410, saying so (the list still shows the request).
  if (r.fileRemovedAt) throw removedByErasure(`The export file of privacy request ${r.id}`, r.fileRemovedAt, { id: r.id, kind: r.kind, status: r.status, erasureId: r.fileRemovedBy });
  let download: { url: string; expiresAt: string } | undefined;
  if (r.kind === 'export' && r.status === 'completed' && r.fileKey) {
    const subject = r.customerId ? `customer ${r.customerId}` : `lead ${r.leadId}`;
    const url = await blobStore(deps).downloadUrl(r.fileKey, { filename: `${subject.replace(' ', '-')}.json`, expiresInSeconds: SIGNED_URL_SECONDS });
    download = { url: url.url, expiresAt: url.expiresAt };
    noteReason(`data-subject export ${r.id} of ${subject}`);
  }
  return { body: { ...r, overdue: isOverdue(r, deps.clock.now().toISOString()), ...(download ? { download } : {}) } };
});
