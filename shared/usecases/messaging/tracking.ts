import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors';
import { checkLinkToken, messagingLinkKey } from '../../domain/messaging/links';
import type { Ctx } from '../customers';
import { recordFeedback } from './feedback';

/**
 * E-mail tracking: the open pixel and the click redirect, each a signed link per message (and per
 * URL for clicks). The pixel always answers the image, whatever the token (a mail client must not
 * show a broken image); a valid one records an open. A click with a forged token or URL is refused
 * (403) rather than redirected, so the route is no open redirect.
 */
export async function trackOpen(ctx: Ctx, token: string): Promise<void> {
  const messageId = checkLinkToken(messagingLinkKey(ctx.deps.linkKey), 'open', token);
  if (!messageId) return;
  try {
    await recordFeedback(ctx, { messageId, kind: 'opened' });
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
  }
}

export async function trackClick(ctx: Ctx, token: string, url: string | undefined): Promise<string> {
  if (!url) throw ValidationError.field('u', 'is required (the link to follow)');
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    throw ValidationError.field('u', 'is not a URL');
  }
  if (target.protocol !== 'https:' && target.protocol !== 'http:') throw ValidationError.field('u', 'must be an http(s) link');
  const messageId = checkLinkToken(messagingLinkKey(ctx.deps.linkKey), 'click', token, url);
  if (!messageId) throw new ForbiddenError('This link is not valid; use the link in the message you received.');
  try {
    await recordFeedback(ctx, { messageId, kind: 'clicked', url });
  } catch (e) {
    if (!(e instanceof NotFoundError)) throw e;
  }
  return url;
}
