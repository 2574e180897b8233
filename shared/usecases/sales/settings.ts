import { ConflictError, ValidationError, type FieldIssue } from '../../domain/errors';
import { assertSettings, type PipelineSettings } from '../../domain/sales/settings';
import { RuleViolation } from '../../domain/service/errors';
import { nowIso, salesRepos, type Ctx } from './common';

/**
 * The pipeline settings (pipeline:admin). Replacing them checks the rules (one won and one lost
 * stage, probabilities, durations, …), that every rep of an assignment rule is an agent of the
 * directory, and that no stage still holding open opportunities disappears.
 */
export type SettingsInput = Omit<PipelineSettings, 'version' | 'updatedAt' | 'updatedBy'>;

export async function putSettings(ctx: Ctx, input: SettingsInput, version: number): Promise<PipelineSettings> {
  assertSettings(input);
  const { settings, stats } = salesRepos(ctx.deps);
  const current = await settings.get();
  if (current.version !== version) throw new ConflictError(`The settings are at version ${current.version}, not ${version}; read them again and retry.`, { currentVersion: current.version });
  const reps = [...new Set(input.assignmentRules.flatMap((r) => r.reps))];
  const agents = await ctx.deps.agents.getAgents(reps);
  const issues: FieldIssue[] = [];
  input.assignmentRules.forEach((r, i) => r.reps.forEach((rep, j) => {
    if (!agents.get(rep)) issues.push({ field: `assignmentRules.${i}.reps.${j}`, message: `no agent ${rep} in the directory (PUT /v1/agents/${rep} first)` });
  }));
  if (issues.length) throw new ValidationError(issues);
  const removed = current.stages.filter((s) => !input.stages.some((n) => n.id === s.id));
  if (removed.length) {
    const snapshot = await stats.snapshot();
    const inUse = removed.filter((s) => (snapshot[`open|${s.id}`] ?? 0) > 0);
    if (inUse.length) throw new RuleViolation('stage-in-use', `Stage ${inUse.map((s) => s.id).join(', ')} still holds open opportunities; move them first.`, { stages: inUse.map((s) => ({ id: s.id, open: snapshot[`open|${s.id}`] })) });
  }
  const next: PipelineSettings = { ...input, version: version + 1, updatedAt: nowIso(ctx), updatedBy: ctx.actorId };
  await settings.put(next, version);
  return next;
}
