import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SignatureV4 } from '@smithy/signature-v4';
import { MAX_MESSAGE_BYTES, queueUrlEnv } from '../../shared/runtime/message-queue';
import { SqsMessageQueue, SqsSendError, sqsEndpoint } from '../../shared/runtime/sqs-message-queue';

/**
 * The SQS adapter is a SigV4-signed `fetch` speaking the AWS JSON 1.0 protocol (no @aws-sdk/client-sqs
 * in the bundles): a local HTTP server stands in for SQS, records every request and answers from a
 * script, and the signature is checked by signing the received request again.
 */
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session/token+with=chars' };
const url = 'https://sqs.eu-west-1.amazonaws.com/123456789012/crm-test-ingest';
const md5 = (s: string) => createHash('md5').update(s, 'utf8').digest('hex');

type Received = { method: string; path: string; headers: IncomingHttpHeaders; body: string };
type Answer = { status: number; body?: unknown; headers?: Record<string, string> } | ((req: Received) => { status: number; body?: unknown; headers?: Record<string, string> });

let server: Server;
let endpoint: string;
let received: Received[] = [];
let answers: Answer[] = [];

const ok: Answer = (req) => ({ status: 200, body: { MD5OfMessageBody: md5((JSON.parse(req.body) as { MessageBody: string }).MessageBody), MessageId: 'm1' } });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: Received = { method: req.method!, path: req.url!, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      const next = answers.shift() ?? { status: 500, body: { __type: 'com.amazonaws.sqs#InternalError', message: 'script ran out' } };
      const a = typeof next === 'function' ? next(r) : next;
      res.writeHead(a.status, { 'content-type': 'application/x-amz-json-1.0', ...a.headers });
      res.end(a.body === undefined ? '' : typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => {
  received = [];
  answers = [];
});

const queue = (opts: { attempts?: number; urls?: Record<string, string>; region?: string } = {}) =>
  new SqsMessageQueue(opts.urls ?? { ingest: url }, { credentials, endpoint, attempts: opts.attempts ?? 3, backoffMs: 1, ...(opts.region ? { region: opts.region } : {}) });

/** Signs the received request again with the same date, over the headers it says it signed. */
async function expectValidSignature(r: Received, region: string): Promise<void> {
  const auth = String(r.headers.authorization);
  const signedHeaders = /SignedHeaders=([^,]+)/.exec(auth)![1]!.split(';');
  const headers = Object.fromEntries(signedHeaders.map((h) => [h, String(r.headers[h])]));
  const amzDate = String(r.headers['x-amz-date']);
  const signingDate = new Date(amzDate.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const signer = new SignatureV4({ service: 'sqs', region, credentials, sha256: Sha256 as never, applyChecksum: false });
  const [hostname] = headers.host!.split(':');
  const again = (await signer.sign({ method: r.method, protocol: 'http:', hostname, path: r.path, query: {}, headers, body: r.body } as never, { signingDate })) as unknown as { headers: Record<string, string> };
  expect(auth).toBe(again.headers.authorization);
}

class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | Uint8Array) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

describe('SqsMessageQueue', () => {
  it('POSTs a SigV4-signed AWS JSON 1.0 SendMessage with the queue URL, body and group id', async () => {
    answers = [ok];
    await queue({ region: 'us-east-1' }).send('ingest', '{"a":1}', { groupId: 'shopify:a.myshopify.com' });
    expect(received).toHaveLength(1);
    const r = received[0]!;
    expect(r.method).toBe('POST');
    expect(r.path).toBe('/');
    expect(r.headers['content-type']).toBe('application/x-amz-json-1.0');
    expect(r.headers['x-amz-target']).toBe('AmazonSQS.SendMessage');
    expect(r.headers['x-amz-security-token']).toBe(credentials.sessionToken);
    expect(JSON.parse(r.body)).toEqual({ QueueUrl: url, MessageBody: '{"a":1}', MessageGroupId: 'shopify:a.myshopify.com' });
    // Region from the queue URL's host (eu-west-1), not the fallback region (us-east-1).
    expect(r.headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/sqs\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-security-token;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    await expectValidSignature(r, 'eu-west-1');
  });

  it('leaves MessageGroupId out without a group id', async () => {
    answers = [ok];
    await queue().send('ingest', 'plain');
    expect(JSON.parse(received[0]!.body)).toEqual({ QueueUrl: url, MessageBody: 'plain' });
  });

  it('signs for the fallback region when the queue URL names none', async () => {
    answers = [ok];
    await queue({ urls: { ingest: 'http://localhost:9324/000000000000/ingest' }, region: 'ap-southeast-2' }).send('ingest', 'x');
    expect(received[0]!.headers.authorization).toContain('/ap-southeast-2/sqs/aws4_request');
  });

  it('retries a 500 and then succeeds', async () => {
    answers = [{ status: 500, body: { __type: 'com.amazonaws.sqs#InternalError', message: 'oops' } }, ok];
    await queue().send('ingest', 'x', { groupId: 'g' });
    expect(received).toHaveLength(2);
    expect(received[1]!.body).toBe(received[0]!.body);
  });

  it('retries throttling (a 400 RequestThrottled) too', async () => {
    answers = [{ status: 400, body: { __type: 'com.amazonaws.sqs#RequestThrottled', message: 'slow down' } }, { status: 400, body: { __type: 'ThrottlingException' } }, ok];
    await queue().send('ingest', 'x');
    expect(received).toHaveLength(3);
  });

  it('gives up after the attempts with an error naming the queue and the SQS error', async () => {
    answers = [500, 503, 500].map((status) => ({ status, body: { __type: 'com.amazonaws.sqs#InternalError', message: 'oops' } }));
    const err = await queue().send('ingest', 'x').catch((e: unknown) => e);
    expect(received).toHaveLength(3);
    expect(err).toBeInstanceOf(SqsSendError);
    expect((err as Error).message).toBe(`SQS SendMessage to queue ingest (${url}) failed after 3 attempts: 500 InternalError: oops`);
    expect(err).toMatchObject({ queue: 'ingest', code: 'InternalError', status: 500 });
  });

  it('does not retry a client error, and says what SQS said', async () => {
    answers = [{ status: 400, headers: { 'x-amzn-query-error': 'AWS.SimpleQueueService.NonExistentQueue;Sender' }, body: { __type: 'com.amazonaws.sqs#QueueDoesNotExist', message: 'The specified queue does not exist.' } }, ok];
    await expect(queue().send('ingest', 'x')).rejects.toThrow(`SQS SendMessage to queue ingest (${url}) failed: 400 QueueDoesNotExist: The specified queue does not exist.`);
    expect(received).toHaveLength(1);
  });

  it('names the error from the query-error header when the body has none', async () => {
    answers = [{ status: 403, headers: { 'x-amzn-query-error': 'AccessDenied;Sender' }, body: 'nope' }];
    await expect(queue().send('ingest', 'x')).rejects.toThrow(/queue ingest .* failed: 403 AccessDenied: nope$/);
    expect(received).toHaveLength(1);
  });

  it('retries network errors and surfaces the last one with the queue name', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const q = new SqsMessageQueue({ ingest: url }, { credentials, endpoint: `http://127.0.0.1:${port}/`, attempts: 2, backoffMs: 1 });
    await expect(q.send('ingest', 'x')).rejects.toThrow(/^SQS SendMessage to queue ingest .* failed after 2 attempts: fetch failed/);
  });

  it('refuses a mismatched MD5 of the body', async () => {
    answers = [{ status: 200, body: { MD5OfMessageBody: md5('other'), MessageId: 'm1' } }];
    await expect(queue().send('ingest', 'x')).rejects.toThrow('MD5');
    expect(received).toHaveLength(1);
  });

  it('refuses a message over the SQS limit without sending it', async () => {
    await expect(queue().send('ingest', 'é'.repeat(MAX_MESSAGE_BYTES / 2 + 1))).rejects.toThrow(/queue ingest .* over the 1048576-byte limit/);
    expect(received).toHaveLength(0);
  });

  it('reads queue URLs from QUEUE_URL_<NAME> and names the variable when one is missing', async () => {
    expect(queueUrlEnv('ingest')).toBe('QUEUE_URL_INGEST');
    const fromEnv = SqsMessageQueue.fromEnv({ QUEUE_URL_INGEST: url, OTHER: 'x', AWS_REGION: 'eu-west-1' });
    expect((fromEnv as unknown as { urls: unknown }).urls).toEqual({ ingest: url });
    await expect(queue({ urls: {} }).send('ingest', 'x')).rejects.toThrow('QUEUE_URL_INGEST');
    expect(received).toHaveLength(0);
  });
});

describe('sqsEndpoint', () => {
  it.each([
    ['https://sqs.eu-west-1.amazonaws.com/1/q', 'https://sqs.eu-west-1.amazonaws.com/', 'eu-west-1'],
    ['https://sqs.cn-north-1.amazonaws.com.cn/1/q', 'https://sqs.cn-north-1.amazonaws.com.cn/', 'cn-north-1'],
    ['http://localhost:9324/000000000000/q', 'http://localhost:9324/', 'us-west-2'],
  ])('%s → %s signed for %s', (queueUrl, endpoint, region) => {
    expect(sqsEndpoint(queueUrl, 'us-west-2')).toEqual({ endpoint, region });
  });
});
