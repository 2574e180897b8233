import { parseCondition, type Condition } from '../../domain/conditions';
import type { Customer } from '../../domain/customer';
import { ConflictError, NotFoundError, ValidationError, type FieldIssue } from '../../domain/errors';
import type { TagCategory, TagDef } from '../../domain/segmentation/definitions';
import type { Deps } from '../../runtime/deps';
import type { MessageQueue } from '../../runtime/message-queue';
import { countMetric } from '../../runtime/observability';
import type { Job } from '../../store/jobs-repo';
import { changeTags, type Ctx } from '../customers';
import { startTagBackfill } from './backfill';
import { checkTagChange, startBulkTags, tagKey as key } from './bulk-tags';
import { segmentLeaves } from './segments';

/**
 * The tag catalog (标签): tags with a category and a description, and rule tags, whose condition
 * the engine applies and removes by itself. Names are unique ignoring case ("VIP" and "vip" are one
 * tag); a name is not renamed (it is what profiles carry). A new or changed rule is backfilled over
 * everyone; deleting a rule stops it, and with `removeFromCustomers` a bulk job takes the tag off.
 */
export interface TagInput {
  name: string;
  category: TagCategory;
  description?: string;
  condition?: unknown;
}

export interface TagPatch {
  version: number;
  category?: TagCategory;
  description?: string | null;
  /** `null` turns a rule tag into a manual one. */
  condition?: unknown;
}

/**
 * A rule's condition: the grammar, and no segment leaves (rule tags are applied before segment
 * membership is computed, and segments may test tags, so a tag cannot depend on a segment).
 */
async function checkRule(deps: Deps, input: unknown): Promise<Condition> {
  const config = await deps.definitions.valueConfig();
  const tree = parseCondition(input, { root: 'condition', baseCurrency: config.baseCurrency });
  const issues: FieldIssue[] = segmentLeaves(tree, 'condition').map((l) => ({
    field: `${l.path}.kind`,
    message: 'a rule tag cannot test segment membership (tags are applied before segments are computed; a segment may test the tag instead)',
  }));
  if (issues.length) throw new ValidationError(issues, `${issues[0]!.field}: ${issues[0]!.message}`);
  return tree;
}

/** The catalog tag of this name, ignoring case. */
export async function findTag(deps: Deps, name: string): Promise<TagDef | undefined> {
  const exact = await deps.definitions.getTag(name);
  if (exact) return exact;
  return (await deps.definitions.listTags()).find((t) => key(t.name) === key(name));
}

export async function requireTag(deps: Deps, name: string): Promise<TagDef> {
  const t = await findTag(deps, name);
  if (!t) throw new NotFoundError('Tag', name);
  return t;
}

/**
 * Creates a tag; a rule tag's backfill starts at once. Case-insensitive uniqueness holds under
 * races too: the tag is written (unique by its exact name), then the catalog is read again, and a
 * tag that finds another of the same name ignoring case withdraws itself (409): two racing creates
 * never both stay, at worst both are refused.
 */
export async function createTag(ctx: Ctx, queue: MessageQueue, input: TagInput): Promise<{ tag: TagDef; job?: Job }> {
  const { deps } = ctx;
  const name = input.name.trim();
  const clash = async () => (await deps.definitions.listTags()).find((t) => key(t.name) === key(name) && t.name !== name);
  const existing = await clash();
  if (existing) throw new ConflictError(`A tag named "${existing.name}" exists already (names are unique ignoring case).`, { existing: existing.name });
  const condition = input.condition === undefined ? undefined : await checkRule(deps, input.condition);
  const now = deps.clock.now().toISOString();
  const tag: TagDef = { name, category: input.category, ...(input.description ? { description: input.description } : {}), ...(condition ? { condition } : {}), version: 1, createdAt: now, updatedAt: now };
  await deps.definitions.putTag(tag).catch((e: unknown) => {
    throw e instanceof ConflictError ? new ConflictError(`A tag named "${name}" exists already.`, { existing: name }) : e;
  });
  const other = await clash();
  if (other) {
    await deps.definitions.deleteTag(name);
    throw new ConflictError(`A tag named "${other.name}" exists already (names are unique ignoring case).`, { existing: other.name });
  }
  countMetric('TagsCreated');
  const job = condition ? await startTagBackfill(ctx, queue, tag) : undefined;
  return { tag, ...(job ? { job } : {}) };
}

/** Edits a tag read at `patch.version` (409 otherwise); a new or changed rule is backfilled. */
export async function updateTag(ctx: Ctx, queue: MessageQueue, name: string, patch: TagPatch): Promise<{ tag: TagDef; job?: Job }> {
  const { deps } = ctx;
  const current = await requireTag(deps, name);
  if (current.version !== patch.version) {
    throw new ConflictError(`The tag is at version ${current.version}, not ${patch.version}; read it again and retry.`, { currentVersion: current.version });
  }
  const next: TagDef = { ...current };
  if (patch.category !== undefined) next.category = patch.category;
  if (patch.description === null) delete next.description;
  else if (patch.description !== undefined) next.description = patch.description;
  if (patch.condition === null) delete next.condition;
  else if (patch.condition !== undefined) next.condition = await checkRule(deps, patch.condition);
  const ruleChanged = JSON.stringify(next.condition) !== JSON.stringify(current.condition);
  if (!ruleChanged && next.category === current.category && next.description === current.description) return { tag: current };
  next.version = current.version + 1;
  next.updatedAt = deps.clock.now().toISOString();
  await deps.definitions.putTag(next, current.version);
  // A rule that changed is backfilled; one that was dropped stops (the tags it set stay, now manual).
  const job = ruleChanged && next.condition ? await startTagBackfill(ctx, queue, next) : undefined;
  return { tag: next, ...(job ? { job } : {}) };
}

/**
 * Deletes a tag from the catalog: its rule stops and the tag stays on profiles, unless
 * `removeFromCustomers`, which starts a bulk job taking it off everyone who has it.
 */
export async function deleteTag(ctx: Ctx, queue: MessageQueue, name: string, removeFromCustomers: boolean): Promise<{ tag: TagDef; job?: Job }> {
  const { deps } = ctx;
  const tag = await requireTag(deps, name);
  await deps.definitions.deleteTag(tag.name);
  countMetric('TagsDeleted');
  if (!removeFromCustomers) return { tag };
  const job = await startBulkTags(ctx, queue, { add: [], remove: [tag.name], target: { tag: tag.name } });
  return { tag, job };
}

/** The catalog, by name, optionally of one category; the cursor is the last name. */
export async function listTags(deps: Deps, opts: { category?: TagCategory; limit: number; after?: string }): Promise<{ items: TagDef[]; cursor?: string }> {
  const all = (await deps.definitions.listTags())
    .filter((t) => !opts.category || t.category === opts.category)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .filter((t) => opts.after === undefined || t.name > opts.after);
  const items = all.slice(0, opts.limit);
  return { items, ...(all.length > opts.limit ? { cursor: items[items.length - 1]!.name } : {}) };
}

export function presentTag(t: TagDef, members?: number) {
  return {
    name: t.name,
    category: t.category,
    ...(t.description ? { description: t.description } : {}),
    rule: !!t.condition,
    ...(t.condition ? { condition: t.condition as unknown as Record<string, unknown> } : {}),
    version: t.version,
    createdAt: t.createdAt,
    updatedAt: t.updatedAt,
    ...(members !== undefined ? { members } : {}),
    links: { self: `/v1/tags/${encodeURIComponent(t.name)}` },
  };
}

/** `POST /v1/customers/{id}/tags`: one customer's manual tags. */
export async function changeCustomerTags(ctx: Ctx, id: string, add: readonly string[], remove: readonly string[]): Promise<Customer> {
  const change = await checkTagChange(ctx.deps, add, remove);
  return (await changeTags(ctx, id, change.add, change.remove)).customer;
}
