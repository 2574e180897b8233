import { httpFunctions } from '../../infra/wiring';
import { auditKindOf } from '../../shared/http/audit';

/** Audited routes append their record to the table, so each needs table write; GET routes are audited only when they hand out personal data. */
describe('the audit trail in the wiring', () => {
  it('gives every audited route table write', () => {
    const missing = httpFunctions().filter((f) => auditKindOf(f.http) && f.table !== 'write').map((f) => f.name);
    expect(missing).toEqual([]);
  });

  it('audits every authenticated write route unless it says why not', () => {
    const writes = httpFunctions().filter((f) => f.http.method !== 'GET' && f.http.permission !== 'public');
    expect(writes.length).toBeGreaterThan(40);
    const unaudited = writes.filter((f) => !auditKindOf(f.http)).map((f) => f.http.operationId);
    expect(unaudited).toEqual(['previewSegment']);
  });
});
