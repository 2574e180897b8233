import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Signed links in messages: one-click unsubscribe, the open pixel and click redirects. A token is
 * `<messageId>.<signature>`, the signature an HMAC-SHA-256 (128 bits, base64url) over what the
 * link does and the message id — and, for a click, the target URL, so the redirect cannot be
 * pointed anywhere else (no open redirect). The key is derived from the deployment's link key.
 * Tokens do not expire: an unsubscribe link must work as long as the message is in an inbox. Pure.
 */
export type LinkPurpose = 'unsubscribe' | 'open' | 'click';

export function messagingLinkKey(linkKey: Buffer): Buffer {
  return createHmac('sha256', linkKey).update('crm messaging links v1').digest();
}

function signature(key: Buffer, purpose: LinkPurpose, messageId: string, url?: string): string {
  return createHmac('sha256', key)
    .update(`${purpose}\u0000${messageId}${url === undefined ? '' : `\u0000${url}`}`)
    .digest('base64url')
    .slice(0, 22);
}

export function linkToken(key: Buffer, purpose: LinkPurpose, messageId: string, url?: string): string {
  return `${messageId}.${signature(key, purpose, messageId, url)}`;
}

const TOKEN = /^([0-9A-HJKMNP-TV-Z]{26})\.([A-Za-z0-9_-]{22})$/;

/** The message id of a valid token, or undefined when it is malformed or forged. */
export function checkLinkToken(key: Buffer, purpose: LinkPurpose, token: string, url?: string): string | undefined {
  const m = TOKEN.exec(token);
  if (!m) return undefined;
  const want = Buffer.from(signature(key, purpose, m[1]!, url));
  const got = Buffer.from(m[2]!);
  return want.length === got.length && timingSafeEqual(want, got) ? m[1] : undefined;
}

export interface MessageLinks {
  unsubscribe: string;
  openPixel: string;
  click(url: string): string;
}

export function messageLinks(key: Buffer, baseUrl: string, messageId: string): MessageLinks {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    unsubscribe: `${base}/v1/unsubscribe/${linkToken(key, 'unsubscribe', messageId)}`,
    openPixel: `${base}/v1/track/open/${linkToken(key, 'open', messageId)}`,
    click: (url) => `${base}/v1/track/click/${linkToken(key, 'click', messageId, url)}?${new URLSearchParams({ u: url })}`,
  };
}
