import { ValidationError } from '../../domain/errors';
import { maskEmail, maskPhone } from '../../domain/masking';
import type { Message } from '../../domain/messaging/messages';
import { MessagesRepo } from '../../store/messages-repo';
import { repoOf } from '../../store/repo-of';
import type { Ctx } from '../customers';

/** Messages as the API shows them: bookkeeping left out, the address masked without pii:read. */
export function presentMessage(m: Message, pii: boolean): Message {
  const { vars: _v, attemptAt: _a, respectQuietHours: _r, ...rest } = m as Message & { softBounces?: number };
  delete (rest as { softBounces?: number }).softBounces;
  if (pii || !m.to || m.channel === 'webhook') return rest as Message;
  return { ...rest, to: m.channel === 'email' ? maskEmail(m.to) : maskPhone(m.to) } as Message;
}

const cursorOf = (m: Message) => Buffer.from(`${m.createdAt}#${m.id}`, 'utf8').toString('base64url');

function readCursor(cursor: string | undefined): string | undefined {
  if (!cursor) return undefined;
  const s = Buffer.from(cursor, 'base64url').toString('utf8');
  if (!/^\d{4}-\d{2}-\d{2}T[\d:.]+Z#[0-9A-HJKMNP-TV-Z]{26}$/.test(s)) throw ValidationError.field('cursor', 'is not a cursor this API issued for this list');
  return s;
}

export async function listMessagesOf(ctx: Ctx, customerId: string, limit: number, cursor: string | undefined, pii: boolean): Promise<{ items: Message[]; cursor?: string }> {
  const after = readCursor(cursor);
  const page = await repoOf(ctx.deps, MessagesRepo).byCustomer(customerId, { limit: limit + 1, ...(after ? { after } : {}) });
  const items = page.items.slice(0, limit);
  const more = page.items.length > limit;
  return { items: items.map((m) => presentMessage(m, pii)), ...(more ? { cursor: cursorOf(items[items.length - 1]!) } : {}) };
}
