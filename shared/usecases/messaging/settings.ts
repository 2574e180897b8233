import { ValidationError } from '../../domain/errors';
import { settingsIssues, type MessagingSettings } from '../../domain/messaging/settings';
import { MessagingSettingsRepo } from '../../store/messaging-settings-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';

/** `GET/PUT /v1/messaging/settings`: the whole document, replaced under the version read (0 before the first save). */
export const getMessagingSettings = (ctx: Ctx) => repoOf(ctx.deps, MessagingSettingsRepo).get();

export async function putMessagingSettings(ctx: Ctx, input: Omit<MessagingSettings, 'updatedAt' | 'updatedBy'>): Promise<MessagingSettings> {
  const { version, ...rest } = input;
  const issues = settingsIssues(rest);
  if (issues.length) throw new ValidationError(issues, `The messaging settings are invalid: ${issues.map((i) => `${i.field} ${i.message}`).join('; ')}`);
  const next: MessagingSettings = { ...rest, version: version + 1, updatedAt: ctx.deps.clock.now().toISOString(), updatedBy: ctx.actorId };
  await repoOf(ctx.deps, MessagingSettingsRepo).put(next, version);
  return next;
}
