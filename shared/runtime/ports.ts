import { randomUUID } from 'node:crypto';
import { monotonicFactory, ulid } from 'ulid';

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
