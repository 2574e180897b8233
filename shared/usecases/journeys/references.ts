import { segmentRefs, type Condition } from '../../domain/conditions';
import { ValidationError, type FieldIssue } from '../../domain/errors';
import { invalid, parseJourney } from '../../domain/journeys/validate';
import type { JourneyDefinition, Step } from '../../domain/journeys/types';
import type { Deps } from '../../runtime/deps';
import { JourneySecretsRepo } from '../../store/journey-secrets-repo';
import { repoOf } from '../../store/repo-of';
import { TemplatesRepo } from '../../store/templates-repo';
import { checkTagChange } from '../segmentation/bulk-tags';
import { checkContext } from './event-fields';

/**
 * A definition checked in full: the pure rules (shared/domain/journeys/validate.ts), then what it
 * names in other features — message templates and their versions (a message step without a
 * version is pinned to the template's current one, so later template edits never change it),
 * segments, tags (no rule tags), agents and groups, webhook secrets. 400 naming each problem.
 */
export async function checkDefinition(deps: Deps, input: unknown): Promise<JourneyDefinition> {
  const config = await deps.definitions.valueConfig();
  const def = structuredClone(parseJourney(input, checkContext(config.baseCurrency)));
  const issues: FieldIssue[] = [];
  await Promise.all([
    checkSegments(deps, def, issues),
    ...def.steps.map((s, i) => checkStep(deps, s, `steps[${i}]`, issues)),
  ]);
  if (issues.length) throw invalid(issues);
  return def;
}

async function checkSegments(deps: Deps, def: JourneyDefinition, issues: FieldIssue[]): Promise<void> {
  const named = new Map<string, string>();
  if (def.trigger.type === 'segment') named.set(def.trigger.segmentId, 'trigger.segmentId');
  const trees: [unknown, string][] = [
    [def.trigger.condition, 'trigger.condition'],
    [def.exit?.condition, 'exit.condition'],
    ...def.steps.map((s, i): [unknown, string] => [s.type === 'condition' ? s.condition : undefined, `steps[${i}].condition`]),
  ];
  for (const [tree, field] of trees) if (tree !== undefined) for (const id of segmentRefs(tree as Condition)) if (!named.has(id)) named.set(id, field);
  if (named.size === 0) return;
  const known = new Set((await deps.definitions.listSegments()).map((s) => s.id));
  for (const [id, field] of named) if (!known.has(id)) issues.push({ field, message: `names no segment "${id}"` });
}

async function checkStep(deps: Deps, s: Step, p: string, issues: FieldIssue[]): Promise<void> {
  switch (s.type) {
    case 'message': {
      const templates = repoOf(deps, TemplatesRepo);
      const t = await templates.get(s.templateId);
      if (!t) return void issues.push({ field: `${p}.templateId`, message: `names no message template "${s.templateId}"` });
      if (t.channel !== s.channel) return void issues.push({ field: `${p}.channel`, message: `template "${s.templateId}" is a ${t.channel} template, not ${s.channel}` });
      if (s.templateVersion === undefined) {
        if (t.status === 'archived') return void issues.push({ field: `${p}.templateId`, message: `template "${s.templateId}" is archived: pin one of its versions or choose another template` });
        s.templateVersion = t.currentVersion;
      } else if (!(await templates.version(s.templateId, s.templateVersion))) {
        issues.push({ field: `${p}.templateVersion`, message: `template "${s.templateId}" has no version ${s.templateVersion} (its current version is ${t.currentVersion})` });
      }
      return;
    }
    case 'tag':
      try {
        const change = await checkTagChange(deps, s.add ?? [], s.remove ?? []);
        if (s.add) s.add = change.add;
        if (s.remove) s.remove = change.remove;
      } catch (e) {
        if (!(e instanceof ValidationError)) throw e;
        issues.push(...e.issues.map((i) => ({ field: `${p}.${i.field}`, message: i.message })));
      }
      return;
    case 'task':
    case 'ticket': {
      if (s.assigneeId) {
        const a = await deps.agents.getAgent(s.assigneeId);
        if (!a || !a.active) issues.push({ field: `${p}.assigneeId`, message: a ? `agent ${s.assigneeId} is inactive` : `no agent ${s.assigneeId} in the directory` });
      }
      if (s.groupId && !(await deps.agents.getGroup(s.groupId))) issues.push({ field: `${p}.groupId`, message: `no group ${s.groupId}` });
      return;
    }
    case 'webhook':
      if (!(await repoOf(deps, JourneySecretsRepo).get(s.secretRef))) issues.push({ field: `${p}.secretRef`, message: `names no journey webhook secret "${s.secretRef}" (PUT /v1/journey-secrets/${s.secretRef} first)` });
      return;
    default:
      return;
  }
}
