import { CSV_BOM, csvLine } from '../../domain/csv';
import { MAX_STORED_ERRORS, type ImportJob } from '../../domain/transfers';
import type { Deps } from '../../runtime/deps';

/**
 * The error report of an import as CSV: one line per problem, `row` being the file's line number
 * (the header is line 1, as in a spreadsheet). A job that failed as a whole says why on a line
 * without a row number; past MAX_STORED_ERRORS failed rows the last line says how many are not listed.
 */
export async function errorReport(deps: Pick<Deps, 'transfers'>, job: ImportJob): Promise<string> {
  const out = [CSV_BOM, csvLine(['row', 'field', 'reason'])];
  let listed = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await deps.transfers.listErrors(job.id, 500, start);
    for (const e of page.items) {
      listed++;
      for (const i of e.issues) out.push(csvLine([e.row, i.field, i.reason]));
    }
    start = page.next;
  } while (start);
  if (job.counters.failed > listed && listed >= MAX_STORED_ERRORS) out.push(csvLine(['', '', `${job.counters.failed - listed} more failed rows are not listed (the report keeps the first ${MAX_STORED_ERRORS})`]));
  if (job.failure) out.push(csvLine(['', 'file', job.failure]));
  return out.join('');
}
