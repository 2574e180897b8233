import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { IngestSource, RawDelivery } from '../../shared/domain/ingest';

/**
 * The project's shared fixtures and data sets live next to the repository (`../shared`, read only);
 * CRM_SHARED_DIR points elsewhere when the checkout is laid out differently.
 */
const BESIDE = resolve(__dirname, '..', '..', '..', 'shared');
/** Falls back to the copies in test/fixtures/shared (the CDNOW data set, 285 KB) when ../shared is not there. */
export const SHARED_DIR = process.env.CRM_SHARED_DIR || (existsSync(join(BESIDE, 'data', 'cdnow')) ? BESIDE : resolve(__dirname, '..', 'fixtures', 'shared'));
export const readShared = (...path: string[]): string => readFileSync(join(SHARED_DIR, ...path), 'utf8');
/** Webhook bodies kept in the repository (test/fixtures, copies of ../shared/fixtures). */
export const readFixture = (...path: string[]): string => readFileSync(join(__dirname, '..', 'fixtures', ...path), 'utf8');

/** A verified delivery as the webhook receiver puts it on the ingest queue. */
export function delivery(source: IngestSource, topic: string, body: string | object, over: Partial<RawDelivery> = {}): RawDelivery {
  return {
    deliveryId: 'd-1',
    source,
    sourceId: source === 'shopify' ? 'example.myshopify.com' : source === 'woocommerce' ? 'https://shop.example.com' : 'erp',
    topic,
    receivedAt: '2025-01-15T00:00:00.000Z',
    body: typeof body === 'string' ? body : JSON.stringify(body),
    correlationId: 'c-1',
    ...over,
  };
}
