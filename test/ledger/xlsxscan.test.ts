// Tests for the byte-level xlsx scanners (src/ledger/xlsxscan.ts): worksheet rows and shared
// strings fed in pieces cut at every byte — inside a tag, an attribute, a value, a multi-byte
// character, the "</v></c>" the fast path steps over — read exactly as when fed whole; and the
// exact number parser against Number().
import { describe, expect, it } from 'vitest';
import { EMPTY, type Cell, type RawRow } from '../../src/ledger/table.js';
import { CellReader } from '../../src/ledger/xlsx.js';
import { plainNumber, SharedStringScanner, SharedStringTable, SheetScanner, validUtf8, type SharedStrings } from '../../src/ledger/xlsxscan.js';
import { richText } from '../../src/ledger/xml.js';

const NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"';
const s = (v: string): Cell => ({ t: 's', v });
const n = (v: number): Cell => ({ t: 'n', v });

function sst(...strings: string[]): SharedStrings {
  const t = new SharedStringTable();
  for (const x of strings) t.addText(x);
  return t;
}

/** Rows of a sheet's XML fed in the given pieces (byte offsets where to cut). */
function rowsOf(xml: string, cuts: readonly number[], strings: SharedStrings, dateStyles: readonly boolean[] = []): RawRow[] {
  const bytes = Buffer.from(xml, 'utf8');
  const reader = new CellReader('ledger.xlsx › S', strings, dateStyles, false);
  const out: RawRow[] = [];
  const scanner = new SheetScanner('ledger.xlsx › S', (raw) => {
    const row = reader.row(raw);
    if (row) out.push(row);
  });
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    scanner.feed(bytes.subarray(at, cut));
    at = cut;
  }
  return out;
}

function stringsOf(xml: string, cuts: readonly number[]): string[] {
  const bytes = Buffer.from(xml, 'utf8');
  const scanner = new SharedStringScanner('ledger.xlsx › shared strings', (si, p) => richText(si, p));
  let at = 0;
  for (const cut of [...cuts, bytes.length]) {
    scanner.feed(bytes.subarray(at, cut));
    at = cut;
  }
  return Array.from({ length: scanner.table.count }, (_, i) => scanner.table.text(i));
}

describe('the worksheet scanner', () => {
  // The fast layout (<c r s t><v>…</v></c>), a self-closing cell, a formula, an inline string,
  // a cell without r, a row without r, a prefix-free <row …/>, Ñ and € in values, an error cell.
  const xml = `<?xml version="1.0" encoding="UTF-8"?><worksheet ${NS}><sheetData>`
    + '<row r="1" spans="1:4" x14ac:dyDescent="0.25"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>45292</v></c><c r="C1"><v>-1234.5</v></c><c r="D1" t="s"><v>1</v></c></row>'
    + '<row r="2"><c r="A2" t="inlineStr"><is><t>Logroño €</t></is></c><c r="B2" s="1"/><c r="C2"><f>A1*2</f><v>4</v></c><c><v>7</v></c></row>'
    + '<row r="3"/>'
    + '<row><c r="B4" t="str"><v>Peña &amp; Cía</v></c><c r="C4" t="e"><v>#N/A</v></c><c r="D4" t="b"><v>1</v></c></row>'
    + '</sheetData></worksheet>';
  const strings = sst('Cañón', 'Núñez');
  // 2024-01-01 is serial 45292 in the 1900 system.
  const expected: RawRow[] = [
    { row: 1, cells: [s('Cañón'), { t: 'd', v: Date.UTC(2024, 0, 1) / 86_400_000 }, n(-1234.5), s('Núñez')] },
    { row: 2, cells: [s('Logroño €'), EMPTY, n(4), n(7)] },
    { row: 4, cells: [EMPTY, s('Peña & Cía'), { t: 'e', v: '#N/A' }, { t: 'b', v: true }] },
  ];

  it('reads rows, cells, types, styles and row numbers of a small sheet fed whole', () => {
    expect(rowsOf(xml, [], strings, [false, true])).toEqual(expected);
  });

  it('reads the same rows when the XML is cut into two pieces at every byte', () => {
    const length = Buffer.byteLength(xml);
    const wrong: number[] = [];
    for (let cut = 1; cut < length; cut++) {
      if (JSON.stringify(rowsOf(xml, [cut], strings, [false, true])) !== JSON.stringify(expected)) wrong.push(cut);
    }
    expect(wrong).toEqual([]);
  });

  it('reads the same rows when fed one byte at a time (a character split over pieces)', () => {
    const length = Buffer.byteLength(xml);
    expect(rowsOf(xml, Array.from({ length: length - 1 }, (_, i) => i + 1), strings, [false, true])).toEqual(expected);
  });

  it('reads prefixed elements (x:row, x:c) the general way', () => {
    const px = `<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>`
      + '<x:row r="5"><x:c r="C5" t="s"><x:v>1</x:v></x:c><x:c r="D5"><x:v>2.5</x:v></x:c><x:c r="E5" t="inlineStr"><x:is><x:t>Ñu</x:t></x:is></x:c></x:row>'
      + '</x:sheetData></x:worksheet>';
    expect(rowsOf(px, [], strings)).toEqual([{ row: 5, cells: [EMPTY, EMPTY, s('Núñez'), n(2.5), s('Ñu')] }]);
    expect(rowsOf(px, [97, 140, 141], strings)).toEqual([{ row: 5, cells: [EMPTY, EMPTY, s('Núñez'), n(2.5), s('Ñu')] }]);
  });

  it('counts rows handed over and skips rows with no cells', () => {
    let rows = 0;
    const scanner = new SheetScanner('x', () => rows++);
    scanner.feed(Buffer.from(`<worksheet ${NS}><sheetData><row r="1"/><row r="2"></row><row r="3"><c r="A3"/></row></sheetData></worksheet>`));
    expect([rows, scanner.rows]).toEqual([1, 1]);
  });

  it('refuses a row that never ends once it passes the size limit, naming the element', () => {
    // A row beyond the limit (64 MB by default; 1 MB here) is taken as a malformed or hostile
    // part: the scanner says so instead of growing without end.
    const scanner = new SheetScanner('ledger.xlsx › S', () => undefined, 1024 * 1024);
    scanner.feed(Buffer.from(`<worksheet ${NS}><sheetData><row r="1">`));
    const chunk = Buffer.from('<c r="A1"><v>1</v></c>'.repeat(4096));
    expect(() => {
      for (let i = 0; i < 20; i++) scanner.feed(chunk);
    }).toThrow(/^ledger\.xlsx › S: an element <row> is larger than 1 MB: the file is malformed$/);
  });

  it('reads a row spread over many small pieces once it ends', () => {
    let cells = 0;
    const scanner = new SheetScanner('x', (raw) => { cells += raw.n; });
    scanner.feed(Buffer.from(`<worksheet ${NS}><sheetData><row r="1">`));
    for (let i = 0; i < 500; i++) scanner.feed(Buffer.from('<c t="s"><v>0</v></c>'));
    expect(cells).toBe(0);
    scanner.feed(Buffer.from('</row>'));
    expect(cells).toBe(500);
  });
});

describe('the shared-string scanner', () => {
  const xml = `<?xml version="1.0"?><sst ${NS} count="6">`
    + '<si><t>Cañón</t></si>'
    + '<si><t xml:space="preserve"> Müller &amp; Söhne </t></si>'
    + '<si><r><t>José </t></r><r><rPr><b/></rPr><t>Ángel</t></r><rPh><t>ホセ</t></rPh></si>'
    + '<si/>'
    + '<si><t>línea_x000D_</t></si>'
    + '<si><t></t></si>'
    + '</sst>';
  const expected = ['Cañón', ' Müller & Söhne ', 'José Ángel', '', 'línea\r', ''];

  it('reads plain, preserved, rich-text, empty and escaped strings', () => {
    expect(stringsOf(xml, [])).toEqual(expected);
  });

  it('reads the same strings when the XML is cut into two pieces at every byte', () => {
    const wrong: number[] = [];
    for (let cut = 1; cut < Buffer.byteLength(xml); cut++) {
      if (JSON.stringify(stringsOf(xml, [cut])) !== JSON.stringify(expected)) wrong.push(cut);
    }
    expect(wrong).toEqual([]);
  });
});

describe('plainNumber', () => {
  const at = (text: string): number => {
    const b = Buffer.from(text, 'latin1');
    return plainNumber(b, 0, b.length);
  };

  it('reads plain decimals exactly as Number() does', () => {
    for (const t of ['0', '-0', '44794', '4171.61', '-1234.5', '0.1', '.5', '5.', '123456789012345', '0.00000000000001', '9007199254740.99', '1.005']) {
      expect(Object.is(at(t), Number(t)), t).toBe(true);
    }
  });

  it('matches Number() on 20,000 random decimals of up to 15 digits', () => {
    let seed = 7;
    const rand = (): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
    const bad: string[] = [];
    for (let i = 0; i < 20_000; i++) {
      const digits = 1 + Math.floor(rand() * 15);
      let t = '';
      for (let d = 0; d < digits; d++) t += String(Math.floor(rand() * 10));
      const dot = Math.floor(rand() * (digits + 1));
      if (rand() < 0.8) t = `${t.slice(0, dot)}.${t.slice(dot)}`;
      if (rand() < 0.3) t = `-${t}`;
      if (t === '.' || t === '-.') continue;
      if (!Object.is(at(t), Number(t))) bad.push(t);
    }
    expect(bad).toEqual([]);
  });

  it('leaves exponents, signs, spaces and longer numbers to Number() (NaN)', () => {
    for (const t of ['1E-3', '-1.5E2', '+5', ' 5', '5 ', '1234567890123456', '', '-', '.', '1.2.3', '0x10']) {
      expect(at(t), t).toBeNaN();
    }
  });
});

describe('validUtf8', () => {
  it('agrees with a strict TextDecoder on every one- and two-byte sequence and on characters that straddle a cut', () => {
    const strict = new TextDecoder('utf-8', { fatal: true });
    const valid = (b: Uint8Array): boolean => {
      try { strict.decode(b); return true; } catch { return false; }
    };
    const bad: string[] = [];
    for (let a = 0; a < 256; a++) {
      for (let b = 0; b < 256; b++) {
        const bytes = Uint8Array.of(a, b);
        if (validUtf8(bytes, 0, 2) !== valid(bytes)) bad.push(`${a},${b}`);
      }
    }
    for (const text of ['ñ', '€', '😀', 'Logroño']) {
      const bytes = Buffer.from(text);
      for (let cut = 0; cut <= bytes.length; cut++) {
        if (validUtf8(bytes, 0, cut) !== valid(bytes.subarray(0, cut))) bad.push(`${text} cut ${cut}`);
      }
    }
    // Overlong, surrogate and beyond U+10FFFF forms.
    for (const seq of [[0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf0, 0x80, 0x80, 0x80], [0xef, 0xbf, 0xbf]]) {
      const bytes = Uint8Array.from(seq);
      if (validUtf8(bytes, 0, bytes.length) !== valid(bytes)) bad.push(seq.join(','));
    }
    expect(bad).toEqual([]);
  });

  it('keeps a shared string of bytes that are not UTF-8 as the text they read as', () => {
    const t = new SharedStringTable();
    t.addBytes(Uint8Array.of(0x41, 0xff, 0x42), 0, 3);
    t.addBytes(Buffer.from('Peña'), 0, 5);
    expect([t.text(0), t.text(1)]).toEqual(['A\ufffdB', 'Peña']);
    expect([...t.arena.subarray(t.offsets[0]!, t.offsets[1]!)]).toEqual([...Buffer.from('A\ufffdB')]);
  });
});
