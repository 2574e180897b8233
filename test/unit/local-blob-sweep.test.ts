import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalBlobStore } from '../../shared/runtime/local-blob-store';
import { BLOB_PREFIXES, lakeObjectKey } from '../../shared/store/keys';
import { FolderLake } from '../../shared/usecases/analytics/lake';

/** The local stand-in for the transfer bucket's lifecycle rules: only imports and exports expire. */
describe('LocalBlobStore.sweep', () => {
  it('deletes old files under the given prefixes only, and keeps young ones', async () => {
    let now = Date.parse('2026-01-01T00:00:00Z');
    const root = mkdtempSync(join(tmpdir(), 'blobs-'));
    const store = new LocalBlobStore(root, undefined, () => now);
    const lake = new FolderLake(root);
    const lakeKey = lakeObjectKey('orders', '2026-01-01', 0);
    await store.put(`${BLOB_PREFIXES.imports}a/file`, Buffer.from('x'));
    await store.put(`${BLOB_PREFIXES.exports}b/file`, Buffer.from('x'));
    await lake.put(lakeKey, Buffer.from('x'));
    await store.put(`${BLOB_PREFIXES.attachments}c/file`, Buffer.from('x'));
    // Files' mtimes are the real clock's: sweeping with a clock 8 days ahead finds them all old.
    now = Date.now() + 8 * 86_400_000;
    expect(await store.sweep(7 * 86_400_000, [BLOB_PREFIXES.imports, BLOB_PREFIXES.exports])).toBe(2);
    expect(await store.head(`${BLOB_PREFIXES.imports}a/file`)).toBeUndefined();
    expect(await store.head(`${BLOB_PREFIXES.exports}b/file`)).toBeUndefined();
    expect((await lake.list('analytics/')).includes(lakeKey)).toBe(true);
    expect(await store.head(`${BLOB_PREFIXES.attachments}c/file`)).toEqual({ size: 1 });
    // Young files stay.
    await store.put(`${BLOB_PREFIXES.imports}d/file`, Buffer.from('x'));
    now = Date.now();
    expect(await store.sweep(7 * 86_400_000, [BLOB_PREFIXES.imports])).toBe(0);
  });
});
