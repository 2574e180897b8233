import type { Db } from '../../store/client';
import type { Ctx } from '../customers';
import { deliver } from '../messaging/deliver';
import { sourceStats } from '../messaging/stats';
import type { DeliveryOutcome, DeliveryRequest, SourceKind, SourceStats } from '../messaging/types';

/**
 * What campaigns use of the send pipeline (shared/usecases/messaging/types.ts): `deliver` and
 * `sourceStats`. A port, so a test can put a failing stand-in around the real pipeline (a worker
 * that crashes after the send, before recording it) without module mocking; installed per table,
 * like repoOf's repositories.
 */
export interface CampaignMessaging {
  deliver(ctx: Ctx, req: DeliveryRequest): Promise<DeliveryOutcome>;
  sourceStats(deps: { db: Db }, kind: SourceKind, id: string): Promise<SourceStats>;
}

const PIPELINE: CampaignMessaging = { deliver, sourceStats };
const installed = new WeakMap<Db, CampaignMessaging>();

export const campaignMessaging = (deps: { db: Db }): CampaignMessaging => installed.get(deps.db) ?? PIPELINE;

/** Tests: wrap or replace the pipeline for this table. */
export function installCampaignMessaging(deps: { db: Db }, port: CampaignMessaging | undefined): void {
  if (port) installed.set(deps.db, port);
  else installed.delete(deps.db);
}

/** The real pipeline (for a stand-in that wraps it). */
export const sendPipeline = (): CampaignMessaging => PIPELINE;
