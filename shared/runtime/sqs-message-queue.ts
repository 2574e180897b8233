import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Deps } from './deps';
import { queueUrlEnv, type MessageQueue, type QueueName, type SendOptions } from './message-queue';

/**
 * The MessageQueue port on SQS: one SendMessage per message, retried with backoff on throttling,
 * server and network errors (the SDK's own retries are off so the attempts are counted here);
 * a client error (bad queue URL, message too large, access denied) fails at once.
 */
export class SqsMessageQueue implements MessageQueue {
  constructor(
    private readonly urls: Partial<Record<QueueName, string>>,
    private readonly client = new SQSClient({ maxAttempts: 1 }),
    private readonly attempts = 3,
    private readonly backoffMs = 50,
  ) {}

  /** Queue URLs from the function's environment (`QUEUE_URL_<NAME>`, set by CDK for producers only). */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): SqsMessageQueue {
    const urls: Partial<Record<QueueName, string>> = {};
    for (const [key, value] of Object.entries(env)) {
      const m = /^QUEUE_URL_([A-Z0-9_]+)$/.exec(key);
      if (m && value) urls[m[1]!.toLowerCase().replace(/_/g, '-') as QueueName] = value;
    }
    return new SqsMessageQueue(urls);
  }

  async send(queue: QueueName, body: string, opts: SendOptions = {}): Promise<void> {
    const url = this.urls[queue];
    if (!url) throw new Error(`no URL for queue ${queue}: ${queueUrlEnv(queue)} is not set (is the function a producer of it in infra/wiring.ts?)`);
    const input = { QueueUrl: url, MessageBody: body, ...(opts.groupId ? { MessageGroupId: opts.groupId } : {}) };
    for (let attempt = 1; ; attempt++) {
      try {
        await this.client.send(new SendMessageCommand(input));
        return;
      } catch (err) {
        if (attempt >= this.attempts || !retryable(err)) throw err;
        await new Promise((r) => setTimeout(r, this.backoffMs * 2 ** (attempt - 1)));
      }
    }
  }
}

function retryable(err: unknown): boolean {
  const e = err as { $fault?: string; name?: string; $retryable?: unknown; $metadata?: { httpStatusCode?: number } };
  if (e.$retryable || /Throttl|RequestThrottled|KmsThrottled/i.test(e.name ?? '')) return true;
  if (e.$fault === 'client') return false;
  return true; // server faults, timeouts and network errors
}

let fromEnv: SqsMessageQueue | undefined;

/** The queue port of these deps: the one installed (local runtime, tests) or SQS from the environment. */
export function messageQueue(deps: Pick<Deps, 'queue'>): MessageQueue {
  return deps.queue ?? (fromEnv ??= SqsMessageQueue.fromEnv());
}
