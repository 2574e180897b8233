import { IngestError, type IngestItem, type RawDelivery } from '../ingest';
import type { NormalizeOptions } from './common';
import { normalizeGeneric } from './generic';
import { normalizeShopify } from './shopify';
import { normalizeWooCommerce } from './woocommerce';

export type { NormalizeOptions } from './common';

/**
 * A verified raw delivery → platform-neutral items (one per delivery today; an array so a future
 * payload may carry several). Pure: the same delivery always gives the same items, so a DLQ
 * replay after a fix is safe. Throws IngestError for a delivery that can never be used (malformed
 * JSON, a missing or invalid field); a topic we do not ingest gives `{ type: 'ignored' }`.
 */
export function normalizeDelivery(d: RawDelivery, opts: NormalizeOptions): IngestItem[] {
  switch (d.source) {
    case 'shopify':
      return normalizeShopify(d, opts);
    case 'woocommerce':
      return normalizeWooCommerce(d, opts);
    case 'generic':
      return normalizeGeneric(d, opts);
    default: {
      const source: never = d.source;
      throw new IngestError(`unknown source ${JSON.stringify(source)}`, 'source');
    }
  }
}
