import * as z from 'zod/mini';
import { EVENT_CATALOG, isEventType, type EventData, type EventType } from './catalog';

/** `{ id, type, version, occurredAt, source, subject, correlationId, data }`, validated at publish and consume. */
export const EVENT_SOURCE = 'crm';

export const envelopeSchema = z.object({
  id: z.string().check(z.minLength(1)),
  type: z.string().check(z.refine(isEventType, 'unknown event type')),
  version: z.int().check(z.positive()),
  occurredAt: z.iso.datetime(),
  source: z.string(),
  subject: z.string(),
  correlationId: z.string(),
  data: z.record(z.string(), z.unknown()),
});

export interface EventEnvelope<T extends EventType = EventType> {
  id: string;
  type: T;
  version: number;
  occurredAt: string;
  source: string;
  subject: string;
  correlationId: string;
  data: EventData<T>;
}

export function makeEvent<T extends EventType>(
  type: T,
  data: EventData<T>,
  ctx: { id: string; occurredAt: string; correlationId: string; subject?: string },
): EventEnvelope<T> {
  const parsed = EVENT_CATALOG[type].data.parse(data) as EventData<T>;
  return {
    id: ctx.id,
    type,
    version: EVENT_CATALOG[type].version,
    occurredAt: ctx.occurredAt,
    source: EVENT_SOURCE,
    subject: ctx.subject ?? ((data as { customerId?: string }).customerId ?? ''),
    correlationId: ctx.correlationId,
    data: parsed,
  };
}

/** Parses and validates an envelope received by a consumer; throws on anything malformed. */
export function parseEvent(raw: unknown): EventEnvelope {
  const env = envelopeSchema.parse(raw);
  const type = env.type as EventType;
  const data = EVENT_CATALOG[type].data.parse(env.data);
  return { ...env, type, data } as EventEnvelope;
}
