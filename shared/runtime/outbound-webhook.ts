import { signCrm } from '../http/webhook-signatures';

/**
 * A signed POST to a brand's endpoint (a journey's "call a webhook" step, the webhook message
 * channel for WeChat templates, app push or a brand's own gateway). The receiver checks
 * `X-CRM-Signature` exactly as our generic webhook checks its senders (docs/webhooks.md), and
 * dedups on `X-CRM-Delivery` (the caller's idempotency key): a retry after a timeout is the same
 * delivery.
 */
export interface OutboundWebhook {
  url: string;
  secret: string;
  /** Idempotency key of this delivery, sent as X-CRM-Delivery. */
  deliveryId: string;
  body: unknown;
  timeoutMs?: number;
}

export type OutboundResult = { ok: true; status: number } | { ok: false; status?: number; retryable: boolean; reason: string };

export async function postSigned(w: OutboundWebhook, nowMs: number = Date.now(), fetchImpl: typeof fetch = fetch): Promise<OutboundResult> {
  const raw = JSON.stringify(w.body);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), w.timeoutMs ?? 10_000);
  try {
    const res = await fetchImpl(w.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-crm-delivery': w.deliveryId,
        'x-crm-signature': signCrm(raw, w.secret, Math.floor(nowMs / 1000)),
        'user-agent': 'crm-backend-webhooks/1',
      },
      body: raw,
      signal: controller.signal,
      redirect: 'error',
    });
    await res.arrayBuffer().catch(() => undefined);
    if (res.ok) return { ok: true, status: res.status };
    // 408, 429 and 5xx are worth another try; any other 4xx is the receiver refusing this body.
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    return { ok: false, status: res.status, retryable, reason: `the endpoint answered ${res.status}` };
  } catch (err) {
    const aborted = (err as { name?: string }).name === 'AbortError';
    return { ok: false, retryable: true, reason: aborted ? 'the endpoint did not answer in time' : `the request failed: ${(err as Error).message}` };
  } finally {
    clearTimeout(timer);
  }
}

/** An endpoint must be https (http only to localhost, for the local runtime and tests). */
export function isAllowedWebhookUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  if (u.username || u.password) return false;
  if (u.protocol === 'https:') return true;
  return u.protocol === 'http:' && (u.hostname === 'localhost' || u.hostname === '127.0.0.1');
}
