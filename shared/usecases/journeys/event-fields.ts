import { DERIVED_FIELDS, type EventFields, type FieldKind } from '../../domain/journeys/events';
import { EVENT_CATALOG, EVENT_TYPES, type EventType } from '../../events/catalog';

/**
 * The events journeys listen to, and the fields of their data, read from the event catalog.
 * A journey can start, end and reach its goal on events about a customer (their data names a
 * `customerId`). Left out on purpose: the journeys' own events and the automatic message events
 * (MessageSent, MessageSkipped, MessageFailed, MessageDelivered), so journeys cannot trigger each
 * other in a loop that no customer action breaks. CustomerDeleted and CustomerMerged are consumed
 * too: they end the customer's enrollments at once.
 */
const CANDIDATES = [
  'CustomerCreated',
  'CustomerUpdated',
  'CustomerRestored',
  'CustomerTagsChanged',
  'InteractionLogged',
  'OrderPlaced',
  'OrderUpdated',
  'OrderRefunded',
  'CheckoutStarted',
  'CheckoutAbandoned',
  'SegmentEntered',
  'SegmentExited',
  'TierChanged',
  'LifecycleChanged',
  'ChurnWarningRaised',
  'TicketCreated',
  'TicketStatusChanged',
  'SurveyAnswered',
  'MessageOpened',
  'MessageClicked',
  'MessageUnsubscribed',
  'MessageBounced',
  'MessageConverted',
  'LeadConverted',
  'OpportunityWon',
  'ContractSigned',
];
/** Events that end every active enrollment of their customer (the profile is gone). */
export const CUSTOMER_GONE_EVENTS = ['CustomerDeleted', 'CustomerMerged'] as const;

type Shape = Record<string, { _zod: { def: { type: string; innerType?: { _zod: { def: { type: string } } } } } }>;

function kindOf(def: { type: string; innerType?: { _zod: { def: { type: string } } } }): FieldKind {
  const t = def.type === 'optional' && def.innerType ? def.innerType._zod.def.type : def.type;
  if (t === 'number' || t === 'int') return 'number';
  if (t === 'boolean') return 'boolean';
  if (t === 'array') return 'list';
  return 'string';
}

function fieldsOf(type: EventType): Record<string, FieldKind> | undefined {
  const shape = (EVENT_CATALOG[type].data as unknown as { shape?: Shape }).shape;
  if (!shape || !('customerId' in shape)) return undefined;
  const out: Record<string, FieldKind> = {};
  for (const [k, v] of Object.entries(shape)) out[k] = kindOf(v._zod.def);
  return { ...out, ...(DERIVED_FIELDS[type] ?? {}) };
}

/** Usable event types and their fields (catalog fields plus derived ones such as OrderPlaced.isFirstOrder). */
export const JOURNEY_EVENT_FIELDS: EventFields = Object.fromEntries(
  CANDIDATES.filter((t): t is EventType => t in EVENT_CATALOG).flatMap((t) => {
    const f = fieldsOf(t);
    return f ? [[t, f] as const] : [];
  }),
);

/** What the journey-events consumer subscribes to. */
export const JOURNEY_EVENT_TYPES: readonly EventType[] = [...(Object.keys(JOURNEY_EVENT_FIELDS) as EventType[]), ...CUSTOMER_GONE_EVENTS.filter((t) => t in EVENT_CATALOG)];

/** What a definition is checked against. */
export const checkContext = (baseCurrency: string) => ({ catalog: EVENT_TYPES as readonly string[], fields: JOURNEY_EVENT_FIELDS, baseCurrency });
