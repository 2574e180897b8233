import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type { RouteContract } from '../api/contract';
import { DomainError, PayloadTooLargeError, UnauthorizedError, ValidationError } from '../domain/errors';
import type { IngestSource, RawDelivery } from '../domain/ingest';
import { getDeps, type Deps } from '../runtime/deps';
import { MAX_MESSAGE_BYTES } from '../runtime/message-queue';
import { countMetric, flushMetrics, invocationLogger, type Log } from '../runtime/observability';
import { messageQueue } from '../runtime/sqs-message-queue';
import { deliverySeen } from '../store/delivery-dedup';
import { problemFromError, SECURE_HEADERS } from './problem';
import { parsedSecrets, secretsFor } from './webhook-secrets';

/**
 * The kernel of the webhook receivers (public routes: the signature is the authentication). Unlike
 * the JSON kernel (./handler.ts) it hands the handler the RAW body bytes, which is what the
 * platforms sign. Per delivery: decode the body (base64 when API Gateway says so), 413 over the
 * limit, let the route verify the signature (401, nothing stored or queued) and name the delivery,
 * then dedup (one GetItem on the marker the ingest worker writes) and queue the RawDelivery for the
 * ingest worker: 202 queued, 200 duplicate. No profile work happens on the request path.
 */
export interface WebhookRequest {
  rawBody: Buffer;
  /** A request header, by case-insensitive name. */
  header(name: string): string | undefined;
  params: Record<string, string | undefined>;
  /** The secrets that may have signed a delivery from `sourceId` (rotation: old and new). */
  secretsFor(sourceId: string): string[];
  /** The body as JSON: 400 problem when it is not (call it after the signature check). */
  json(): unknown;
  now: Date;
  correlationId: string;
  log: Log;
}

/** What the route made of a verified request: a delivery to queue, or a ping to acknowledge. */
export type Verdict = { kind: 'delivery'; sourceId: string; deliveryId: string; topic: string } | { kind: 'ping' };

export type WebhookResponse = { status: 'queued' | 'duplicate'; deliveryId: string } | { status: 'ignored' };

const MAX_ID_LENGTH = 256;

function headerOf(event: APIGatewayProxyEventV2, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [k, v] of Object.entries(event.headers ?? {})) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** The bytes the platform sent: base64-decoded when API Gateway encoded them. */
export function rawBodyOf(event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>, maxBytes: number): Buffer {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) throw new PayloadTooLargeError(maxBytes);
  return bytes;
}

function parseJson(rawBody: Buffer): unknown {
  if (rawBody.length === 0) throw ValidationError.field('body', 'is required');
  try {
    return JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw ValidationError.field('body', 'is not valid JSON');
  }
}

/** `#` separates the parts of the dedup key, so a source id may not hold one; ids are bounded. */
function checkIds(v: Extract<Verdict, { kind: 'delivery' }>): void {
  const bad = (s: string) => s.length === 0 || s.length > MAX_ID_LENGTH || /[\u0000-\u001f]/.test(s);
  if (bad(v.sourceId) || v.sourceId.includes('#')) throw ValidationError.field('source', `must be 1-${MAX_ID_LENGTH} characters without "#"`);
  if (bad(v.deliveryId)) throw ValidationError.field('deliveryId', `must be 1-${MAX_ID_LENGTH} characters`);
  if (bad(v.topic)) throw ValidationError.field('topic', `must be 1-${MAX_ID_LENGTH} characters`);
}

const answer = (status: number, body: WebhookResponse, correlationId: string): APIGatewayProxyStructuredResultV2 => ({
  statusCode: status,
  headers: { 'content-type': 'application/json', ...SECURE_HEADERS, 'x-correlation-id': correlationId },
  body: JSON.stringify(body),
});

async function loadSecrets(deps: Deps) {
  if (!deps.webhookSecrets) throw new Error('No webhook secrets configured (CRM_WEBHOOK_SECRETS_ARN, or the local runtime)');
  return parsedSecrets(await deps.webhookSecrets());
}

export function webhookHandler(contract: RouteContract, source: IngestSource, verify: (req: WebhookRequest) => Verdict) {
  const route = `${contract.method} ${contract.path}`;
  const core = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const correlationId = headerOf(event, 'x-correlation-id')?.slice(0, 128) || event.requestContext?.requestId || 'none';
    const log = invocationLogger(correlationId, { route, source });
    try {
      const deps = await getDeps();
      const rawBody = rawBodyOf(event, deps.config.maxWebhookBodyBytes);
      const secrets = await loadSecrets(deps);
      let json: { value: unknown } | undefined;
      const now = deps.clock.now();
      const verdict = verify({
        rawBody,
        header: (name) => headerOf(event, name),
        params: event.pathParameters ?? {},
        secretsFor: (sourceId) => secretsFor(secrets, source, sourceId),
        json: () => (json ??= { value: parseJson(rawBody) }).value,
        now,
        correlationId,
        log,
      });
      if (verdict.kind === 'ping') {
        log.info('webhook ping acknowledged');
        return answer(200, { status: 'ignored' }, correlationId);
      }
      checkIds(verdict);
      const { sourceId, deliveryId, topic } = verdict;
      countMetric('WebhooksReceived');
      if (await deliverySeen(deps.db, source, sourceId, deliveryId)) {
        countMetric('WebhooksDuplicate');
        log.info('duplicate webhook delivery', { sourceId, deliveryId, topic });
        return answer(200, { status: 'duplicate', deliveryId }, correlationId);
      }
      const delivery: RawDelivery = { deliveryId, source, sourceId, topic, receivedAt: now.toISOString(), body: rawBody.toString('utf8'), correlationId };
      const message = JSON.stringify(delivery);
      if (Buffer.byteLength(message, 'utf8') > MAX_MESSAGE_BYTES) throw new PayloadTooLargeError(MAX_MESSAGE_BYTES);
      await messageQueue(deps).send('ingest', message, { groupId: `${source}:${sourceId}` });
      log.info('webhook queued', { sourceId, deliveryId, topic, bytes: rawBody.length });
      return answer(202, { status: 'queued', deliveryId }, correlationId);
    } catch (err) {
      if (err instanceof DomainError) {
        countMetric('WebhooksRejected');
        countMetric(`Http${err.status}`);
        log[err instanceof UnauthorizedError ? 'warn' : 'info']('webhook refused', { status: err.status, detail: err.message });
      } else {
        countMetric('Http500');
        log.error('webhook failed', { error: err as Error });
      }
      const res = problemFromError(err, event.rawPath ?? contract.path, correlationId);
      return { ...res, headers: { ...res.headers, 'x-correlation-id': correlationId } };
    } finally {
      flushMetrics();
    }
  };
  const handler = middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>(core);
  return Object.assign(handler, { contract });
}
