import { listCampaigns as contract } from '../../../shared/api/campaigns';
import { ValidationError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { campaigns, presentCampaign } from '../../../shared/usecases/campaigns/campaigns';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

export const handler = httpHandler(contract, async ({ query, deps }) => {
  if (query.cursor !== undefined && !ULID.test(query.cursor)) throw ValidationError.field('cursor', 'is not a cursor this API issued');
  const page = await campaigns(deps).list(query.status, query.limit, query.cursor);
  return { body: { items: page.items.map((c) => presentCampaign(c)), ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
