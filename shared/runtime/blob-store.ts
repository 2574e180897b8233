/**
 * The port for files that are too big for the table or a request: import uploads and export
 * results. Clients never stream a file through a function: they PUT an upload to, and GET an
 * export from, a short-lived signed URL. In AWS that is an S3 presigned URL (./s3-blob-store.ts,
 * imported only by the functions that touch files); locally a URL of the local server signed the
 * same way, served from a folder under the state directory (./local-blob-store.ts).
 */
export interface SignedUrl {
  method: 'PUT' | 'GET';
  url: string;
  /** Headers the client should send with it. */
  headers: Record<string, string>;
  expiresAt: string;
}

export interface BlobInfo {
  size: number;
}

export interface BlobStore {
  /** A URL the client PUTs the file's bytes to. */
  uploadUrl(key: string, opts: { contentType: string; expiresInSeconds: number }): Promise<SignedUrl>;
  /** A URL the client GETs the file from, offered as a download named `filename`. */
  downloadUrl(key: string, opts: { filename: string; expiresInSeconds: number }): Promise<SignedUrl>;
  /** Size of the blob, or undefined when there is none. */
  head(key: string): Promise<BlobInfo | undefined>;
  /** Bytes `[start, start + length)`; fewer at the end of the blob, none past it. */
  read(key: string, start: number, length: number): Promise<Buffer>;
  put(key: string, body: Buffer, contentType: string): Promise<void>;
  /** Removes the blob; none there is no error (an erasure retried deletes again). */
  delete(key: string): Promise<void>;
}

/** Blob keys are `<prefix>/<id>/<name>`: no empty segments, no `..`, nothing a path could escape with. */
export const SAFE_BLOB_KEY = /^[a-z]+\/[0-9A-Za-z_-]{1,64}\/[a-z0-9._-]{1,64}$/;

/** How long an upload or download URL stays valid. */
export const SIGNED_URL_SECONDS = 15 * 60;

/** `attachment; filename="x.csv"` with the RFC 5987 form for names beyond ASCII. */
export function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}
