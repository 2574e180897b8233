/**
 * RFC 4180 CSV read in byte chunks, and written. Pure: no I/O.
 *
 * The reader works on bytes, not text: the structural characters (`,`, `"`, CR, LF) are ASCII and
 * never occur inside a UTF-8 multi-byte sequence, so a record's end is an exact byte offset a job
 * can checkpoint and resume from, and a chunk that ends in the middle of a character is harmless
 * (only complete records are decoded). Quoted fields may hold delimiters, doubled quotes and line
 * breaks; records end with CRLF, LF or CR; a UTF-8 BOM at the start of the file is skipped; records
 * whose fields are all empty (blank lines, `,,,`) are skipped. A malformed record (a stray quote,
 * text after a closing quote, an unterminated quote, bytes that are not UTF-8) is returned with an
 * `error` instead of stopping the file, so it becomes one failed row with a reason.
 */
export interface SourceRecord {
  /** 1-based physical line of the file the record starts on (a spreadsheet's row number). */
  line: number;
  /** Absolute byte offset just past the record (its line break included), and the line there. */
  end: number;
  nextLine: number;
  fields: string[];
  error?: string;
}

export interface ReadOptions {
  /** Absolute offset of `buf[0]` in the file. */
  base: number;
  /** Line number at `buf[0]`. */
  line: number;
  /** `buf` reaches the end of the file: a last record without a line break is complete. */
  eof: boolean;
  maxRecords: number;
}

export interface ReadResult {
  records: SourceRecord[];
  /** Where the next read starts (after the last complete record) and its line number. */
  next: number;
  nextLine: number;
}

const QUOTE = 0x22;
const COMMA = 0x2c;
const CR = 0x0d;
const LF = 0x0a;
const BOM = [0xef, 0xbb, 0xbf];
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }); // a BOM is skipped at the file's start only

export const bomLength = (buf: Uint8Array, base: number) => (base === 0 && BOM.every((b, i) => buf[i] === b) ? 3 : 0);

interface Parsed {
  fields: string[];
  next: number;
  lines: number;
  error?: string;
}

function decode(buf: Buffer, start: number, end: number, onError: (reason: string) => void): string {
  try {
    return utf8.decode(buf.subarray(start, end));
  } catch {
    onError('is not UTF-8 text (save the file as "CSV UTF-8")');
    return buf.toString('utf8', start, end);
  }
}

/** One record starting at `i`, or undefined when `buf` ends before the record does (and more may come). */
function parseRecord(buf: Buffer, i: number, eof: boolean): Parsed | undefined {
  const fields: string[] = [];
  let lines = 0;
  let error: string | undefined;
  const fail = (reason: string) => (error ??= reason);
  for (;;) {
    if (buf[i] === QUOTE) {
      const parts: string[] = [];
      let seg = i + 1;
      let j = seg;
      for (;;) {
        if (j >= buf.length) {
          if (!eof) return undefined;
          fail('a quoted field is never closed (a " is missing)');
          parts.push(decode(buf, seg, j, fail));
          break;
        }
        const b = buf[j];
        if (b === QUOTE) {
          if (j + 1 >= buf.length && !eof) return undefined;
          parts.push(decode(buf, seg, j, fail));
          if (buf[j + 1] === QUOTE) {
            parts.push('"');
            j += 2;
            seg = j;
            continue;
          }
          j++;
          break;
        }
        if (b === LF || (b === CR && buf[j + 1] !== LF)) lines++;
        j++;
      }
      i = j;
      let k = i;
      while (k < buf.length && buf[k] !== COMMA && buf[k] !== CR && buf[k] !== LF) k++;
      if (k > i) {
        if (k >= buf.length && !eof) return undefined;
        fail('text follows a closing quote (a " inside a quoted field must be doubled: "")');
        parts.push(decode(buf, i, k, fail));
        i = k;
      }
      fields.push(parts.join(''));
    } else {
      let j = i;
      while (j < buf.length && buf[j] !== COMMA && buf[j] !== CR && buf[j] !== LF) {
        if (buf[j] === QUOTE) fail('a " inside an unquoted field (quote the whole field and double the ")');
        j++;
      }
      if (j >= buf.length && !eof) return undefined;
      fields.push(decode(buf, i, j, fail));
      i = j;
    }
    if (i >= buf.length) return { fields, next: i, lines, ...(error ? { error } : {}) };
    if (buf[i] === COMMA) {
      i++;
      continue;
    }
    if (buf[i] === CR) {
      if (i + 1 >= buf.length && !eof) return undefined;
      i += buf[i + 1] === LF ? 2 : 1;
    } else i++;
    return { fields, next: i, lines: lines + 1, ...(error ? { error } : {}) };
  }
}

/** Complete CSV records of `buf`, at most `maxRecords` non-blank ones. */
export function readCsv(buf: Buffer, opts: ReadOptions): ReadResult {
  const records: SourceRecord[] = [];
  let i = bomLength(buf, opts.base);
  let line = opts.line;
  while (records.length < opts.maxRecords && i < buf.length) {
    const r = parseRecord(buf, i, opts.eof);
    if (!r) break;
    const blank = !r.error && r.fields.every((f) => f === '');
    if (!blank) records.push({ line, end: opts.base + r.next, nextLine: line + r.lines, fields: r.fields, ...(r.error ? { error: r.error } : {}) });
    line += r.lines;
    i = r.next;
  }
  return { records, next: opts.base + i, nextLine: line };
}

/**
 * Complete JSON lines of `buf`: one JSON object per line (LF or CRLF), blank lines skipped. A
 * record's single field is the line's text; `parseJsonLine` reads it.
 */
export function readJsonl(buf: Buffer, opts: ReadOptions): ReadResult {
  const records: SourceRecord[] = [];
  let i = bomLength(buf, opts.base);
  let line = opts.line;
  while (records.length < opts.maxRecords && i < buf.length) {
    let j = buf.indexOf(LF, i);
    if (j < 0) {
      if (!opts.eof) break;
      j = buf.length;
    }
    let error: string | undefined;
    const text = decode(buf, i, j > i && buf[j - 1] === CR ? j - 1 : j, (r) => (error = r)).trim();
    if (text) records.push({ line, end: opts.base + Math.min(j + 1, buf.length), nextLine: line + 1, fields: [text], ...(error ? { error } : {}) });
    line++;
    i = j + 1;
  }
  return { records, next: opts.base + Math.min(i, buf.length), nextLine: line };
}

/** A JSON line → its object, or the reason it is not one. */
export function parseJsonLine(text: string): { ok: true; value: Record<string, unknown> } | { ok: false; reason: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    // V8 quotes a piece of the line in its message: keep only where, so no data lands in the error report.
    const where = /position \d+(?: \(line \d+ column \d+\))?/.exec((e as Error).message)?.[0];
    return { ok: false, reason: `is not valid JSON${where ? ` (at ${where})` : ''}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return { ok: false, reason: 'must be a JSON object' };
  return { ok: true, value: value as Record<string, unknown> };
}

// ---- writing

/** Cells a spreadsheet would run as a formula (CSV injection) get a leading apostrophe; `+8613…` phone numbers do not. */
const FORMULA = /^(?:[=@\t\r]|[+-](?![\d\s().-]*$))/;

export function csvCell(value: string | number | boolean | null | undefined): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (FORMULA.test(s)) s = `'${s}`;
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV record with its CRLF line break. */
export const csvLine = (values: readonly (string | number | boolean | null | undefined)[]) => `${values.map(csvCell).join(',')}\r\n`;

/** Excel reads a CSV as UTF-8 (Chinese names intact) only with a BOM; the importer skips it. */
export const CSV_BOM = '\uFEFF';
