import type { Customer } from '../../domain/customer';
import type { SegmentDef } from '../../domain/segmentation/definitions';
import { compileEngine, evaluate } from '../../domain/segmentation/engine';
import type { Deps } from '../../runtime/deps';
import { countMetric } from '../../runtime/observability';
import { headerFromItems, type ScanPage } from '../../store/jobs-repo';
import { BACKFILL_SEGMENTS } from './backfill';
import { checkSegmentCondition } from './segments';

/**
 * `POST /v1/segments/preview`: how many customers a condition would hold, and a sample, before it
 * is saved. The one request path that scans, deliberately and bounded: a parallel Scan (16
 * segments) of the customers' header items, each customer evaluated by the full engine with the
 * condition added as one more segment (so tiers, lifecycle, RFM, predictions, rule tags and other
 * segments are what the engine would make of them). It stops at a time budget or a number of items
 * read, and then says `exact: false` (`count` is what it found in the part it read).
 */
export interface PreviewOptions {
  /** Stop after this long (default 5 s: well inside the function's timeout). */
  timeBudgetMs?: number;
  /** Stop after reading this many items (default 200,000). */
  maxScanned?: number;
  /** Items per Scan page (default 1,000: the budget is checked between pages). */
  pageLimit?: number;
}

export interface Preview {
  count: number;
  sample: Customer[];
  exact: boolean;
  /** Customers evaluated. */
  scanned: number;
}

const PREVIEW_ID = '~preview';
export const SAMPLE_SIZE = 20;

export async function previewSegment(deps: Deps, condition: unknown, opts: PreviewOptions = {}): Promise<Preview> {
  const tree = await checkSegmentCondition(deps, condition, undefined);
  const [segments, tags, config] = await Promise.all([deps.definitions.listSegments(), deps.definitions.listTags(), deps.definitions.valueConfig()]);
  const now = deps.clock.now();
  const at = now.toISOString();
  const probe: SegmentDef = { id: PREVIEW_ID, name: 'preview', condition: tree, version: 1, createdAt: at, updatedAt: at };
  const engine = compileEngine([...segments, probe], tags, config);
  const deadline = Date.now() + (opts.timeBudgetMs ?? 5_000);
  const maxScanned = opts.maxScanned ?? 200_000;
  let scannedItems = 0;
  let exact = true;
  const out: Preview = { count: 0, sample: [], exact: true, scanned: 0 };
  const consider = (items: Record<string, unknown>[]) => {
    const h = headerFromItems(items);
    if (!h.profile || h.profile.status !== 'active') return;
    out.scanned++;
    const r = evaluate(engine, { profile: h.profile, aggregates: h.aggregates, state: h.state, memberships: [], now });
    if (!r.entered.includes(PREVIEW_ID)) return;
    out.count++;
    if (out.sample.length < SAMPLE_SIZE) out.sample.push(h.profile);
  };
  await Promise.all(
    Array.from({ length: BACKFILL_SEGMENTS }, async (_, segment) => {
      let start: Record<string, unknown> | undefined;
      let carry: Record<string, unknown>[] = [];
      for (;;) {
        if (Date.now() > deadline || scannedItems >= maxScanned) {
          exact = false;
          return;
        }
        const page: ScanPage = await deps.jobs.scanHeaders(segment, BACKFILL_SEGMENTS, start, opts.pageLimit ?? 1_000);
        scannedItems += page.scannedCount;
        let group = carry;
        for (const item of page.items) {
          if (group.length && group[0]!.PK !== item.PK) {
            consider(group);
            group = [];
          }
          group.push(item);
        }
        if (!page.lastKey) {
          if (group.length) consider(group);
          return;
        }
        carry = group; // the last customer may go on in the next page
        start = page.lastKey;
      }
    }),
  );
  countMetric('SegmentPreviews');
  out.exact = exact;
  out.sample.sort((a, b) => (a.id < b.id ? 1 : -1));
  return out;
}
