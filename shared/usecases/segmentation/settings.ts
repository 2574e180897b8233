import { ConflictError, ValidationError, type FieldIssue } from '../../domain/errors';
import { lifecycleThresholds, type LifecycleThresholds } from '../../domain/models/lifecycle';
import { validateTierConfig, type TierConfig } from '../../domain/models/tiers';
import { isCurrency } from '../../domain/money';
import type { ValueConfig } from '../../domain/segmentation/definitions';
import type { Deps } from '../../runtime/deps';
import type { MessageQueue } from '../../runtime/message-queue';
import type { Job } from '../../store/jobs-repo';
import type { Ctx } from '../customers';
import { SETTINGS_SUBJECT, startRescore } from './backfill';
import { tagKey } from './bulk-tags';

/**
 * The value settings (`GET/PUT /v1/settings/value`): base currency, tiers, lifecycle thresholds
 * and the churn warning. The fitted models and RFM cuts live in the same item and are read-only
 * here (the scheduled jobs write them). A PUT sends the version it read (409 when it is stale) and
 * replaces every editable field; after a change a rescore job evaluates everyone with the new
 * settings. Changing the base currency drops the RFM cuts and the fitted model: they are amounts
 * in the old currency, and the next scheduled run computes them again.
 */
export interface ValueSettingsInput {
  version: number;
  baseCurrency: string;
  tiers?: TierConfig;
  lifecycle?: Partial<LifecycleThresholds>;
  churnWarning?: { minChurnRisk?: number; minPredictedValue?: number; minSpentMinor?: number; tag?: string };
}

/** Runs a domain validator whose errors name fields from its own root, renaming them under `prefix`. */
function under<T>(prefix: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof ValidationError)) throw e;
    const issues = e.issues.map((i) => ({ field: i.field === 'config' ? prefix : `${prefix}.${i.field}`, message: i.message }));
    throw new ValidationError(issues, `${issues[0]!.field}: ${issues[0]!.message}`);
  }
}

async function check(deps: Deps, input: ValueSettingsInput): Promise<Omit<ValueConfig, 'version' | 'rfm' | 'model'>> {
  const issues: FieldIssue[] = [];
  if (!isCurrency(input.baseCurrency)) issues.push({ field: 'baseCurrency', message: 'is not an ISO 4217 currency code' });
  const warn = input.churnWarning;
  if (warn) {
    if (warn.minPredictedValue === undefined && warn.minSpentMinor === undefined) issues.push({ field: 'churnWarning', message: 'needs minPredictedValue or minSpentMinor: who counts as valuable' });
    if (warn.tag) {
      const rule = (await deps.definitions.listTags()).find((t) => t.condition && tagKey(t.name) === tagKey(warn.tag!));
      if (rule) issues.push({ field: 'churnWarning.tag', message: `"${rule.name}" is a rule tag: its own condition sets it` });
    }
  }
  if (issues.length) throw new ValidationError(issues, `${issues[0]!.field}: ${issues[0]!.message}`);
  const tiers = input.tiers ? under('tiers', () => validateTierConfig(input.tiers!)) : undefined;
  if (input.lifecycle) under('lifecycle', () => lifecycleThresholds(input.lifecycle));
  return {
    baseCurrency: input.baseCurrency,
    ...(tiers ? { tiers } : {}),
    ...(input.lifecycle && Object.keys(input.lifecycle).length ? { lifecycle: input.lifecycle } : {}),
    ...(warn ? { churnWarning: warn } : {}),
  };
}

const editable = (c: Pick<ValueConfig, 'baseCurrency' | 'tiers' | 'lifecycle' | 'churnWarning'>) => JSON.stringify([c.baseCurrency, c.tiers ?? null, c.lifecycle ?? null, c.churnWarning ?? null]);

export async function presentValueSettings(deps: Deps, c: ValueConfig, job?: Job) {
  const rescoreId = job?.id ?? (await deps.jobs.currentJobOf(SETTINGS_SUBJECT));
  const rescore = job ?? (rescoreId ? await deps.jobs.getJob(rescoreId) : undefined);
  return {
    baseCurrency: c.baseCurrency,
    ...(c.tiers ? { tiers: { ...c.tiers, tiers: [...c.tiers.tiers] } } : {}),
    lifecycle: lifecycleThresholds(c.lifecycle),
    ...(c.churnWarning ? { churnWarning: c.churnWarning } : {}),
    ...(c.rfm ? { rfm: c.rfm } : {}),
    ...(c.model ? { model: c.model } : {}),
    version: c.version,
    ...(rescore ? { rescore: { jobId: rescore.id, status: rescore.status, links: { job: `/v1/jobs/${rescore.id}` } } } : {}),
  };
}

/** Replaces the editable settings (version-guarded) and starts a rescore when they changed. */
export async function putValueSettings(ctx: Ctx, queue: MessageQueue, input: ValueSettingsInput): Promise<{ config: ValueConfig; job?: Job }> {
  const { deps } = ctx;
  const current = await deps.definitions.valueConfig();
  if (current.version !== input.version) {
    throw new ConflictError(`The value settings are at version ${current.version}, not ${input.version}; read them again and retry.`, { currentVersion: current.version });
  }
  const fields = await check(deps, input);
  if (editable(fields) === editable(current)) return { config: current };
  const { tiers: _t, lifecycle: _l, churnWarning: _w, rfm, model, ...kept } = current;
  const sameCurrency = fields.baseCurrency === current.baseCurrency;
  const next: ValueConfig = { ...kept, ...fields, ...(sameCurrency && rfm ? { rfm } : {}), ...(sameCurrency && model ? { model } : {}), version: current.version + 1 };
  await deps.definitions.putValueConfig(next, current.version);
  const job = await startRescore(ctx, queue, next.version);
  return { config: next, job };
}
