import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '../../shared/runtime/local-blob-store';
import { S3BlobStore } from '../../shared/runtime/s3-blob-store';

/**
 * `BlobStore.delete` (an erasure removes export files that can hold the person it erases): a signed
 * S3 DeleteObject, and a file removed locally; a blob that is not there is no error, so an erasure
 * retried deletes again.
 */
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token' };

function fake(answers: { status: number; body?: string }[]) {
  const calls: { url: string; method: string; headers: Record<string, string>; body?: Buffer }[] = [];
  const fetchFn = async (url: string, init: { method: string; headers: Record<string, string>; body?: Buffer }) => {
    calls.push({ url, ...init });
    const a = answers.shift() ?? { status: 500 };
    const body = Buffer.from(a.body ?? '');
    return { status: a.status, headers: { get: () => null }, arrayBuffer: async () => body.buffer.slice(body.byteOffset, body.byteOffset + body.length), text: async () => body.toString() };
  };
  return { calls, store: new S3BlobStore('bkt', 'us-east-1', credentials, fetchFn as never, 2) };
}

describe('S3', () => {
  test('delete is a signed DELETE of the object, with no body', async () => {
    const { calls, store } = fake([{ status: 204 }]);
    await store.delete('exports/01J00000000000000000000000/file');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ method: 'DELETE', url: 'https://bkt.s3.us-east-1.amazonaws.com/exports/01J00000000000000000000000/file' });
    expect(calls[0]!.body).toBeUndefined();
    expect(calls[0]!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/us-east-1\/s3\/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date;x-amz-security-token, Signature=[0-9a-f]{64}$/);
  });

  test('an object already gone is no error; a refusal names the S3 code; server errors are retried', async () => {
    const { calls, store } = fake([{ status: 404 }, { status: 403, body: '<Error><Code>AccessDenied</Code></Error>' }, { status: 503 }, { status: 204 }]);
    await expect(store.delete('exports/a/file')).resolves.toBeUndefined();
    await expect(store.delete('exports/b/file')).rejects.toThrow('S3 DELETE exports/b/file failed: 403 AccessDenied');
    await expect(store.delete('exports/c/file')).resolves.toBeUndefined();
    expect(calls.map((c) => c.method)).toEqual(['DELETE', 'DELETE', 'DELETE', 'DELETE']);
  });
});

describe('local', () => {
  const dir = mkdtempSync(join(tmpdir(), 'crm-blob-delete-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('delete removes the file; deleting again, or a key never written, is no error; a bad key is refused', async () => {
    const store = new LocalBlobStore(dir);
    const key = 'exports/01J00000000000000000000000/file';
    await store.put(key, Buffer.from('id\r\n'));
    expect(await store.head(key)).toEqual({ size: 4 });
    await store.delete(key);
    expect(await store.head(key)).toBeUndefined();
    await expect(store.delete(key)).resolves.toBeUndefined();
    await expect(store.delete('exports/01J00000000000000000000001/file')).resolves.toBeUndefined();
    await expect(store.delete('exports/../file')).rejects.toThrow('not a blob key');
  });
});
