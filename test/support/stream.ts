import { StreamPoller } from '../../infra/local/stream-poller';
import { streamRecordMatches, WIRING } from '../../infra/wiring';
import { handler as relay } from '../../functions/workers/outbox-relay';
import { setDeps, type Deps } from '../../shared/runtime/deps';

/**
 * Runs the table stream through the real relay, as the local stack and Lambda do: the order
 * projection (aggregates, order events) and the outbox. One poller per table, kept between calls
 * so each record is delivered once (its checkpoint moves on), as in production.
 */
const pollers = new Map<string, StreamPoller>();

export async function drainStream(deps: Deps & { db: { endpoint?: string; streamArn?: string } }): Promise<void> {
  const { endpoint, streamArn } = deps.db;
  if (!endpoint || !streamArn) throw new Error('drainStream needs deps from testDeps() (a table with a stream)');
  const spec = WIRING.find((f) => f.stream)!;
  let poller = pollers.get(streamArn);
  if (!poller) {
    poller = new StreamPoller({
      endpoint,
      streamArn,
      batchSize: spec.stream!.batchSize,
      maxRetries: 0,
      retryDelayMs: 0,
      filter: (r) => streamRecordMatches(spec.stream!.filters, r),
      invoke: async (event) => {
        setDeps(deps);
        return relay(event);
      },
      onError: (what, err) => {
        throw Object.assign(new Error(`${what}: ${(err as Error).message}`), { cause: err });
      },
    });
    pollers.set(streamArn, poller);
  }
  await poller.drain();
  const dead = poller.deadLetters();
  if (dead.length) throw new Error(`the relay failed on ${dead.length} stream record(s): ${dead[0]!.lastError}`);
}
