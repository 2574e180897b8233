import middy from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { smsInbound as contract } from '../../../shared/api/messaging';
import { DomainError, UnauthorizedError, ValidationError } from '../../../shared/domain/errors';
import { problemFromError, SECURE_HEADERS } from '../../../shared/http/problem';
import { rawBodyOf } from '../../../shared/http/webhook-handler';
import { verifyCrmSignature } from '../../../shared/http/webhook-signatures';
import { getDeps } from '../../../shared/runtime/deps';
import { channelWebhookSecrets } from '../../../shared/runtime/messaging';
import { countMetric, flushMetrics, invocationLogger } from '../../../shared/runtime/observability';
import { inboundSms } from '../../../shared/usecases/messaging/unsubscribe';

/**
 * Replies to our texts from an SMS gateway (public; the signature is the authentication): a JSON
 * body `{ "from": "+86…", "text": "TD", "receivedAt"?: ISO }` signed like the generic webhook
 * (`X-CRM-Signature: t=…,v1=…`, docs/webhooks.md) with the webhook channel's secret — the one the
 * gateway already checks our outbound messages with. No secret configured: every request is 401.
 * STOP-like words opt the number out, START opts it back in, anything else goes on the timeline.
 * (In AWS, End User Messaging's two-way SMS reaches the same use case through the feedback queue.)
 */
const SOURCE = 'sms-inbound';
const secrets = channelWebhookSecrets();

const header = (event: APIGatewayProxyEventV2, name: string) => Object.entries(event.headers ?? {}).find(([k]) => k.toLowerCase() === name)?.[1];

const core = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  const correlationId = header(event, 'x-correlation-id')?.slice(0, 128) || event.requestContext?.requestId || 'none';
  const log = invocationLogger(correlationId, { route: `${contract.method} ${contract.path}` });
  try {
    const deps = await getDeps();
    const raw = rawBodyOf(event, 64 * 1024);
    const check = verifyCrmSignature(raw, header(event, 'x-crm-signature'), await secrets(), deps.clock.now().getTime());
    if (!check.ok) throw new UnauthorizedError(`The X-CRM-Signature was refused: ${check.reason}.`);
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(raw.toString('utf8')) as Record<string, unknown>;
    } catch {
      throw ValidationError.field('body', 'is not valid JSON');
    }
    const issues = [
      ...(typeof body.from === 'string' && body.from.trim() ? [] : [{ field: 'from', message: 'must be the sender’s phone number' }]),
      ...(typeof body.text === 'string' ? [] : [{ field: 'text', message: 'must be the text of the reply' }]),
      ...(body.receivedAt === undefined || (typeof body.receivedAt === 'string' && !Number.isNaN(Date.parse(body.receivedAt))) ? [] : [{ field: 'receivedAt', message: 'must be an ISO-8601 time' }]),
    ];
    if (issues.length) throw new ValidationError(issues);
    const r = await inboundSms({ deps, correlationId, actorId: `system:${SOURCE}` }, { from: body.from as string, body: body.text as string, ...(body.receivedAt ? { receivedAt: new Date(body.receivedAt as string).toISOString() } : {}) });
    countMetric(`InboundSms_${r.action}`);
    log.info('inbound sms', { action: r.action });
    return { statusCode: 200, headers: { 'content-type': 'application/json', ...SECURE_HEADERS, 'x-correlation-id': correlationId }, body: JSON.stringify(r) };
  } catch (err) {
    if (err instanceof DomainError) log.info('inbound sms refused', { status: err.status, detail: err.message });
    else log.error('inbound sms failed', { error: err as Error });
    const res = problemFromError(err, event.rawPath ?? contract.path, correlationId);
    return { ...res, headers: { ...res.headers, 'x-correlation-id': correlationId } };
  } finally {
    flushMetrics();
  }
};

export const handler = Object.assign(middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Error, Context>(core), { contract });
