import { ValidationError, type FieldIssue } from '../../domain/errors';
import { applyTemplate, journeyTemplate, JOURNEY_TEMPLATES, type DefaultMessage } from '../../domain/journeys/templates';
import { invalid, journeyIssues } from '../../domain/journeys/validate';
import { repoOf } from '../../store/repo-of';
import { TemplatesRepo } from '../../store/templates-repo';
import type { Ctx } from '../customers';
import { checkContext } from './event-fields';
import { createMessageTemplate } from './message-templates';

/**
 * A journey from a ready-made template: the template's definition with the caller's step
 * overrides (e.g. shorter waits) and, for each message step, the message template the caller names
 * in `messages` or else a new one made from the step's default content (through the messaging
 * templates use case: validated and versioned like any other). The overrides are checked before
 * any message template is made, so a bad request leaves nothing behind.
 */
export interface TemplateChoice {
  templateId: string;
  /** Per message step id: an existing message template (and version) to use instead of the default content. */
  messages?: Record<string, { templateId: string; templateVersion?: number }>;
  /** Per step id: fields to replace (shallow). */
  overrides?: Record<string, Record<string, unknown>>;
}

export async function definitionFromTemplate(ctx: Ctx, c: TemplateChoice): Promise<unknown> {
  const t = journeyTemplate(c.templateId);
  if (!t) throw ValidationError.field('templateId', `is not a journey template (templates: ${JOURNEY_TEMPLATES.map((x) => x.id).join(', ')})`);
  const messageSteps = t.definition.steps.filter((s) => s.type === 'message').map((s) => s.id);
  const issues: FieldIssue[] = [];
  const templates = repoOf(ctx.deps, TemplatesRepo);
  for (const [k, m] of Object.entries(c.messages ?? {})) {
    if (!messageSteps.includes(k)) issues.push({ field: `messages.${k}`, message: `the template has no message step "${k}" (message steps: ${messageSteps.join(', ')})` });
    const t = await templates.get(m.templateId);
    if (!t) issues.push({ field: `messages.${k}.templateId`, message: `names no message template "${m.templateId}"` });
    else if (t.channel !== 'email') issues.push({ field: `messages.${k}.templateId`, message: `template "${m.templateId}" is a ${t.channel} template; this step sends e-mail` });
    else if (m.templateVersion !== undefined && !(await templates.version(m.templateId, m.templateVersion))) issues.push({ field: `messages.${k}.templateVersion`, message: `template "${m.templateId}" has no version ${m.templateVersion}` });
  }
  // The shape first, with a stand-in for the templates not made yet.
  const placeholder = Object.fromEntries(messageSteps.map((id) => [id, c.messages?.[id] ?? { templateId: 'pending' }]));
  const trial = applyTemplate(t, placeholder, c.overrides);
  issues.push(...trial.issues);
  const { baseCurrency } = await ctx.deps.definitions.valueConfig();
  // A problem in a step can only come from its override: name it so.
  const asOverride = (field: string) => {
    const m = /^steps\[(\d+)\]\.?(.*)$/.exec(field);
    const id = m ? trial.definition.steps[Number(m[1])]?.id : undefined;
    return id ? `overrides.${id}${m![2] ? `.${m![2]}` : ''}` : field;
  };
  issues.push(...journeyIssues(trial.definition, checkContext(baseCurrency)).map((i) => ({ field: asOverride(i.field), message: i.message })));
  if (issues.length) throw invalid(issues);
  const chosen: Record<string, { templateId: string; templateVersion?: number }> = {};
  for (const stepId of messageSteps) {
    const given = c.messages?.[stepId];
    if (given) chosen[stepId] = given;
    else {
      const d = t.messages[stepId] as DefaultMessage;
      chosen[stepId] = await createMessageTemplate(ctx, { name: d.name, description: `Made for the "${t.name}" journey template (step ${stepId}).`, subject: d.subject, html: d.html, text: d.text });
    }
  }
  return applyTemplate(t, chosen, c.overrides).definition;
}
