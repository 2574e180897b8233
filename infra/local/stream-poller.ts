import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  DescribeStreamCommand,
  DynamoDBStreamsClient,
  GetRecordsCommand,
  GetShardIteratorCommand,
  type _Record,
  type Shard,
} from '@aws-sdk/client-dynamodb-streams';
import type { DynamoDBBatchResponse, DynamoDBRecord, DynamoDBStreamEvent } from 'aws-lambda';
import { LOCAL_CREDENTIALS } from './dynamodb-local';
import { LOCAL_REGION } from './lambda-host';
import type { DeadLetter } from './local-queue';

/**
 * Reads the table's stream like a Lambda event source mapping: every shard from TRIM_HORIZON (or
 * after the last checkpoint), parents before children, `batchSize` records per invocation. A batch
 * whose handler reports a `batchItemFailures` sequence number is retried from that record (one that
 * throws, from its first record), up to `maxRetries` times, `retryDelayMs` apart, blocking the
 * shard meanwhile; then the failed records go to the local on-failure DLQ and the shard moves on.
 */
export interface StreamPollerOptions {
  endpoint: string;
  streamArn: string;
  batchSize: number;
  maxRetries: number;
  retryDelayMs: number;
  intervalMs?: number;
  /** JSON file remembering each shard's last processed sequence number (for persisted tables). */
  checkpointFile?: string;
  /** The event source's filter criteria: records it rejects are skipped (and checkpointed). */
  filter?: (r: DynamoDBRecord) => boolean;
  /** `replay` is set when dead-lettered records are handed back (`replayDeadLetters`). */
  invoke: (event: DynamoDBStreamEvent & { replay?: boolean }) => Promise<DynamoDBBatchResponse | void | unknown>;
  onError?: (what: string, err: unknown) => void;
}

interface ShardState {
  id: string;
  parentId?: string;
  iterator?: string;
  lastSeq?: string;
  finished: boolean;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class StreamPoller {
  readonly name = 'outbox-relay';
  /** Completed poll cycles and records received so far: waitForIdle watches both. */
  cycles = 0;
  recordsSeen = 0;
  private readonly client: DynamoDBStreamsClient;
  private readonly shards = new Map<string, ShardState>();
  private readonly dead: (DeadLetter & { record: DynamoDBRecord })[] = [];
  private replays: DynamoDBRecord[][] = [];
  private timer: NodeJS.Timeout | undefined;
  private loop: Promise<void> | undefined;
  private stopped = false;

  constructor(private readonly opts: StreamPollerOptions) {
    this.client = new DynamoDBStreamsClient({ endpoint: opts.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 2 });
    for (const [id, lastSeq] of Object.entries(this.loadCheckpoints())) this.shards.set(id, { id, lastSeq, finished: false });
  }

  start(): void {
    const tick = () => {
      if (this.stopped) return;
      this.loop = this.cycle().finally(() => {
        this.cycles++;
        if (!this.stopped) this.timer = setTimeout(tick, this.opts.intervalMs ?? 100);
      });
    };
    tick();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.loop;
    this.client.destroy();
  }

  deadLetters(): DeadLetter[] {
    return this.dead.map(({ record: _r, ...d }) => ({ ...d }));
  }

  /** Hands the dead-lettered records to the relay again (on the next cycle); returns how many. */
  replayDeadLetters(): number {
    const moved = this.dead.splice(0, this.dead.length);
    if (moved.length) this.replays.push(moved.map((d) => d.record));
    return moved.length;
  }

  private async cycle(): Promise<void> {
    try {
      for (const batch of this.replays.splice(0, this.replays.length)) await this.deliver(batch, true);
      await this.refreshShards();
      for (const s of this.shards.values()) {
        const parent = s.parentId ? this.shards.get(s.parentId) : undefined;
        if (s.finished || (parent && !parent.finished)) continue;
        await this.pollShard(s);
      }
    } catch (err) {
      this.opts.onError?.('stream poll failed', err);
    }
  }

  private async refreshShards(): Promise<void> {
    const seen: Shard[] = [];
    let start: string | undefined;
    do {
      const res = await this.client.send(new DescribeStreamCommand({ StreamArn: this.opts.streamArn, ...(start ? { ExclusiveStartShardId: start } : {}) }));
      seen.push(...(res.StreamDescription?.Shards ?? []));
      start = res.StreamDescription?.LastEvaluatedShardId;
    } while (start);
    for (const sh of seen) {
      if (!sh.ShardId) continue;
      const known = this.shards.get(sh.ShardId);
      if (known) {
        if (sh.ParentShardId) known.parentId = sh.ParentShardId;
      } else {
        this.shards.set(sh.ShardId, { id: sh.ShardId, ...(sh.ParentShardId ? { parentId: sh.ParentShardId } : {}), finished: false });
      }
    }
    // A checkpointed shard the stream no longer lists was trimmed away: nothing left to read.
    const ids = new Set(seen.map((s) => s.ShardId));
    for (const s of this.shards.values()) if (!ids.has(s.id)) s.finished = true;
  }

  private async pollShard(s: ShardState): Promise<void> {
    for (;;) {
      if (this.stopped) return;
      if (!s.iterator) {
        try {
          const res = await this.client.send(
            new GetShardIteratorCommand({
              StreamArn: this.opts.streamArn,
              ShardId: s.id,
              ...(s.lastSeq ? { ShardIteratorType: 'AFTER_SEQUENCE_NUMBER', SequenceNumber: s.lastSeq } : { ShardIteratorType: 'TRIM_HORIZON' }),
            }),
          );
          s.iterator = res.ShardIterator;
        } catch (err) {
          if ((err as { name?: string }).name !== 'TrimmedDataAccessException' || !s.lastSeq) throw err;
          delete s.lastSeq; // the checkpoint fell off the stream: start from the oldest record
          continue;
        }
        if (!s.iterator) {
          s.finished = true;
          return;
        }
      }
      let res;
      try {
        res = await this.client.send(new GetRecordsCommand({ ShardIterator: s.iterator, Limit: this.opts.batchSize }));
      } catch (err) {
        delete s.iterator; // expired or invalid: the next cycle asks for a new one from the checkpoint
        throw err;
      }
      const read = (res.Records ?? []).map((r) => this.toLambdaRecord(r));
      const records = this.opts.filter ? read.filter(this.opts.filter) : read;
      if (res.NextShardIterator) s.iterator = res.NextShardIterator;
      else {
        delete s.iterator;
        s.finished = true;
      }
      if (records.length) {
        this.recordsSeen += records.length;
        await this.deliver(records);
      }
      if (read.length) {
        s.lastSeq = read[read.length - 1]!.dynamodb!.SequenceNumber!;
        this.saveCheckpoints();
      }
      if (read.length === 0 || s.finished) return;
    }
  }

  private toLambdaRecord(r: _Record): DynamoDBRecord {
    const { ApproximateCreationDateTime: at, ...dynamodb } = r.dynamodb ?? {};
    return {
      eventID: r.eventID,
      eventName: r.eventName,
      eventVersion: r.eventVersion ?? '1.1',
      eventSource: 'aws:dynamodb',
      awsRegion: r.awsRegion ?? LOCAL_REGION,
      eventSourceARN: this.opts.streamArn,
      dynamodb: { ...(dynamodb as DynamoDBRecord['dynamodb']), ...(at ? { ApproximateCreationDateTime: Math.floor(at.getTime() / 1000) } : {}) },
    } as DynamoDBRecord;
  }

  /** Reads every shard up to its end now, delivering what it finds (tests, benchmarks). */
  async drain(): Promise<void> {
    for (;;) {
      const seen = this.recordsSeen;
      await this.cycle();
      if (this.recordsSeen === seen) return;
    }
  }

  private async deliver(records: DynamoDBRecord[], replay = false): Promise<void> {
    let batch = records;
    for (let attempt = 0; ; attempt++) {
      let failedAt = -1;
      let error = 'reported in batchItemFailures';
      try {
        const res = (await this.opts.invoke({ Records: batch, ...(replay ? { replay } : {}) })) as DynamoDBBatchResponse | undefined;
        const first = res?.batchItemFailures?.[0]?.itemIdentifier;
        if (res?.batchItemFailures?.length) {
          const idx = batch.findIndex((r) => r.dynamodb?.SequenceNumber === first);
          failedAt = idx >= 0 ? idx : 0; // an unknown identifier retries the whole batch, as in Lambda
        }
      } catch (err) {
        this.opts.onError?.('outbox relay invocation failed', err);
        failedAt = 0;
        error = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
      }
      if (failedAt < 0) return;
      batch = batch.slice(failedAt);
      if (attempt >= this.opts.maxRetries || this.stopped) {
        const now = new Date().toISOString();
        for (const r of batch) {
          const body = JSON.stringify(r);
          this.dead.push({ messageId: r.dynamodb?.SequenceNumber ?? r.eventID ?? '', body, receiveCount: attempt + 1, sentAt: now, deadAt: now, lastError: error, record: r });
        }
        return;
      }
      await sleep(this.opts.retryDelayMs);
    }
  }

  private loadCheckpoints(): Record<string, string> {
    const f = this.opts.checkpointFile;
    if (!f || !existsSync(f)) return {};
    try {
      const all = JSON.parse(readFileSync(f, 'utf8')) as Record<string, Record<string, string>>;
      return all[this.opts.streamArn] ?? {};
    } catch {
      return {};
    }
  }

  private saveCheckpoints(): void {
    const f = this.opts.checkpointFile;
    if (!f) return;
    const shards: Record<string, string> = {};
    for (const s of this.shards.values()) if (s.lastSeq) shards[s.id] = s.lastSeq;
    writeFileSync(f, JSON.stringify({ [this.opts.streamArn]: shards }, null, 2));
  }
}
