import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { attachment, SAFE_BLOB_KEY, type BlobInfo, type BlobStore, type SignedUrl } from './blob-store';

/**
 * The blob store on this machine: files in a folder (`<stateDir>/blobs`), and signed URLs of the
 * local server that stand in for S3 presigned URLs. A key `imports/<id>/file` is served at
 * `<base>/v1/imports/<id>/file?expires=..&signature=..` (HMAC of method, key and expiry with a key
 * that lives only in this process), so a client does exactly what it does in AWS: PUT the bytes
 * to the URL it was given, GET the export from the URL it was given.
 */
export class LocalBlobStore implements BlobStore {
  private base = 'http://localhost';

  constructor(
    readonly root: string,
    private readonly secret: Buffer = randomBytes(32),
    private readonly now: () => number = Date.now,
  ) {}

  /** The local server's URL, known once it listens. */
  setBaseUrl(url: string): void {
    this.base = url.replace(/\/$/, '');
  }

  private path(key: string): string {
    if (!SAFE_BLOB_KEY.test(key)) throw new Error(`not a blob key: ${key}`);
    return join(this.root, ...key.split('/'));
  }

  private sign(method: string, key: string, expires: number, extra = ''): string {
    return createHmac('sha256', this.secret).update(`${method}\n${key}\n${expires}\n${extra}`).digest('base64url');
  }

  private signed(method: 'PUT' | 'GET', key: string, seconds: number, extra: Record<string, string> = {}): SignedUrl {
    this.path(key);
    const expires = Math.floor(this.now() / 1000) + seconds;
    const qs = new URLSearchParams({ ...extra, expires: String(expires), signature: this.sign(method, key, expires, extra.filename ?? '') });
    return { method, url: `${this.base}/v1/${key}?${qs}`, headers: {}, expiresAt: new Date(expires * 1000).toISOString() };
  }

  async uploadUrl(key: string, opts: { contentType: string; expiresInSeconds: number }): Promise<SignedUrl> {
    return { ...this.signed('PUT', key, opts.expiresInSeconds), headers: { 'content-type': opts.contentType } };
  }

  async downloadUrl(key: string, opts: { filename: string; expiresInSeconds: number }): Promise<SignedUrl> {
    return this.signed('GET', key, opts.expiresInSeconds, { filename: opts.filename });
  }

  /** Checks a request to a URL this store signed: the key it names, or why it is refused. */
  verify(method: string, key: string, query: URLSearchParams): { ok: true; filename?: string } | { ok: false; reason: string } {
    if (!SAFE_BLOB_KEY.test(key)) return { ok: false, reason: 'not a file this server serves' };
    const expires = Number(query.get('expires'));
    const given = Buffer.from(query.get('signature') ?? '', 'utf8');
    const filename = query.get('filename') ?? undefined;
    const want = Buffer.from(this.sign(method, key, expires, filename ?? ''), 'utf8');
    if (given.length !== want.length || !timingSafeEqual(given, want)) return { ok: false, reason: 'the URL signature is not valid' };
    if (!Number.isFinite(expires) || expires * 1000 < this.now()) return { ok: false, reason: 'the URL has expired' };
    return { ok: true, ...(filename ? { filename } : {}) };
  }

  /**
   * Deletes blobs under `prefixes` older than `maxAgeMs` (the local stand-in for the S3 lifecycle
   * rules, which expire only those prefixes); returns how many.
   */
  async sweep(maxAgeMs: number, prefixes: readonly string[]): Promise<number> {
    let removed = 0;
    const cutoff = this.now() - maxAgeMs;
    const walk = async (dir: string): Promise<void> => {
      const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else if ((await stat(p)).mtimeMs < cutoff) {
          await rm(p, { force: true });
          removed++;
        }
      }
    };
    for (const prefix of prefixes) await walk(join(this.root, ...prefix.split('/').filter((s) => s && s !== '..')));
    return removed;
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    try {
      return { size: (await stat(this.path(key))).size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
  }

  async read(key: string, start: number, length: number): Promise<Buffer> {
    const fh = await open(this.path(key), 'r');
    try {
      const buf = Buffer.alloc(length);
      const { bytesRead } = await fh.read(buf, 0, length, start);
      return buf.subarray(0, bytesRead);
    } finally {
      await fh.close();
    }
  }

  stream(key: string): Readable {
    return createReadStream(this.path(key));
  }

  async put(key: string, body: Buffer): Promise<void> {
    const file = this.path(key);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    await writeFile(tmp, body);
    await rename(tmp, file);
  }

  async delete(key: string): Promise<void> {
    await rm(this.path(key), { force: true });
  }

  /** Streams an upload to the blob; it appears whole or not at all (like an S3 PUT). */
  async receive(key: string, body: Readable, maxBytes: number): Promise<number> {
    const file = this.path(key);
    await mkdir(dirname(file), { recursive: true });
    const tmp = `${file}.${randomUUID()}.tmp`;
    let size = 0;
    body.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) body.destroy(new Error(`the upload exceeds ${maxBytes} bytes`));
    });
    try {
      await pipeline(body, createWriteStream(tmp));
      await rename(tmp, file);
      return size;
    } catch (e) {
      await rm(tmp, { force: true });
      throw e;
    }
  }
}
