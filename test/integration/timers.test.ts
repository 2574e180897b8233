import type { Deps } from '../../shared/runtime/deps';
import type { MessageQueue, QueueName, SendOptions } from '../../shared/runtime/message-queue';
import type { Timer } from '../../shared/store/timers-repo';
import { fireTimer, setTimer, sweepTimers, type TimerHandler } from '../../shared/usecases/timers/timers';
import { testDeps } from '../support/db';
import { ctxOf } from './helpers';

class CapturingQueue implements MessageQueue {
  sent: { queue: QueueName; body: string; opts?: SendOptions }[] = [];
  async send(queue: QueueName, body: string, opts?: SendOptions) {
    this.sent.push({ queue, body, ...(opts ? { opts } : {}) });
  }
  take(): (Timer & { delay: number })[] {
    const out = this.sent.map((m) => ({ ...(JSON.parse(m.body) as Timer), delay: m.opts?.delaySeconds ?? 0 }));
    this.sent = [];
    return out;
  }
}

async function world(): Promise<{ deps: Deps; queue: CapturingQueue; at: (iso: string) => Deps }> {
  const queue = new CapturingQueue();
  const deps = await testDeps({ queue });
  return { deps, queue, at: (iso) => ({ ...deps, clock: { now: () => new Date(iso) } }) };
}

describe('timers', () => {
  it('queues a timer due within two minutes at once, delayed to its second; later ones wait for the sweep', async () => {
    const { queue, at } = await world();
    const d = at('2026-05-01T10:00:30.000Z');
    await setTimer(d, { kind: 'k', key: 'soon', dueAt: '2026-05-01T10:01:10.200Z' });
    await setTimer(d, { kind: 'k', key: 'later', dueAt: '2026-05-01T10:05:00.000Z' });
    expect(queue.take().map((t) => [t.key, t.delay])).toEqual([['soon', 41]]);
  });

  it('the sweep queues each minute once, the next minute ahead, and catches up minutes it missed', async () => {
    const { queue, at } = await world();
    const base = at('2026-05-01T10:00:00.000Z');
    await setTimer(base, { kind: 'k', key: 'a', dueAt: '2026-05-01T10:10:05.000Z' });
    await setTimer(base, { kind: 'k', key: 'b', dueAt: '2026-05-01T10:11:30.000Z' });
    await setTimer(base, { kind: 'k', key: 'c', dueAt: '2026-05-01T10:30:00.000Z' });
    queue.take();
    // First sweep at 10:10:01 sees the minutes up to 10:11: a (4 s away) and b (89 s away).
    expect(await sweepTimers(at('2026-05-01T10:10:01.000Z'))).toBe(2);
    expect(queue.take().map((t) => [t.key, t.delay])).toEqual([
      ['a', 4],
      ['b', 89],
    ]);
    // The next minute's sweep has nothing new; a sweep 25 minutes late catches up c at once.
    expect(await sweepTimers(at('2026-05-01T10:11:00.000Z'))).toBe(0);
    expect(await sweepTimers(at('2026-05-01T10:36:00.000Z'))).toBe(1);
    expect(queue.take().map((t) => [t.key, t.delay])).toEqual([['c', 0]]);
  });

  it('fires once, never early, with the handler of its kind', async () => {
    const { deps, queue, at } = await world();
    const seen: string[] = [];
    const handlers: Record<string, TimerHandler> = {
      remind: async (ctx, t) => {
        seen.push(`${t.key}@${ctx.deps.clock.now().toISOString()}`);
      },
    };
    const t: Timer = { kind: 'remind', key: 'task-1', dueAt: '2026-05-01T12:00:00.000Z', payload: { taskId: '1' } };
    await setTimer(at('2026-05-01T11:00:00.000Z'), t);
    expect(await fireTimer(ctxOf(at('2026-05-01T11:59:59.500Z')), t, handlers)).toBe('early');
    expect(queue.take().map((x) => x.delay)).toEqual([1]);
    expect(await fireTimer(ctxOf(at('2026-05-01T12:00:00.000Z')), t, handlers)).toBe('fired');
    expect(await fireTimer(ctxOf(at('2026-05-01T12:00:01.000Z')), t, handlers)).toBe('duplicate');
    expect(seen).toEqual(['task-1@2026-05-01T12:00:00.000Z']);
    // A fired timer is not queued again by a sweep of its minute.
    expect(await deps.timers.due('2026-05-01T11:59:00.000Z', '2026-05-01T12:01:00.000Z')).toEqual([]);
    await expect(fireTimer(ctxOf(deps), { ...t, kind: 'unknown' }, handlers)).rejects.toThrow(/no handler/);
  });
});
