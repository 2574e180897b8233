import { createHash, createHmac, type BinaryLike, type Hash, type Hmac } from 'node:crypto';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Deps } from './deps';
import { MAX_MESSAGE_BYTES, queueUrlEnv, type MessageQueue, type QueueName, type SendOptions } from './message-queue';

/**
 * The MessageQueue port on SQS: one SendMessage per message over the AWS JSON 1.0 protocol, a plain
 * `fetch` signed with the SDK's SigV4 signer (`@smithy/signature-v4`, already in every bundle for
 * DynamoDB), the way ./s3-blob-store.ts talks to S3, instead of `@aws-sdk/client-sqs` (about 25-30 KB
 * in every bundle that sends). Like the SDK's standard retry strategy, throttling, 5xx, timeouts and
 * network errors are retried a few times with full-jitter exponential backoff; a client error (no such
 * queue, message too large, access denied) fails at once. Errors name the queue and SQS's error code.
 */
/** The hash constructor SigV4 wants: SHA-256, or HMAC-SHA-256 when given a key (the signer passes a string or a Uint8Array). */
class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: BinaryLike) {
    this.hash = secret === undefined ? createHash('sha256') : createHmac('sha256', secret);
  }
  update(data: string | Uint8Array): void {
    this.hash.update(data);
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

type Credentials = ReturnType<typeof fromEnv> | { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
type Fetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface SqsMessageQueueOptions {
  /** Signing credentials; the function's role from the environment by default (as Lambda provides them). */
  credentials?: Credentials;
  /** Signing region when the queue URL does not name one (`sqs.<region>.amazonaws.com`); AWS_REGION by default. */
  region?: string;
  /** Where to POST instead of the queue URL's SQS endpoint (tests, a local SQS stand-in). */
  endpoint?: string;
  fetch?: Fetch;
  /** Attempts per message, the first included (the SDK's standard retry mode makes 3). */
  attempts?: number;
  /** Backoff base: attempt n waits a random time up to backoffMs * 2^(n-1) (full jitter). */
  backoffMs?: number;
  /** Per-attempt timeout; a timed-out attempt is retried. */
  timeoutMs?: number;
}

/** Why a SendMessage failed: SQS's error code (`QueueDoesNotExist`, `RequestThrottled`, ...) and HTTP status when it answered. */
export class SqsSendError extends Error {
  constructor(
    message: string,
    readonly queue: QueueName,
    readonly code: string,
    readonly status: number | undefined,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SqsSendError';
  }
}

/**
 * The endpoint to POST a queue's requests to (the queue URL's own, as the SDK does) and the region to
 * sign them for: the one in a `sqs.<region>.amazonaws.com[.cn]` host (every queue CDK creates), else the fallback.
 */
export function sqsEndpoint(queueUrl: string, fallbackRegion: string): { endpoint: string; region: string } {
  const url = new URL(queueUrl);
  return { endpoint: `${url.origin}/`, region: /^sqs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/.exec(url.hostname)?.[1] ?? fallbackRegion };
}

/** SQS's throttling codes (RequestThrottled, ThrottlingException, KmsThrottled, ...), retried like 5xx. */
const THROTTLING = /Throttl|TooManyRequests/i;

export class SqsMessageQueue implements MessageQueue {
  private readonly credentials: Credentials;
  private readonly signers = new Map<string, SignatureV4>();

  constructor(
    private readonly urls: Partial<Record<QueueName, string>>,
    private readonly options: SqsMessageQueueOptions = {},
  ) {
    this.credentials = options.credentials ?? fromEnv();
  }

  /** Queue URLs from the function's environment (`QUEUE_URL_<NAME>`, set by CDK for producers only). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): SqsMessageQueue {
    const urls: Partial<Record<QueueName, string>> = {};
    for (const [key, value] of Object.entries(env)) {
      const m = /^QUEUE_URL_([A-Z0-9_]+)$/.exec(key);
      if (m && value) urls[m[1]!.toLowerCase().replace(/_/g, '-') as QueueName] = value;
    }
    return new SqsMessageQueue(urls, env.AWS_REGION ? { region: env.AWS_REGION } : {});
  }

  private signer(region: string): SignatureV4 {
    let signer = this.signers.get(region);
    if (!signer) this.signers.set(region, (signer = new SignatureV4({ service: 'sqs', region, credentials: this.credentials, sha256: Sha256 as never, applyChecksum: false })));
    return signer;
  }

  async send(queue: QueueName, body: string, opts: SendOptions = {}): Promise<void> {
    const url = this.urls[queue];
    if (!url) throw new Error(`no URL for queue ${queue}: ${queueUrlEnv(queue)} is not set (is the function a producer of it in infra/wiring.ts?)`);
    const what = `SQS SendMessage to queue ${queue} (${url})`;
    const bytes = Buffer.byteLength(body, 'utf8');
    if (bytes > MAX_MESSAGE_BYTES) throw new SqsSendError(`${what} refused: the message is ${bytes} bytes, over the ${MAX_MESSAGE_BYTES}-byte limit`, queue, 'MessageTooLong', undefined, false);

    const { fetch: fetchFn = fetch as unknown as Fetch, attempts = 3, backoffMs = 100, timeoutMs = 10_000 } = this.options;
    const derived = sqsEndpoint(url, this.options.region ?? process.env.AWS_REGION ?? 'us-east-1');
    const endpoint = new URL(this.options.endpoint ?? derived.endpoint);
    const payload = JSON.stringify({ QueueUrl: url, MessageBody: body, ...(opts.groupId ? { MessageGroupId: opts.groupId } : {}), ...(opts.delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.round(opts.delaySeconds))) } : {}) });
    const request = {
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      path: endpoint.pathname,
      query: {},
      headers: { host: endpoint.host, 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AmazonSQS.SendMessage' },
      body: payload,
    };

    for (let attempt = 1; ; attempt++) {
      let failure: SqsSendError;
      const signed = (await this.signer(derived.region).sign(request as never)) as unknown as { headers: Record<string, string> }; // signed per attempt: a fresh date
      const { host: _host, ...headers } = signed.headers; // fetch sets Host from the URL
      try {
        const res = await fetchFn(endpoint.href, { method: 'POST', headers, body: payload, signal: AbortSignal.timeout(timeoutMs) });
        const text = await res.text();
        if (res.status >= 200 && res.status < 300) {
          checkMd5(text, body, what, queue);
          return;
        }
        failure = answerError(res.status, text, res.headers.get('x-amzn-query-error'), what, queue);
      } catch (err) {
        if (err instanceof SqsSendError) throw err;
        const e = err as Error & { cause?: { code?: string } };
        const detail = e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${e.message}${e.cause?.code ? ` (${e.cause.code})` : ''}`;
        failure = new SqsSendError(`${what} failed: ${detail}`, queue, e.name === 'TimeoutError' ? 'TimeoutError' : 'NetworkingError', undefined, true, { cause: err });
      }
      if (!failure.retryable) throw failure;
      if (attempt >= attempts) {
        failure.message = failure.message.replace(' failed: ', ` failed after ${attempt} attempts: `);
        throw failure;
      }
      await new Promise((r) => setTimeout(r, Math.random() * backoffMs * 2 ** (attempt - 1)));
    }
  }
}

/** The error of a non-2xx answer: `{"__type":"com.amazonaws.sqs#QueueDoesNotExist","message":"..."}` (or the query-error header). */
function answerError(status: number, text: string, queryError: string | null, what: string, queue: QueueName): SqsSendError {
  let type = '';
  let message = '';
  try {
    const json = JSON.parse(text) as { __type?: unknown; message?: unknown; Message?: unknown };
    if (typeof json.__type === 'string') type = json.__type;
    const m = json.message ?? json.Message;
    if (typeof m === 'string') message = m;
  } catch {
    message = text.slice(0, 200);
  }
  const code = type.split('#').pop() || queryError?.split(';')[0] || `HTTP${status}`;
  const retryable = status >= 500 || status === 429 || THROTTLING.test(code) || THROTTLING.test(queryError ?? '');
  return new SqsSendError(`${what} failed: ${status} ${code}${message ? `: ${message}` : ''}`, queue, code, status, retryable);
}

/** SQS answers the MD5 of the body it stored; the SDK checks it, so do we. */
function checkMd5(text: string, body: string, what: string, queue: QueueName): void {
  let md5: unknown;
  try {
    md5 = (JSON.parse(text) as { MD5OfMessageBody?: unknown }).MD5OfMessageBody;
  } catch {
    return;
  }
  if (typeof md5 === 'string' && md5 !== createHash('md5').update(body, 'utf8').digest('hex')) {
    throw new SqsSendError(`${what} failed: MD5 of the stored message body does not match what was sent`, queue, 'InvalidChecksum', undefined, false);
  }
}

let fromEnvQueue: SqsMessageQueue | undefined;

/** The queue port of these deps: the one installed (local runtime, tests) or SQS from the environment. */
export function messageQueue(deps: Pick<Deps, 'queue'>): MessageQueue {
  return deps.queue ?? (fromEnvQueue ??= SqsMessageQueue.fromEnv());
}
