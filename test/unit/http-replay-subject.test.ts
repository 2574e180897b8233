import { replaySubjectOf } from '../../shared/http/handler';

/** Whose personal data an Idempotency-Key replay copy carries, so that person's erasure drops it. */
describe('replaySubjectOf', () => {
  it('reads a lead route as about the lead, by its path id or the answer id', () => {
    expect(replaySubjectOf('/v1/leads', undefined, JSON.stringify({ id: 'L1', email: 'a@example.com' }))).toEqual({ kind: 'lead', id: 'L1' });
    expect(replaySubjectOf('/v1/leads/{id}/convert', { id: 'L2' }, JSON.stringify({ customerId: 'C9' }))).toEqual({ kind: 'lead', id: 'L2' });
  });

  it('reads a customer route as about the customer, any other by the customerId it names', () => {
    expect(replaySubjectOf('/v1/customers', undefined, JSON.stringify({ id: 'C1' }))).toEqual({ kind: 'customer', id: 'C1' });
    expect(replaySubjectOf('/v1/customers/{id}/notes', { id: 'C2' }, '{}')).toEqual({ kind: 'customer', id: 'C2' });
    expect(replaySubjectOf('/v1/tickets', undefined, JSON.stringify({ id: 'T1', customerId: 'C3' }))).toEqual({ kind: 'customer', id: 'C3' });
  });

  it('finds no subject in an answer without one, or one that is not JSON', () => {
    expect(replaySubjectOf('/v1/segments', undefined, JSON.stringify({ id: 'S1' }))).toBeUndefined();
    expect(replaySubjectOf('/v1/tickets', undefined, 'not json')).toBeUndefined();
    expect(replaySubjectOf('/v1/tickets', undefined, undefined)).toBeUndefined();
  });
});
