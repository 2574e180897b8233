import { listJourneyTemplates as contract } from '../../../shared/api/journeys';
import { JOURNEY_TEMPLATES } from '../../../shared/domain/journeys/templates';
import { httpHandler } from '../../../shared/http/handler';

export const handler = httpHandler(contract, async () => ({ body: { items: JOURNEY_TEMPLATES.map((t) => ({ id: t.id, name: t.name, description: t.description, definition: t.definition as unknown as Record<string, unknown>, messages: t.messages })) } }));
