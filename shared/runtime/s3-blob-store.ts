import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Deps } from './deps';
import { attachment, type BlobInfo, type BlobStore, type SignedUrl } from './blob-store';

/**
 * The blob store on S3, signed with the SDK's own SigV4 signer (`@smithy/signature-v4`, already in
 * every bundle for DynamoDB) instead of `@aws-sdk/client-s3` + `@aws-sdk/s3-request-presigner`,
 * which add about 165 KB to a bundle: presigned URLs are byte for byte those of the official
 * presigner (test/unit/s3-blob-store.test.ts compares them), and the calls a job needs (HEAD,
 * ranged GET, PUT, and DELETE for an erasure) are plain signed HTTPS requests. Virtual-hosted addressing, UNSIGNED-PAYLOAD
 * (TLS protects the body; S3 accepts it over HTTPS), SSE-KMS by the bucket's default encryption.
 */
/** The hash constructor SigV4 wants: SHA-256, or HMAC-SHA-256 when given a key (signing-key derivation). */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    const key = typeof secret === 'string' || secret === undefined ? secret : ArrayBuffer.isView(secret) ? Buffer.from(secret.buffer, secret.byteOffset, secret.byteLength) : Buffer.from(secret);
    this.hash = key === undefined ? createHash('sha256') : createHmac('sha256', key);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

interface Request {
  method: string;
  protocol: string;
  hostname: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
}

const escape = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
const encodeKey = (key: string) => key.split('/').map(escape).join('/');
const UNSIGNED = 'UNSIGNED-PAYLOAD';

type Credentials = ReturnType<typeof fromEnv>;
type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body?: Buffer }) => Promise<{ status: number; headers: { get(name: string): string | null }; arrayBuffer(): Promise<ArrayBuffer>; text(): Promise<string> }>;

export class S3BlobStore implements BlobStore {
  private readonly signer: SignatureV4;
  private readonly host: string;

  constructor(
    private readonly bucket: string,
    region: string,
    credentials: Credentials | { accessKeyId: string; secretAccessKey: string; sessionToken?: string } = fromEnv(),
    private readonly fetchFn: Fetch = fetch as unknown as Fetch,
    private readonly attempts = 3,
  ) {
    this.signer = new SignatureV4({ service: 's3', region, credentials, sha256: Sha256 as never, uriEscapePath: false, applyChecksum: false });
    this.host = `${bucket}.s3.${region}.amazonaws.com`;
  }

  /** The bucket from CRM_BLOB_BUCKET (set by CDK for the functions that touch files), the region from Lambda. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): S3BlobStore {
    if (!env.CRM_BLOB_BUCKET) throw new Error('CRM_BLOB_BUCKET is not set (does the function declare `blobs` in infra/wiring.ts?)');
    return new S3BlobStore(env.CRM_BLOB_BUCKET, env.AWS_REGION ?? 'us-east-1');
  }

  private request(method: string, key: string, query: Record<string, string> = {}, headers: Record<string, string> = {}): Request {
    return { method, protocol: 'https:', hostname: this.host, path: `/${encodeKey(key)}`, query, headers: { host: this.host, ...headers } };
  }

  private url(r: Request): string {
    const qs = Object.keys(r.query)
      .sort()
      .map((k) => `${escape(k)}=${escape(r.query[k]!)}`)
      .join('&');
    return `https://${r.hostname}${r.path}${qs ? `?${qs}` : ''}`;
  }

  /** What `getSignedUrl(new S3Client(...), new PutObjectCommand | GetObjectCommand)` gives, for the same inputs and time. */
  async presign(method: 'PUT' | 'GET', key: string, expiresIn: number, query: Record<string, string> = {}, signingDate?: Date): Promise<string> {
    const req = this.request(method, key, { ...query, 'x-id': method === 'PUT' ? 'PutObject' : 'GetObject' }, { 'X-Amz-Content-Sha256': UNSIGNED });
    const signed = (await this.signer.presign(req as never, { expiresIn, ...(signingDate ? { signingDate } : {}) })) as unknown as Request;
    return this.url(signed);
  }

  async uploadUrl(key: string, opts: { contentType: string; expiresInSeconds: number }): Promise<SignedUrl> {
    const url = await this.presign('PUT', key, opts.expiresInSeconds);
    return { method: 'PUT', url, headers: { 'content-type': opts.contentType }, expiresAt: new Date(Date.now() + opts.expiresInSeconds * 1000).toISOString() };
  }

  async downloadUrl(key: string, opts: { filename: string; expiresInSeconds: number }): Promise<SignedUrl> {
    const url = await this.presign('GET', key, opts.expiresInSeconds, { 'response-content-disposition': attachment(opts.filename) });
    return { method: 'GET', url, headers: {}, expiresAt: new Date(Date.now() + opts.expiresInSeconds * 1000).toISOString() };
  }

  private async send(method: string, key: string, headers: Record<string, string> = {}, body?: Buffer) {
    const req = this.request(method, key, {}, { 'x-amz-content-sha256': UNSIGNED, ...headers });
    for (let attempt = 1; ; attempt++) {
      const signed = (await this.signer.sign(req as never)) as unknown as Request;
      const { host: _host, ...sendHeaders } = signed.headers; // fetch sets Host from the URL
      try {
        const res = await this.fetchFn(this.url(signed), { method, headers: sendHeaders, ...(body ? { body } : {}) });
        if (res.status < 500 && res.status !== 429) return res;
        if (attempt >= this.attempts) throw new Error(`S3 ${method} ${key} answered ${res.status}`);
      } catch (e) {
        if (attempt >= this.attempts) throw e;
      }
      await new Promise((r) => setTimeout(r, 100 * 2 ** (attempt - 1)));
    }
  }

  private static async fail(res: { status: number; text(): Promise<string> }, what: string): Promise<never> {
    const text = await res.text().catch(() => '');
    const code = /<Code>([^<]+)<\/Code>/.exec(text)?.[1] ?? 'no error code';
    throw new Error(`S3 ${what} failed: ${res.status} ${code}`);
  }

  async head(key: string): Promise<BlobInfo | undefined> {
    const res = await this.send('HEAD', key);
    if (res.status === 404) return undefined;
    if (res.status !== 200) return S3BlobStore.fail(res, `HEAD ${key}`);
    return { size: Number(res.headers.get('content-length') ?? 0) };
  }

  async read(key: string, start: number, length: number): Promise<Buffer> {
    if (length <= 0) return Buffer.alloc(0);
    const res = await this.send('GET', key, { range: `bytes=${start}-${start + length - 1}` });
    if (res.status === 416) return Buffer.alloc(0); // start is past the end
    if (res.status !== 206 && res.status !== 200) return S3BlobStore.fail(res, `GET ${key}`);
    const buf = Buffer.from(await res.arrayBuffer());
    return res.status === 200 ? buf.subarray(start, start + length) : buf;
  }

  async put(key: string, body: Buffer, contentType: string): Promise<void> {
    const res = await this.send('PUT', key, { 'content-type': contentType, 'content-length': String(body.length) }, body);
    if (res.status !== 200) return S3BlobStore.fail(res, `PUT ${key}`);
  }

  /** DeleteObject: 204 whether or not the object was there (404 is taken as gone too). */
  async delete(key: string): Promise<void> {
    const res = await this.send('DELETE', key);
    if (res.status !== 204 && res.status !== 200 && res.status !== 404) return S3BlobStore.fail(res, `DELETE ${key}`);
  }
}

let fromEnvStore: S3BlobStore | undefined;

/** The blob store of these deps: the one installed (local runtime, tests) or S3 from the environment. */
export function blobStore(deps: Pick<Deps, 'blobs'>): BlobStore {
  return deps.blobs ?? (fromEnvStore ??= S3BlobStore.fromEnv());
}
