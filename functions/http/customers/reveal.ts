import { revealCustomerFields as contract } from '../../../shared/api/audit';
import { httpHandler } from '../../../shared/http/handler';
import { noteReason } from '../../../shared/runtime/audit-context';

/** Plain-text personal fields for one customer; the kernel records the reveal with its reason. */
export const handler = httpHandler(contract, async ({ params, body, deps }) => {
  const c = await deps.customers.require(params.id);
  noteReason(body.reason, body.fields);
  const fields: Record<string, string | undefined> = {};
  for (const f of body.fields) fields[f] = c[f];
  return { body: { id: c.id, fields } };
});
