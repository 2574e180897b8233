import { makeEvent, parseEvent } from '../../shared/events/envelope';
import { decodeCursor, encodeCursor } from '../../shared/store/cursor';
import { LIST_SHARDS, listShard } from '../../shared/store/keys';
import { ValidationError } from '../../shared/domain/errors';

const ctx = { id: 'E1', occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'c-1' };

describe('event envelope', () => {
  it('builds a valid envelope with version, subject and correlation id, and parses it back', () => {
    const e = makeEvent('CustomerUpdated', { customerId: 'C1', changed: ['name'] }, ctx);
    expect(e).toMatchObject({ type: 'CustomerUpdated', version: 1, subject: 'C1', correlationId: 'c-1', source: 'crm' });
    expect(parseEvent(JSON.parse(JSON.stringify(e)))).toEqual(e);
  });
  it('refuses data that does not match the catalog, and unknown types', () => {
    expect(() => makeEvent('CustomerUpdated', { customerId: 'C1' } as never, ctx)).toThrow();
    expect(() => parseEvent({ ...makeEvent('CustomerRestored', { customerId: 'C1' }, ctx), type: 'Nope' })).toThrow();
    expect(() => parseEvent({ ...makeEvent('CustomerRestored', { customerId: 'C1' }, ctx), data: {} })).toThrow();
  });
});

describe('cursors', () => {
  const key = { PK: 'P1', SK: 'S1' };
  it('round-trips a key for the same partition', () => {
    expect(decodeCursor(encodeCursor(key), { PK: 'P1' }, ['PK', 'SK'])).toEqual(key);
  });
  it.each([
    ['garbage', 'not base64 json'],
    [Buffer.from('[1,2]').toString('base64url'), 'an array'],
    [encodeCursor({ PK: 'P2', SK: 'S1' })!, 'another partition'],
    [encodeCursor({ PK: 'P1', SK: 'S1', X: 'y' })!, 'extra keys'],
    [encodeCursor({ PK: 'P1', SK: 5 })!, 'a number key'],
  ])('refuses %p (%s) with a 400 naming cursor', (cursor) => {
    try {
      decodeCursor(cursor, { PK: 'P1' }, ['PK', 'SK']);
      throw new Error('accepted');
    } catch (e) {
      expect(e).toBeInstanceOf(ValidationError);
      expect((e as ValidationError).issues[0]?.field).toBe('cursor');
    }
  });
});

it('spreads list shards evenly enough', () => {
  const counts = new Array(LIST_SHARDS).fill(0);
  for (let i = 0; i < 4000; i++) counts[listShard(`01J${i.toString(36).padStart(23, '0')}`)]++;
  for (const c of counts) expect(c).toBeGreaterThan(700);
});
