// The CSV scanner (src/ledger/csvscan.ts): records, quoting, line numbers, and — because a chunk
// boundary can fall on any byte — the same records whatever the chunk sizes.
import { describe, expect, it } from 'vitest';
import { CsvScanner, CsvSyntaxError, ESCAPED, type CsvRecord } from '../../src/ledger/csvscan.js';

interface Rec { line: number; fields: string[] }

function text(r: CsvRecord, i: number): string {
  const s = Buffer.from(r.buf.subarray(r.starts[i]!, r.ends[i]!)).toString('utf8');
  return r.quoted[i] === ESCAPED ? s.replaceAll('""', '"') : s;
}

/** Scans `input` cut into chunks of the given sizes (cycled). */
function scan(input: string, chunkSizes: readonly number[] = [1 << 20], delimiter = ','): Rec[] {
  const out: Rec[] = [];
  const s = new CsvScanner(delimiter.charCodeAt(0), (r) => out.push({ line: r.line, fields: Array.from({ length: r.count }, (_, i) => text(r, i)) }));
  const bytes = Buffer.from(input, 'utf8');
  let k = 0;
  for (let i = 0; i < bytes.length; ) {
    const n = Math.max(1, chunkSizes[k++ % chunkSizes.length]!);
    s.push(bytes.subarray(i, i + n));
    i += n;
  }
  s.end();
  return out;
}

describe('CsvScanner', () => {
  it('splits records on LF, CRLF and lone CR, numbering each by the line it starts on', () => {
    expect(scan('a,b\nc,d\r\ne,f\rg,h')).toEqual([
      { line: 1, fields: ['a', 'b'] }, { line: 2, fields: ['c', 'd'] }, { line: 3, fields: ['e', 'f'] }, { line: 4, fields: ['g', 'h'] },
    ]);
  });

  it('skips empty lines but counts them, and keeps a line of spaces or of delimiters', () => {
    expect(scan('a\n\n\r\n   \n,,\nb\n')).toEqual([
      { line: 1, fields: ['a'] }, { line: 4, fields: ['   '] }, { line: 5, fields: ['', '', ''] }, { line: 6, fields: ['b'] },
    ]);
  });

  it('reads quoted delimiters, doubled quotes and quoted line ends, and numbers the next record after them', () => {
    expect(scan('"Peña, S.A.","say ""hi""","two\r\nlines"\nnext,"",x\n')).toEqual([
      { line: 1, fields: ['Peña, S.A.', 'say "hi"', 'two\r\nlines'] },
      { line: 3, fields: ['next', '', 'x'] },
    ]);
  });

  it('reads a quote inside an unquoted field as text (12" pipe)', () => {
    expect(scan('Acme,12" pipe,x"y"\n')).toEqual([{ line: 1, fields: ['Acme', '12" pipe', 'x"y"'] }]);
  });

  it('ends the last field at the end of the input, with or without a final line end or a trailing delimiter', () => {
    expect(scan('a,b')).toEqual([{ line: 1, fields: ['a', 'b'] }]);
    expect(scan('a,')).toEqual([{ line: 1, fields: ['a', ''] }]);
    expect(scan('a,"b"')).toEqual([{ line: 1, fields: ['a', 'b'] }]);
  });

  it('refuses text after a closing quote and a quote never closed, with the line', () => {
    expect(() => scan('a,b\n"x"y,z\n')).toThrow(new CsvSyntaxError('text-after-quote', 2));
    try {
      scan('a\nb\n"open,\nstill\n');
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(CsvSyntaxError);
      expect((e as CsvSyntaxError).kind).toBe('unclosed-quote');
      expect((e as CsvSyntaxError).line).toBe(3);
    }
  });

  it('uses the delimiter it is given: ; tab and |', () => {
    expect(scan('a;"b;c"\n1,5;2\n', undefined, ';')).toEqual([{ line: 1, fields: ['a', 'b;c'] }, { line: 2, fields: ['1,5', '2'] }]);
    expect(scan('a\tb|c\n', undefined, '\t')).toEqual([{ line: 1, fields: ['a', 'b|c'] }]);
    expect(scan('a|b\tc\n', undefined, '|')).toEqual([{ line: 1, fields: ['a', 'b\tc'] }]);
  });

  it('gives the same records whatever the chunk sizes, cutting CRLF, "" and multi-byte characters anywhere', () => {
    const input = [
      'Cliente,Factura,Notas', '"Núñez, S.A.",A-1,"línea 1\r\nlínea 2"', 'Peña,A-2,"dice ""sí"""', '', 'Ibáñez,A-3,', '"",,"x"',
      '   ', 'Zúñiga,"A-4",12" tubo', 'a,b,"c\rd"', 'last,row,end',
    ].join('\r\n');
    const whole = scan(input);
    expect(whole.map((r) => r.line)).toEqual([1, 2, 4, 6, 7, 8, 9, 10, 12]);
    for (const sizes of [[1], [2], [3], [5, 1, 7], [13], [64]]) expect(scan(input, sizes), `chunks ${sizes}`).toEqual(whole);
  });

  it('handles a record with more fields than its initial arrays hold', () => {
    const row = Array.from({ length: 100 }, (_, i) => (i % 3 === 0 ? `"f${i}"` : `f${i}`)).join(',');
    const [rec] = scan(`${row}\n`, [7]);
    expect(rec!.fields).toHaveLength(100);
    expect(rec!.fields[99]).toBe('f99');
  });

  it('says whether the bytes so far end between two records: reading on from there with a fresh scanner gives the same records', () => {
    // Why: the aging fast path cuts a large file at a line end and reads the two parts on two
    // threads; a line end inside quotes, or a CR whose LF is in the next part, is no place to cut.
    const input = ['Cliente,Notas', '"Núñez, S.A.","línea 1\r\nlínea 2"', '', 'Peña,"dice ""sí"""', 'Ibáñez,x\r', 'a,"c\rd"', 'last,row'].join('\r\n');
    const bytes = Buffer.from(input, 'utf8');
    const whole = scan(input);
    const record = (shift: number) => (r: CsvRecord): Rec => ({ line: r.line + shift, fields: Array.from({ length: r.count }, (_, i) => text(r, i)) });
    const cuts: number[] = [];
    for (let at = 0; at <= bytes.length; at++) {
      const first: Rec[] = [];
      const a = new CsvScanner(44, (r) => first.push(record(0)(r)));
      a.push(bytes.subarray(0, Math.ceil(at / 2)));
      a.push(bytes.subarray(Math.ceil(at / 2), at));
      if (!a.atRecordStart) continue;
      cuts.push(at);
      const rest: Rec[] = [];
      const b = new CsvScanner(44, (r) => rest.push(record(a.nextLine - 1)(r)));
      b.push(bytes.subarray(at));
      b.end();
      expect([...first, ...rest], `cut at ${at}`).toEqual(whole);
    }
    // The start, and after each line end outside quotes, save a CR whose LF follows: 7 places.
    const lineEnds = [0];
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 10) lineEnds.push(i + 1);
    const inQuotes = [Buffer.byteLength(input.slice(0, input.indexOf('línea 2')))];
    expect(cuts).toEqual(lineEnds.filter((x) => !inQuotes.includes(x)));
    const cut = (n: number): CsvScanner => {
      const sc = new CsvScanner(44, () => {});
      sc.push(bytes.subarray(0, n));
      return sc;
    };
    expect(cut(Buffer.byteLength(input.slice(0, input.indexOf('\r\n') + 1))).atRecordStart).toBe(false); // between CR and LF
    expect(cut(Buffer.byteLength(input.slice(0, input.indexOf('\r\n') + 2))).atRecordStart).toBe(true);
  });

  it('refuses a delimiter that is a quote, a line end or not ASCII', () => {
    expect(() => new CsvScanner(34, () => {})).toThrow(RangeError);
    expect(() => new CsvScanner(10, () => {})).toThrow(RangeError);
    expect(() => new CsvScanner(0xa7, () => {})).toThrow(RangeError);
  });
});
