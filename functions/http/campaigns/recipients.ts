import { listCampaignRecipients as contract } from '../../../shared/api/campaigns';
import { ValidationError } from '../../../shared/domain/errors';
import { httpHandler } from '../../../shared/http/handler';
import { RecipientsRepo } from '../../../shared/store/recipients-repo';
import { repoOf } from '../../../shared/store/repo-of';
import { requireCampaign } from '../../../shared/usecases/campaigns/campaigns';

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** One state's recipients, merged over the recipient shards of the state index (never a scan). */
export const handler = httpHandler(contract, async ({ params, query, deps }) => {
  if (query.cursor !== undefined && !ULID.test(query.cursor)) throw ValidationError.field('cursor', 'is not a cursor this API issued');
  await requireCampaign(deps, params.id);
  const page = await repoOf(deps, RecipientsRepo).byState(params.id, query.state, query.limit, query.cursor);
  const items = page.items.map(({ origin: _o, rev: _r, campaignId: _c, ...r }) => r);
  return { body: { items, ...(page.cursor ? { cursor: page.cursor } : {}) } };
});
