import type { IncomingMessage, ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { problem } from '../../shared/http/problem';
import { attachment } from '../../shared/runtime/blob-store';
import type { LocalBlobStore } from '../../shared/runtime/local-blob-store';
import { writeResult } from './apigw-event';

/**
 * The local stand-in for S3 presigned URLs: `PUT /v1/imports/{id}/file` stores an import upload,
 * `GET /v1/exports/{id}/file` serves an export, `PUT`/`GET /v1/attachments/{id}/file` a ticket
 * attachment, each only with the signature and expiry the blob
 * store put in the URL it handed out (like S3, no bearer token: the URL is the permission).
 */
export const MAX_UPLOAD_BYTES = 2 * 1024 ** 3;
const ROUTE = /^\/v1\/(imports|exports|attachments)\/([0-9A-HJKMNP-TV-Z]{26})\/file$/;

export function isBlobRoute(method: string, path: string): boolean {
  const m = ROUTE.exec(path);
  return !!m && ((method === 'PUT' && m[1] === 'imports') || (method === 'GET' && m[1] === 'exports') || ((method === 'PUT' || method === 'GET') && m[1] === 'attachments'));
}

export async function serveBlob(blobs: LocalBlobStore, req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, headers: Record<string, string>): Promise<void> {
  const method = req.method ?? 'GET';
  const key = path.slice('/v1/'.length);
  const ok = blobs.verify(method, key, query);
  if (!ok.ok) {
    req.resume();
    return writeResult(res, problem(403, 'Forbidden', `${ok.reason}; ask the API for a new URL.`, { instance: path }), headers);
  }
  if (method === 'PUT') {
    const size = await blobs.receive(key, req, MAX_UPLOAD_BYTES).catch((e: Error) => e);
    if (size instanceof Error) return writeResult(res, problem(413, 'Payload too large', size.message, { instance: path }), headers);
    return writeResult(res, { statusCode: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key, size }) }, headers);
  }
  const info = await blobs.head(key);
  if (!info) return writeResult(res, problem(404, 'Not found', 'The file does not exist: exports are kept 7 days, and an erasure removes those that could hold the person it erased (ask the API about the export).', { instance: path }), headers);
  res.writeHead(200, {
    ...headers,
    'content-type': key.startsWith('attachments/') ? 'application/octet-stream' : 'text/csv; charset=utf-8',
    'content-length': String(info.size),
    'content-disposition': attachment(ok.filename ?? 'export.csv'),
    'cache-control': 'no-store',
  });
  await pipeline(blobs.stream(key), res);
}
