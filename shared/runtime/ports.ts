import { createHash, randomUUID } from 'node:crypto';
import { encodeTime, monotonicFactory, ulid } from 'ulid';

/** Ports handed to use cases, so tests swap time and ids without module mocking. */
export interface Clock {
  now(): Date;
}

export interface Ids {
  /** Time-sortable id (ULID); pass a time to sort an entry by when it happened. */
  next(atMs?: number): string;
  uuid(): string;
}

export const systemClock: Clock = { now: () => new Date() };

export function ulidIds(): Ids {
  const mono = monotonicFactory();
  return { next: (atMs) => (atMs === undefined ? mono() : ulid(atMs)), uuid: () => randomUUID() };
}

const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A ULID whose time part is `atMs` and whose random part comes from `seed`: the same thing
 * (say, one platform order) always gets the same id, and ids still sort by time.
 */
export function stableId(atMs: number, seed: string): string {
  const bytes = createHash('sha256').update(seed).digest();
  let tail = '';
  for (let i = 0; i < 16; i++) tail += CROCKFORD[bytes[i]! % 32];
  return `${encodeTime(atMs, 10)}${tail}`;
}
