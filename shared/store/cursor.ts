import { ValidationError } from '../domain/errors';

/**
 * Opaque pagination cursors: base64url JSON of the last evaluated key. A cursor is checked against
 * the partition it was issued for, so a forged one gets a 400, never a database error.
 */
export function encodeCursor(key: Record<string, unknown> | undefined): string | undefined {
  if (!key) return undefined;
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

export function decodeCursor(cursor: string | undefined, expect: Record<string, string>, keys: readonly string[]): Record<string, string> | undefined {
  if (cursor === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw ValidationError.field('cursor', 'is not a cursor this API issued');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw ValidationError.field('cursor', 'is not a cursor this API issued');
  const obj = parsed as Record<string, unknown>;
  const ok =
    Object.keys(obj).length === keys.length &&
    keys.every((k) => typeof obj[k] === 'string' && (obj[k] as string).length > 0 && (obj[k] as string).length < 1024) &&
    Object.entries(expect).every(([k, v]) => obj[k] === v);
  if (!ok) throw ValidationError.field('cursor', 'is not a cursor this API issued for this list');
  return obj as Record<string, string>;
}
