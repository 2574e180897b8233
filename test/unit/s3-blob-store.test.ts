import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { attachment } from '../../shared/runtime/blob-store';
import { S3BlobStore } from '../../shared/runtime/s3-blob-store';

/**
 * The S3 adapter signs with the SDK's SigV4 signer instead of shipping the S3 client: its presigned
 * URLs must be exactly those of the official presigner (a dev dependency used only here), and its
 * plain calls must be well-formed signed requests whose answers it reads right.
 */
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+with=chars' };
const at = new Date('2025-01-02T03:04:05Z');
const official = new S3Client({ region: 'eu-west-1', credentials, requestChecksumCalculation: 'WHEN_REQUIRED', responseChecksumValidation: 'WHEN_REQUIRED' });

describe('presigned URLs', () => {
  const store = new S3BlobStore('crm-prod-transfers-123456789012-eu-west-1', 'eu-west-1', credentials);

  test('PUT equals @aws-sdk/s3-request-presigner for the same key, expiry and time', async () => {
    const key = 'imports/01J00000000000000000000000/file';
    const mine = await store.presign('PUT', key, 900, {}, at);
    const theirs = await getSignedUrl(official, new PutObjectCommand({ Bucket: 'crm-prod-transfers-123456789012-eu-west-1', Key: key }), { expiresIn: 900, signingDate: at });
    expect(mine).toBe(theirs);
    expect(mine).toContain('X-Amz-Security-Token=');
  });

  test('GET with a download file name equals the official presigner too', async () => {
    const key = 'exports/01J00000000000000000000000/file';
    const disposition = attachment('customers-01J.csv');
    const mine = await store.presign('GET', key, 600, { 'response-content-disposition': disposition }, at);
    const theirs = await getSignedUrl(official, new GetObjectCommand({ Bucket: 'crm-prod-transfers-123456789012-eu-west-1', Key: key, ResponseContentDisposition: disposition }), { expiresIn: 600, signingDate: at });
    expect(mine).toBe(theirs);
  });

  test('a different secret gives a different signature (the URL is really signed)', async () => {
    const other = new S3BlobStore('b', 'eu-west-1', { ...credentials, secretAccessKey: 'another' });
    const url = (s: S3BlobStore) => s.presign('PUT', 'imports/x/file', 60, {}, at).then((u) => new URL(u).searchParams.get('X-Amz-Signature'));
    expect(await url(other)).not.toBe(await url(new S3BlobStore('b', 'eu-west-1', credentials)));
  });
});

describe('calls', () => {
  type Call = { url: string; method: string; headers: Record<string, string>; body?: Buffer };
  function fake(answers: { status: number; headers?: Record<string, string>; body?: string }[]) {
    const calls: Call[] = [];
    const fetchFn = async (url: string, init: { method: string; headers: Record<string, string>; body?: Buffer }) => {
      calls.push({ url, ...init });
      const a = answers.shift() ?? { status: 500 };
      const body = Buffer.from(a.body ?? '');
      return { status: a.status, headers: { get: (n: string) => a.headers?.[n] ?? null }, arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.length), text: async () => body.toString() };
    };
    return { calls, store: new S3BlobStore('bkt', 'us-east-1', credentials, fetchFn as never, 2) };
  }

  test('head: the size, undefined on 404, an error naming the S3 code otherwise', async () => {
    const { calls, store } = fake([{ status: 200, headers: { 'content-length': '1234' } }, { status: 404 }, { status: 403, body: '<Error><Code>AccessDenied</Code></Error>' }]);
    expect(await store.head('imports/a/file')).toEqual({ size: 1234 });
    expect(await store.head('imports/b/file')).toBeUndefined();
    await expect(store.head('imports/c/file')).rejects.toThrow('S3 HEAD imports/c/file failed: 403 AccessDenied');
    expect(calls[0]).toMatchObject({ url: 'https://bkt.s3.us-east-1.amazonaws.com/imports/a/file', method: 'HEAD' });
    expect(calls[0]!.headers).toMatchObject({ 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD', 'x-amz-security-token': credentials.sessionToken });
    expect(calls[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
    expect(calls[0]!.headers.host).toBeUndefined();
  });

  test('read asks for a signed byte range; 416 past the end is empty; server errors are retried', async () => {
    const { calls, store } = fake([{ status: 503 }, { status: 206, body: 'bcd' }, { status: 416 }]);
    expect((await store.read('imports/a/file', 1, 3)).toString()).toBe('bcd');
    expect(calls.map((c) => c.headers.range)).toEqual(['bytes=1-3', 'bytes=1-3']);
    expect(calls[1]!.headers.authorization).toContain('SignedHeaders=host;range;');
    expect((await store.read('imports/a/file', 99, 3)).length).toBe(0);
  });

  test('put sends the body with its length and type', async () => {
    const { calls, store } = fake([{ status: 200 }]);
    await store.put('exports/a/file', Buffer.from('id\r\n'), 'text/csv; charset=utf-8');
    expect(calls[0]).toMatchObject({ method: 'PUT', body: Buffer.from('id\r\n'), headers: expect.objectContaining({ 'content-length': '4', 'content-type': 'text/csv; charset=utf-8' }) });
  });
});
