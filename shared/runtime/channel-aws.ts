import { createHash, createHmac, type BinaryLike, type Hash, type Hmac } from 'node:crypto';
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { SignatureV4 } from '@smithy/signature-v4';

/**
 * One signed AWS API call over `fetch` for the channel adapters (SES v2, End User Messaging SMS),
 * the way ./sqs-message-queue.ts talks to SQS: the SDK's SigV4 signer (already in every bundle for
 * DynamoDB), no service client. The answer is classified for the send pipeline's crash rules:
 * a refusal (`rejected`) and throttling (`throttled`) mean nothing was sent; a 5xx, a timeout or a
 * network error is `unknown` — the provider may or may not have sent it, so it is not retried here.
 */
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

export type Credentials = ReturnType<typeof fromEnv> | { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
export type AwsFetch = (url: string, init: { method: string; headers: Record<string, string>; body: string; signal?: AbortSignal }) => Promise<{ status: number; headers: { get(name: string): string | null }; text(): Promise<string> }>;

export interface AwsCallOptions {
  credentials?: Credentials;
  fetch?: AwsFetch;
  /** Attempts when throttled (nothing sent); the first included. */
  attempts?: number;
  backoffMs?: number;
  timeoutMs?: number;
}

/** Why a provider call did not send: `rejected` and `throttled` are certain; `unknown` is not. */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly outcome: 'rejected' | 'throttled' | 'unknown',
    readonly code: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}

export interface AwsRequest {
  service: string;
  region: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

const THROTTLING = /Throttl|TooManyRequests|LimitExceeded|SendingPaused/i;

export class AwsJsonCaller {
  private readonly signers = new Map<string, SignatureV4>();
  private readonly credentials: Credentials;

  constructor(private readonly options: AwsCallOptions = {}) {
    this.credentials = options.credentials ?? fromEnv();
  }

  private signer(service: string, region: string): SignatureV4 {
    const k = `${service}:${region}`;
    let s = this.signers.get(k);
    if (!s) this.signers.set(k, (s = new SignatureV4({ service, region, credentials: this.credentials, sha256: Sha256 as never, applyChecksum: true })));
    return s;
  }

  /** Signs a request as AWS would receive it (exposed for tests of what the adapters build). */
  async sign(req: AwsRequest): Promise<Record<string, string>> {
    const url = new URL(req.url);
    const request = {
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      path: url.pathname,
      query: {},
      headers: { host: url.host, ...req.headers },
      body: req.body,
    };
    const signed = (await this.signer(req.service, req.region).sign(request as never)) as unknown as { headers: Record<string, string> };
    const { host: _host, ...headers } = signed.headers;
    return headers;
  }

  /** Sends it; the parsed JSON answer on 2xx, a ChannelError otherwise. */
  async call(req: AwsRequest, what: string): Promise<Record<string, unknown>> {
    const { fetch: fetchFn = fetch as unknown as AwsFetch, attempts = 3, backoffMs = 200, timeoutMs = 10_000 } = this.options;
    for (let attempt = 1; ; attempt++) {
      let failure: ChannelError;
      const headers = await this.sign(req);
      try {
        const res = await fetchFn(req.url, { method: 'POST', headers, body: req.body, signal: AbortSignal.timeout(timeoutMs) });
        const text = await res.text();
        if (res.status >= 200 && res.status < 300) return text ? (JSON.parse(text) as Record<string, unknown>) : {};
        failure = answerError(res.status, text, res.headers.get('x-amzn-errortype'), what);
      } catch (err) {
        const e = err as Error;
        failure = new ChannelError(`${what} failed: ${e.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : e.message}`, 'unknown', e.name === 'TimeoutError' ? 'TimeoutError' : 'NetworkingError');
      }
      if (failure.outcome !== 'throttled' || attempt >= attempts) throw failure;
      await new Promise((r) => setTimeout(r, Math.random() * backoffMs * 2 ** (attempt - 1)));
    }
  }
}

/** `{"__type": "...#Code", "message": "..."}` (JSON 1.0) or `{"message": ...}` with `x-amzn-ErrorType` (REST JSON). */
export function answerError(status: number, text: string, errorType: string | null, what: string): ChannelError {
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
  const code = (type || errorType || '').split('#').pop()?.split(':')[0] || `HTTP${status}`;
  const outcome = status === 429 || THROTTLING.test(code) ? 'throttled' : status >= 500 ? 'unknown' : 'rejected';
  return new ChannelError(`${what} failed: ${status} ${code}${message ? `: ${message}` : ''}`, outcome, code, status);
}
