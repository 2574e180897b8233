import { ValidationError } from '../errors';

/** UTC day arithmetic shared by the models. */
export const DAY_MS = 86_400_000;

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** Milliseconds of an ISO 8601 instant (or a YYYY-MM-DD day, taken at 00:00 UTC); ValidationError naming `field` otherwise. */
export function instantMs(value: string, field: string): number {
  const ms = typeof value === 'string' ? Date.parse(DAY.test(value) ? `${value}T00:00:00Z` : value) : NaN;
  if (Number.isNaN(ms)) throw ValidationError.field(field, `must be an ISO 8601 instant or a YYYY-MM-DD day, got ${JSON.stringify(value)}`);
  return ms;
}

/** The UTC day (YYYY-MM-DD) of an instant or day. */
export function utcDay(value: string, field: string): string {
  return new Date(instantMs(value, field)).toISOString().slice(0, 10);
}

/** Whole days since 1970-01-01 of a UTC day or instant (the day it falls on). */
export function dayNumber(value: string, field: string): number {
  return Math.floor(instantMs(value, field) / DAY_MS);
}

export const isoAt = (ms: number): string => new Date(ms).toISOString();
