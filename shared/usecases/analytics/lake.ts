import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, sep } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Deps } from '../../runtime/deps';
import { blobStore } from '../../runtime/s3-blob-store';
import { LAKE_PREFIX } from '../../store/keys';

/**
 * Where the analytics lake goes: `analytics/` in the transfer bucket in AWS (S3; no expiry rule on
 * that prefix), the blob folder of the local runtime (`<state dir>/blobs/analytics/`). Objects are
 * gzip-compressed JSON lines in Hive-style `dt=YYYY-MM-DD` folders (docs/analytics.md has the
 * Athena tables); writing an object again replaces it, so a rerun never duplicates rows.
 */
export interface LakeStore {
  put(key: string, body: Buffer): Promise<void>;
  /** Keys under a prefix (tests, the local listing). */
  list?(prefix: string): Promise<string[]>;
  read?(key: string): Promise<Buffer>;
}

/** A folder on this machine (the local runtime's blob folder). */
export class FolderLake implements LakeStore {
  constructor(readonly root: string) {}

  private path(key: string): string {
    if (!key.startsWith(LAKE_PREFIX) || key.split('/').some((s) => s === '..' || s === '')) throw new Error(`not a lake key: ${key}`);
    return join(this.root, ...key.split('/'));
  }

  async put(key: string, body: Buffer): Promise<void> {
    const p = this.path(key);
    await mkdir(dirname(p), { recursive: true });
    await writeFile(p, body);
  }

  async list(prefix: string): Promise<string[]> {
    const out: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const e of await readdir(dir, { withFileTypes: true }).catch(() => [])) {
        const p = join(dir, e.name);
        if (e.isDirectory()) await walk(p);
        else out.push(relative(this.root, p).split(sep).join('/'));
      }
    };
    await walk(join(this.root, ...prefix.split('/').filter(Boolean)));
    return out.sort();
  }

  async read(key: string): Promise<Buffer> {
    return readFile(this.path(key));
  }
}

/** The lake of these deps: the local blob folder when the runtime installed one, else S3 (the transfer bucket). */
export function lakeOf(deps: Pick<Deps, 'blobs'>): LakeStore {
  const local = deps.blobs as { root?: unknown } | undefined;
  if (local && typeof local.root === 'string') return new FolderLake(local.root);
  const s3 = blobStore(deps);
  return { put: (key, body) => s3.put(key, body, 'application/gzip') };
}

/** Writes JSON lines in gzip parts of at most `linesPerPart` lines. */
export class PartWriter {
  private lines: string[] = [];
  private part = 0;
  written = 0;
  readonly keys: string[] = [];

  constructor(
    private readonly lake: LakeStore,
    private readonly keyOf: (part: number) => string,
    private readonly linesPerPart = 100_000,
  ) {}

  async add(row: Record<string, unknown>): Promise<void> {
    this.lines.push(JSON.stringify(row));
    this.written++;
    if (this.lines.length >= this.linesPerPart) await this.flush();
  }

  private async flush(): Promise<void> {
    if (!this.lines.length && this.part > 0) return;
    const key = this.keyOf(this.part++);
    await this.lake.put(key, gzipSync(Buffer.from(this.lines.length ? `${this.lines.join('\n')}\n` : '', 'utf8')));
    this.keys.push(key);
    this.lines = [];
  }

  /** Writes the last part (an empty part when there was no row, so the partition exists). */
  async close(): Promise<string[]> {
    await this.flush();
    return this.keys;
  }
}
