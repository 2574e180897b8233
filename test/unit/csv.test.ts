import { csvCell, csvLine, parseJsonLine, readCsv, readJsonl, type SourceRecord } from '../../shared/domain/csv';

/** The byte-chunked CSV and JSON-lines readers (RFC 4180 edge cases, offsets, resumption) and the writer. */
const all = (text: string | Buffer, maxRecords = 1000) => readCsv(Buffer.isBuffer(text) ? text : Buffer.from(text, 'utf8'), { base: 0, line: 1, eof: true, maxRecords });
const fields = (text: string) => all(text).records.map((r) => r.fields);

/** Reads `buf` in chunks of `size` bytes the way an import step does: from each checkpoint, re-reading the incomplete tail. */
function chunked(buf: Buffer, size: number, maxRecords = 1000, reader = readCsv): SourceRecord[] {
  const out: SourceRecord[] = [];
  let offset = 0;
  let line = 1;
  let want = size;
  while (offset < buf.length) {
    const slice = buf.subarray(offset, Math.min(buf.length, offset + want));
    const eof = offset + slice.length >= buf.length;
    const r = reader(slice, { base: offset, line, eof, maxRecords });
    if (r.records.length === 0 && !eof) {
      want *= 2;
      continue;
    }
    out.push(...r.records);
    if (r.next === offset && eof) break;
    offset = r.next;
    line = r.nextLine;
    want = size;
  }
  return out;
}

describe('readCsv', () => {
  test.each([
    ['plain, LF', 'a,b\n1,2\n', [['a', 'b'], ['1', '2']]],
    ['CRLF and no final line break', 'a,b\r\n1,2', [['a', 'b'], ['1', '2']]],
    ['lone CR ends a record too', 'a,b\r1,2\r', [['a', 'b'], ['1', '2']]],
    ['quoted delimiter', 'name,city\n"Li, Lei",Shanghai\n', [['name', 'city'], ['Li, Lei', 'Shanghai']]],
    ['doubled quotes', '"say ""hi""",x\n', [['say "hi"', 'x']]],
    ['embedded CRLF and LF in a quoted field', '"line1\r\nline2\nline3",z\n', [['line1\r\nline2\nline3', 'z']]],
    ['empty fields and a trailing empty field', 'a,,c,\n', [['a', '', 'c', '']]],
    ['an empty quoted field', '"",x\n', [['', 'x']]],
    ['blank lines and all-empty records are skipped', 'a\n\n\r\n,,\nb\n', [['a'], ['b']]],
    ['unicode stays intact', '姓名,城市\n李雷,上海\n', [['姓名', '城市'], ['李雷', '上海']]],
  ])('%s', (_, text, expected) => {
    expect(fields(text)).toEqual(expected);
  });

  test('skips a UTF-8 BOM at the start of the file only', () => {
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('email\nx@y.z\n')]);
    expect(all(buf).records.map((r) => r.fields)).toEqual([['email'], ['x@y.z']]);
    expect(readCsv(buf, { base: 10, line: 1, eof: true, maxRecords: 10 }).records[0]!.fields[0]).toBe('\uFEFFemail');
  });

  test('line numbers count the physical lines a record spans; offsets are exact bytes', () => {
    const text = 'h1,h2\r\n"multi\nline",x\r\n\r\nlast,李\n';
    const r = all(text);
    expect(r.records.map((x) => [x.line, x.nextLine])).toEqual([
      [1, 2],
      [2, 4],
      [5, 6],
    ]);
    const bytes = Buffer.from(text, 'utf8');
    expect(r.records.map((x) => x.end)).toEqual([7, bytes.indexOf('\r\n\r\n') + 2, bytes.length]);
    expect(r.next).toBe(bytes.length);
  });

  test.each([
    ['a stray quote in an unquoted field', 'ab"c,d\nok,1\n', /inside an unquoted field/],
    ['text after a closing quote', '"ab"c,d\nok,1\n', /follows a closing quote/],
    ['a field that is not UTF-8 (a GBK file)', Buffer.concat([Buffer.from([0xc0, 0xee, 0xc0, 0xd7]), Buffer.from(',d\nok,1\n')]), /not UTF-8/],
  ])('%s makes that record an error and the next one reads fine', (_, text, reason) => {
    const r = all(Buffer.isBuffer(text) ? text : Buffer.from(text));
    expect(r.records).toHaveLength(2);
    expect(r.records[0]!.error).toMatch(reason);
    expect(r.records[1]).toMatchObject({ fields: ['ok', '1'], line: 2 });
    expect(r.records[1]!.error).toBeUndefined();
  });

  test('an unterminated quote swallows the rest of the file as one bad record, at the end only', () => {
    const text = 'a,b\n"open,x\nmore\n';
    expect(readCsv(Buffer.from(text), { base: 0, line: 1, eof: false, maxRecords: 10 }).records).toHaveLength(1);
    const r = all(text);
    expect(r.records).toHaveLength(2);
    expect(r.records[1]!.error).toMatch(/never closed/);
  });

  test('an incomplete last record is left for the next read unless at the end of the file', () => {
    const r = readCsv(Buffer.from('a,b\n1,2\n3,'), { base: 100, line: 7, eof: false, maxRecords: 10 });
    expect(r.records.map((x) => x.fields)).toEqual([['a', 'b'], ['1', '2']]);
    expect([r.next, r.nextLine]).toEqual([108, 9]);
    // A CR at the very end may be followed by an LF in the next chunk; a quote may be doubled.
    expect(readCsv(Buffer.from('a,b\r'), { base: 0, line: 1, eof: false, maxRecords: 10 }).records).toEqual([]);
    expect(readCsv(Buffer.from('"a"'), { base: 0, line: 1, eof: false, maxRecords: 10 }).records).toEqual([]);
  });

  test('stops after maxRecords and resumes exactly where it stopped', () => {
    const r = readCsv(Buffer.from('1\n2\n3\n4\n'), { base: 0, line: 1, eof: true, maxRecords: 2 });
    expect(r.records.map((x) => x.fields[0])).toEqual(['1', '2']);
    expect([r.next, r.nextLine]).toEqual([4, 3]);
  });

  test('reading in chunks of any size gives the same records as one read (split CRLF, quotes and multi-byte characters)', () => {
    const text = '\uFEFFname,note\r\n"Li, Lei","say ""hi""\r\nbye"\r\n\r\n王小明,上海\r\n"x",\r\nlast,"q"';
    const buf = Buffer.from(text, 'utf8');
    const whole = all(buf).records;
    expect(whole).toHaveLength(5);
    for (const size of [1, 2, 3, 5, 7, 16]) expect(chunked(buf, size)).toEqual(whole);
    expect(chunked(buf, 4, 1)).toEqual(whole);
  });
});

describe('readJsonl', () => {
  test('one object per line, LF or CRLF, blank lines skipped, BOM skipped, offsets and lines exact', () => {
    const text = '\uFEFF{"email":"a@b.c"}\r\n\n{"email":"李@b.c"}\n{"x":1}';
    const r = readJsonl(Buffer.from(text), { base: 0, line: 1, eof: true, maxRecords: 10 });
    expect(r.records.map((x) => [x.line, x.fields[0]])).toEqual([
      [1, '{"email":"a@b.c"}'],
      [3, '{"email":"李@b.c"}'],
      [4, '{"x":1}'],
    ]);
    expect(r.next).toBe(Buffer.byteLength(text));
    for (const size of [1, 3, 8]) expect(chunked(Buffer.from(text), size, 1000, readJsonl)).toEqual(r.records);
  });

  test('a last line without a line break waits for more unless at the end', () => {
    expect(readJsonl(Buffer.from('{"a":1}\n{"b"'), { base: 0, line: 1, eof: false, maxRecords: 10 }).records).toHaveLength(1);
  });

  test('parseJsonLine names what is wrong', () => {
    expect(parseJsonLine('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(parseJsonLine('[1]')).toEqual({ ok: false, reason: 'must be a JSON object' });
    expect(parseJsonLine('{"a":')).toMatchObject({ ok: false, reason: expect.stringMatching(/^is not valid JSON/) });
  });
});

describe('csv writer', () => {
  test('quotes what needs quoting and round-trips through the reader', () => {
    const values = ['plain', 'Li, Lei', 'say "hi"', 'two\r\nlines', ' padded', '', '李雷'];
    const line = csvLine(values);
    expect(line).toBe('plain,"Li, Lei","say ""hi""","two\r\nlines"," padded",,李雷\r\n');
    expect(all(line).records[0]!.fields).toEqual(values);
  });

  test('defuses spreadsheet formulas but keeps phone numbers and negative amounts', () => {
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvCell('+cmd')).toBe("'+cmd");
    expect(csvCell('+8613812345678')).toBe('+8613812345678');
    expect(csvCell('-12.50')).toBe('-12.50');
    expect(csvCell(undefined)).toBe('');
    expect(csvCell(42)).toBe('42');
  });
});
