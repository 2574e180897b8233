import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { Readable } from 'node:stream';

/**
 * What `npm run import` does against a running stack, as a client would: create the job, PUT the
 * file to the upload URL it was given, start it, and draw its progress until it is over; then the
 * summary, and the error report saved next to where it was run.
 */
export interface ImportRequest {
  file: string;
  kind: 'customers' | 'orders';
  format: 'csv' | 'jsonl';
  mapping: Record<string, string>;
  dedup: 'merge' | 'skip';
}

export interface ImportClientOptions {
  baseUrl: string;
  token: string;
  /** Where to save the error report (a directory). */
  reportDir: string;
  pollMs?: number;
  /** Progress output; a TTY redraws one line, anything else gets a line every few seconds. */
  out?: NodeJS.WriteStream | { write(s: string): unknown; isTTY?: boolean };
}

interface Job {
  id: string;
  status: string;
  failure?: string;
  upload?: { url: string; headers: Record<string, string> };
  progress: { bytesRead: number; bytesTotal?: number; rowsRead: number; imported: number; merged: number; skipped: number; failed: number };
}

export interface ImportSummary {
  job: Job;
  seconds: number;
  reportFile?: string;
}

/** `email=E-mail,phone=Mobile` → `{ email: 'E-mail', phone: 'Mobile' }`. */
export function parseMapping(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf('=');
    if (eq <= 0 || eq === pair.length - 1) throw new Error(`--map takes field=column pairs separated by commas, not "${pair}"`);
    out[pair.slice(0, eq).trim()] = pair.slice(eq + 1).trim();
  }
  return out;
}

const n = (x: number) => x.toLocaleString('en-US');

export function progressLine(job: Job, seconds: number, width = 24): string {
  const p = job.progress;
  const ratio = p.bytesTotal ? Math.min(1, p.bytesRead / p.bytesTotal) : 0;
  const filled = Math.round(ratio * width);
  const rate = seconds > 0 ? Math.round(p.rowsRead / seconds) : 0;
  const merged = p.merged + p.skipped ? ` · merged ${n(p.merged)}${p.skipped ? ` · skipped ${n(p.skipped)}` : ''}` : '';
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(ratio * 100)).padStart(3)}%  read ${n(p.rowsRead)} · imported ${n(p.imported)}${merged} · failed ${n(p.failed)} · ${n(rate)} rows/s  ${job.status}`;
}

export async function runImportClient(req: ImportRequest, opts: ImportClientOptions): Promise<ImportSummary> {
  const out = opts.out ?? process.stdout;
  const api = async (method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(`${opts.baseUrl}${path}`, {
      method,
      headers: { authorization: `Bearer ${opts.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
      ...(body ? { body: JSON.stringify(body) } : {}),
    }).catch((e: Error) => {
      throw new Error(`Cannot reach the local stack at ${opts.baseUrl} (${String(e.cause ?? e.message)}). Is \`npm start\` running?`);
    });
    const text = await res.text();
    const parsed = text && res.headers.get('content-type')?.includes('json') ? JSON.parse(text) : text;
    if (res.status >= 400) {
      const errors = (parsed?.errors ?? []) as { field: string; message: string }[];
      throw new Error(`${method} ${path} answered ${res.status}: ${parsed?.detail ?? text}${errors.map((e) => `\n  ${e.field}: ${e.message}`).join('')}`);
    }
    return { status: res.status, body: parsed };
  };

  const size = statSync(req.file).size;
  const created = (await api('POST', '/v1/imports', { kind: req.kind, format: req.format, mapping: req.mapping, options: { dedup: req.dedup } })).body as Job;
  out.write(`import ${created.id}: uploading ${req.file} (${n(size)} bytes)\n`);
  const put = await fetch(created.upload!.url, {
    method: 'PUT',
    headers: { ...created.upload!.headers, 'content-length': String(size) },
    body: Readable.toWeb(createReadStream(req.file)) as never,
    duplex: 'half',
  } as RequestInit);
  if (!put.ok) throw new Error(`the upload was refused: ${put.status} ${await put.text()}`);
  await api('POST', `/v1/imports/${created.id}/start`);

  const started = Date.now();
  const tty = !!out.isTTY;
  let job = created;
  let lastPrint = 0;
  for (;;) {
    job = (await api('GET', `/v1/imports/${created.id}`)).body as Job;
    const seconds = (Date.now() - started) / 1000;
    const over = job.status === 'completed' || job.status === 'failed';
    if (tty) out.write(`\r${progressLine(job, seconds)}\x1b[K`);
    else if (over || Date.now() - lastPrint > 2000) {
      out.write(`${progressLine(job, seconds)}\n`);
      lastPrint = Date.now();
    }
    if (over) break;
    await new Promise((r) => setTimeout(r, opts.pollMs ?? 300));
  }
  if (tty) out.write('\n');
  const seconds = (Date.now() - started) / 1000;
  const p = job.progress;
  out.write(`${job.status}: ${n(p.rowsRead)} rows in ${seconds.toFixed(1)} s - ${n(p.imported)} imported, ${n(p.merged)} merged, ${n(p.skipped)} skipped, ${n(p.failed)} failed\n`);
  if (job.failure) out.write(`the import failed: ${job.failure}\n`);
  let reportFile: string | undefined;
  if (p.failed > 0 || job.failure) {
    const report = await fetch(`${opts.baseUrl}/v1/imports/${job.id}/errors`, { headers: { authorization: `Bearer ${opts.token}` } });
    reportFile = `${opts.reportDir.replace(/\/$/, '')}/import-${job.id}-errors.csv`;
    writeFileSync(reportFile, Buffer.from(await report.arrayBuffer()));
    out.write(`error report (row, field, reason): ${reportFile}\n  also at GET ${opts.baseUrl}/v1/imports/${job.id}/errors\n`);
  }
  return { job, seconds, ...(reportFile ? { reportFile } : {}) };
}
