import { createHash, randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { LOCAL_ACCOUNT, LOCAL_REGION } from './lambda-host';

/**
 * One consumer's queue with the semantics of an SQS queue feeding a Lambda event source mapping:
 * messages are handed to the handler in batches (up to `batchSize`, after a short batch window);
 * a message the handler reports in `batchItemFailures` (or every message of a batch whose
 * invocation throws) stays on the queue and is retried after `retryDelayMs` — the local stand-in
 * for the visibility timeout — until it has been received `maxReceiveCount` times, then it moves
 * to the queue's DLQ. `replayDeadLetters` moves DLQ messages back (like StartMessageMoveTask).
 * Nothing is dropped on a handler error. At most `concurrency` batches are in flight.
 */
export interface QueueOptions {
  name: string;
  batchSize: number;
  maxReceiveCount: number;
  retryDelayMs: number;
  batchWindowMs?: number;
  concurrency?: number;
  handler: (event: SQSEvent) => Promise<SQSBatchResponse | void | unknown>;
  onError?: (queue: string, err: unknown) => void;
}

interface Message {
  messageId: string;
  body: string;
  sentAt: number;
  firstReceiveAt?: number;
  receiveCount: number;
  visibleAt: number;
  /** Held back by the sender (a timer), not by a failed receive: not work in progress for waitForIdle. */
  scheduled?: boolean;
  inFlight: boolean;
  lastError?: string;
}

export interface DeadLetter {
  messageId: string;
  body: string;
  receiveCount: number;
  sentAt: string;
  deadAt: string;
  lastError?: string;
}

export interface QueueStats {
  name: string;
  /** Messages ever sent to the queue (replays not counted). */
  sent: number;
  visible: number;
  delayed: number;
  inFlight: number;
  dead: number;
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

export class LocalQueue {
  readonly arn: string;
  private readonly messages = new Map<string, Message>();
  private readonly dead: DeadLetter[] = [];
  private batchesInFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private stopped = false;
  private readonly running = new Set<Promise<void>>();
  /** The most recent messages sent, oldest first (for debugging and tests: what a producer queued). */
  readonly recentSent: { messageId: string; body: string; sentAt: string }[] = [];
  private sentCount = 0;
  private readonly keepRecent = 500;

  constructor(private readonly opts: QueueOptions) {
    this.arn = `arn:aws:sqs:${LOCAL_REGION}:${LOCAL_ACCOUNT}:crm-local-${opts.name}`;
  }

  get name(): string {
    return this.opts.name;
  }

  /** Queues a message; `delayMs` holds it back first (SQS DelaySeconds). */
  send(body: string, delayMs = 0): string {
    const now = Date.now();
    const messageId = randomUUID();
    this.messages.set(messageId, { messageId, body, sentAt: now, receiveCount: 0, visibleAt: now + delayMs, inFlight: false, ...(delayMs > 0 ? { scheduled: true } : {}) });
    this.sentCount++;
    this.recentSent.push({ messageId, body, sentAt: new Date(now).toISOString() });
    if (this.recentSent.length > this.keepRecent) this.recentSent.splice(0, this.recentSent.length - this.keepRecent);
    this.schedule(delayMs);
    return messageId;
  }

  stats(): QueueStats {
    const now = Date.now();
    let visible = 0;
    let delayed = 0;
    let inFlight = 0;
    for (const m of this.messages.values()) {
      if (m.inFlight) inFlight++;
      else if (m.visibleAt > now) delayed++;
      else visible++;
    }
    return { name: this.name, sent: this.sentCount, visible, delayed, inFlight, dead: this.dead.length };
  }

  /** No message waiting, delayed for a retry or in flight (the DLQ and timers not yet due do not count). */
  isIdle(): boolean {
    if (this.batchesInFlight > 0) return false;
    const now = Date.now();
    for (const m of this.messages.values()) if (!(m.scheduled && m.receiveCount === 0 && m.visibleAt > now)) return false;
    return true;
  }

  deadLetters(): DeadLetter[] {
    return this.dead.map((d) => ({ ...d }));
  }

  /** Moves every DLQ message back to the queue with a fresh receive count; returns how many. */
  replayDeadLetters(): number {
    const moved = this.dead.splice(0, this.dead.length);
    const now = Date.now();
    for (const d of moved) {
      const messageId = randomUUID();
      this.messages.set(messageId, { messageId, body: d.body, sentAt: now, receiveCount: 0, visibleAt: now, inFlight: false });
    }
    if (moved.length) this.schedule(0);
    return moved.length;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await Promise.allSettled([...this.running]);
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    const at = Date.now() + Math.max(0, delayMs);
    if (this.timer && this.timerAt <= at) return;
    clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.timerAt = Infinity;
      this.pump();
    }, Math.max(0, delayMs));
  }

  private pump(): void {
    if (this.stopped) return;
    const window = this.opts.batchWindowMs ?? 20;
    const concurrency = this.opts.concurrency ?? 2;
    while (this.batchesInFlight < concurrency) {
      const now = Date.now();
      const visible = [...this.messages.values()].filter((m) => !m.inFlight && m.visibleAt <= now);
      const oldest = visible[0];
      if (!oldest) break;
      const waited = now - Math.max(oldest.visibleAt, oldest.sentAt);
      if (visible.length < this.opts.batchSize && waited < window) {
        this.schedule(window - waited);
        return;
      }
      const batch = visible.slice(0, this.opts.batchSize);
      for (const m of batch) m.inFlight = true;
      this.batchesInFlight++;
      const run = this.deliver(batch).finally(() => {
        this.batchesInFlight--;
        this.running.delete(run);
        this.pump();
      });
      this.running.add(run);
    }
    const next = Math.min(...[...this.messages.values()].filter((m) => !m.inFlight).map((m) => m.visibleAt));
    if (Number.isFinite(next)) this.schedule(next - Date.now());
  }

  private record(m: Message): SQSRecord {
    return {
      messageId: m.messageId,
      receiptHandle: randomUUID(),
      body: m.body,
      attributes: {
        ApproximateReceiveCount: String(m.receiveCount),
        SentTimestamp: String(m.sentAt),
        SenderId: LOCAL_ACCOUNT,
        ApproximateFirstReceiveTimestamp: String(m.firstReceiveAt ?? m.sentAt),
      },
      messageAttributes: {},
      md5OfBody: md5(m.body),
      eventSource: 'aws:sqs',
      eventSourceARN: this.arn,
      awsRegion: LOCAL_REGION,
    };
  }

  private async deliver(batch: Message[]): Promise<void> {
    const now = Date.now();
    for (const m of batch) {
      m.receiveCount++;
      m.firstReceiveAt ??= now;
    }
    let failed: Set<string>;
    let error: string | undefined;
    try {
      const res = (await this.opts.handler({ Records: batch.map((m) => this.record(m)) })) as SQSBatchResponse | undefined;
      const ids = (res?.batchItemFailures ?? []).map((f) => f.itemIdentifier);
      // As in Lambda: an identifier that is empty or not in the batch fails the whole batch.
      const known = new Set(batch.map((m) => m.messageId));
      failed = ids.some((id) => !id || !known.has(id)) ? known : new Set(ids);
      if (failed.size) error = 'reported in batchItemFailures';
    } catch (err) {
      this.opts.onError?.(this.name, err);
      failed = new Set(batch.map((m) => m.messageId));
      error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    }
    const after = Date.now();
    for (const m of batch) {
      m.inFlight = false;
      if (!failed.has(m.messageId)) {
        this.messages.delete(m.messageId);
      } else if (m.receiveCount >= this.opts.maxReceiveCount) {
        this.messages.delete(m.messageId);
        this.dead.push({
          messageId: m.messageId,
          body: m.body,
          receiveCount: m.receiveCount,
          sentAt: new Date(m.sentAt).toISOString(),
          deadAt: new Date(after).toISOString(),
          ...(error ? { lastError: error } : {}),
        });
      } else {
        m.visibleAt = after + this.opts.retryDelayMs;
        if (error) m.lastError = error;
      }
    }
  }
}
