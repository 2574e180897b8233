import type { Role } from '../../shared/domain/roles';
import { signCrm } from '../../shared/http/webhook-signatures';

/**
 * What the seed talks to: the running local stack over HTTP, as an app or a shop would (tokens
 * per role and user, signed generic webhooks), with bounded concurrency.
 */
export interface SeedTarget {
  url: string;
  /** A token for a role (and a user id: the agents and reps of the seeded brand). */
  token(role: Role, sub?: string): Promise<string>;
  /** The signing secret of the generic webhook source `default`. */
  webhookSecret: string;
  /** Runs a scheduled function now (POST /_local/schedules/{name}). */
  runSchedule(name: string): Promise<void>;
  log(message: string): void;
}

export interface Answer {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- JSON answers of many shapes
}

export class SeedApi {
  constructor(readonly t: SeedTarget) {}

  async call(method: string, path: string, opts: { body?: unknown; role?: Role; sub?: string; headers?: Record<string, string> } = {}): Promise<Answer> {
    const token = await this.t.token(opts.role ?? 'admin', opts.sub);
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.t.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(opts.body !== undefined ? { 'content-type': 'application/json' } : {}), ...opts.headers },
        ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}),
      });
      const text = await res.text();
      // A conflict from a concurrent write (a version moved under us) or a throttle: try again shortly.
      const raced = res.status === 409 && /"reason":"version"/.test(text);
      if ((res.status === 429 || res.status === 503 || raced) && attempt < 5) {
        await new Promise((r) => setTimeout(r, 200 * (attempt + 1)));
        continue;
      }
      return { status: res.status, body: text ? JSON.parse(text) : undefined };
    }
  }

  /** The call, or an error naming what failed. */
  async ok(method: string, path: string, opts: Parameters<SeedApi['call']>[2] = {}): Promise<any> { // eslint-disable-line @typescript-eslint/no-explicit-any
    const res = await this.call(method, path, opts);
    if (res.status >= 300) throw new Error(`${method} ${path} answered ${res.status}: ${JSON.stringify(res.body).slice(0, 300)}`);
    return res.body;
  }

  async webhook(envelope: Record<string, unknown>): Promise<number> {
    const body = JSON.stringify(envelope);
    for (let attempt = 0; ; attempt++) {
      const res = await fetch(`${this.t.url}/v1/webhooks/generic/default`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-crm-signature': signCrm(body, this.t.webhookSecret, Math.floor(Date.now() / 1000)) } });
      await res.text();
      if (res.status >= 500 && attempt < 3) continue;
      return res.status;
    }
  }

  /** Does the running stack have this route (features still being built may not)? */
  async hasRoute(method: string, path: string): Promise<boolean> {
    const doc = (await (await fetch(`${this.t.url}/openapi.json`)).json()) as { paths?: Record<string, Record<string, unknown>> };
    return !!doc.paths?.[path]?.[method.toLowerCase()];
  }

  /** Until every queue of the stack is empty twice in a row (GET /health). */
  async idle(timeoutMs = 600_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    let quiet = 0;
    let records = -1;
    while (quiet < 3) {
      if (Date.now() > until) throw new Error('the local stack did not go idle');
      const h = (await (await fetch(`${this.t.url}/health`)).json()) as { streamRecords?: number; queues?: { visible: number; delayed: number; inFlight: number; name: string }[] };
      // The timers queue always holds future timers (delayed): only what is due now counts; and the stream must have stopped moving.
      const busy = (h.queues ?? []).some((q) => q.visible + q.inFlight > 0) || h.streamRecords !== records;
      records = h.streamRecords ?? 0;
      quiet = busy ? 0 : quiet + 1;
      await new Promise((r) => setTimeout(r, 400));
    }
  }
}

/** Runs `fn` over `items`, `n` at a time. */
export async function pool<T>(items: readonly T[], n: number, fn: (item: T, index: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}
