// Just enough XML for the machine-written parts of an xlsx file, as text: the root element's
// namespace prefix, start tags and their attributes (workbook, relationships, styles), the text
// of shared and inline strings (rich-text runs), and text decoding (XML entities and Excel's
// _xHHHH_ escapes). The big parts — worksheets and the shared-string table — are scanned as bytes
// (xlsxscan.ts), which falls back on these for the rare element that is not in its plain form.
// Not a general XML parser: no DTDs, no CDATA, no comments in the regions read — OOXML writers
// emit none there. Why hand-written: a regex over the whole document per cell was too slow at
// 100k rows, and exceljs's own reader mangled "Logroño" at chunk boundaries.

/** True for the characters that can end an element name: whitespace, '>' and '/'. */
export function endsName(code: number): boolean {
  return code === 32 || code === 62 || code === 47 || code === 9 || code === 10 || code === 13;
}

/**
 * The namespace prefix of the document's root element ("x:" for `<x:worksheet …>`, "" when
 * unprefixed), or null when the root start tag is not in `text` yet. Some .NET writers prefix
 * every element; Excel writes none.
 */
export function rootPrefix(text: string): string | null {
  let i = 0;
  for (;;) {
    i = text.indexOf('<', i);
    if (i < 0 || i + 1 >= text.length) return null;
    const c = text.charCodeAt(i + 1);
    if (c !== 63 /* ? */ && c !== 33 /* ! */) break;
    i += 2;
  }
  let j = i + 1;
  while (j < text.length && !endsName(text.charCodeAt(j))) j++;
  if (j >= text.length) return null;
  const name = text.slice(i + 1, j);
  const colon = name.indexOf(':');
  return colon < 0 ? '' : name.slice(0, colon + 1);
}

export interface StartTag {
  /** Qualified attribute names ("r:id") → decoded values. */
  readonly attrs: ReadonlyMap<string, string>;
  /** Index just past the tag's '>'. */
  readonly end: number;
  readonly selfClosing: boolean;
}

/** Parses the start tag that begins at s[start] ('<'), quote-aware. For small parts (workbook, rels, styles). */
export function startTag(s: string, start: number): StartTag | null {
  let i = start + 1;
  while (i < s.length && !endsName(s.charCodeAt(i))) i++;
  const attrs = new Map<string, string>();
  for (;;) {
    while (i < s.length && isSpace(s.charCodeAt(i))) i++;
    if (i >= s.length) return null;
    const c = s.charCodeAt(i);
    if (c === 62 /* > */) return { attrs, end: i + 1, selfClosing: false };
    if (c === 47 /* / */) {
      const gt = s.indexOf('>', i);
      return gt < 0 ? null : { attrs, end: gt + 1, selfClosing: true };
    }
    const eq = s.indexOf('=', i);
    if (eq < 0) return null;
    const name = s.slice(i, eq).trim();
    let q = eq + 1;
    while (q < s.length && isSpace(s.charCodeAt(q))) q++;
    const quote = s[q];
    if (quote !== '"' && quote !== "'") return null;
    const close = s.indexOf(quote, q + 1);
    if (close < 0) return null;
    attrs.set(name, decodeEntities(s.slice(q + 1, close)));
    i = close + 1;
  }
}

/** Every start tag of element `name` (qualified, e.g. "x:sheet") in s[from, to). */
export function* startTags(s: string, name: string, from = 0, to = s.length): Generator<StartTag> {
  const open = `<${name}`;
  let i = from;
  for (;;) {
    i = s.indexOf(open, i);
    if (i < 0 || i >= to) return;
    if (endsName(s.charCodeAt(i + open.length))) {
      const tag = startTag(s, i);
      if (!tag) return;
      yield tag;
      i = tag.end;
    } else {
      i += open.length;
    }
  }
}

/** The range [start, end) of the content of the first `<name>…</name>` in s, or null. */
export function contentOf(s: string, name: string, from = 0): { start: number; end: number } | null {
  const open = `<${name}`;
  let i = from;
  for (;;) {
    i = s.indexOf(open, i);
    if (i < 0) return null;
    if (endsName(s.charCodeAt(i + open.length))) break;
    i += open.length;
  }
  const gt = s.indexOf('>', i);
  if (gt < 0) return null;
  if (s.charCodeAt(gt - 1) === 47) return { start: gt + 1, end: gt + 1 };
  const end = s.indexOf(`</${name}>`, gt + 1);
  return end < 0 ? null : { start: gt + 1, end };
}

/**
 * The text of a shared string `<si>` or inline string `<is>`: plain `<t>` or rich-text runs
 * `<r><t>…</t></r>` concatenated, skipping phonetic runs `<rPh>` (Japanese furigana that Excel
 * does not show in the cell). `p` is the namespace prefix.
 */
export function richText(s: string, p: string, from = 0, to = s.length): string {
  const tOpen = `<${p}t`;
  const tClose = `</${p}t>`;
  const phOpen = `<${p}rPh`;
  const phClose = `</${p}rPh>`;
  let out = '';
  let i = from;
  for (;;) {
    const t = findElement(s, tOpen, i, to);
    if (t < 0) return out;
    const ph = findElement(s, phOpen, i, t);
    if (ph >= 0) {
      const end = s.indexOf(phClose, ph);
      if (end < 0 || end >= to) return out;
      i = end + phClose.length;
      continue;
    }
    const gt = s.indexOf('>', t);
    if (gt < 0 || gt >= to) return out;
    if (s.charCodeAt(gt - 1) === 47) { i = gt + 1; continue; } // <t/>
    const end = s.indexOf(tClose, gt + 1);
    if (end < 0 || end > to) return out;
    // xml:space="preserve" or not, the text is kept exactly: Excel writes no padding of its own.
    out += decodeText(s.slice(gt + 1, end));
    i = end + tClose.length;
  }
}

/** Position of the start tag `open` (e.g. "<t") whose name ends there, in s[from, to), or -1. */
export function findElement(s: string, open: string, from: number, to: number): number {
  let i = from;
  for (;;) {
    i = s.indexOf(open, i);
    if (i < 0 || i >= to) return -1;
    if (endsName(s.charCodeAt(i + open.length))) return i;
    i += open.length;
  }
}

const ENTITY_OR_ESCAPE = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);|_x([0-9A-Fa-f]{4})_/g;
const ENTITY = /&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g;
const NAMED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function entity(whole: string, body: string): string {
  const named = NAMED[body];
  if (named !== undefined) return named;
  const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
}

/** Attribute values: XML entities only. */
export function decodeEntities(s: string): string {
  return s.indexOf('&') < 0 ? s : s.replace(ENTITY, entity);
}

/**
 * Cell and string text: XML entities plus Excel's `_xHHHH_` escapes, in one pass so that
 * `_x005F_x000D_` (an escaped underscore) reads as the literal text "_x000D_", and `_x000D_`
 * as a carriage return.
 */
export function decodeText(s: string): string {
  if (s.indexOf('&') < 0 && s.indexOf('_x') < 0) return s;
  return s.replace(ENTITY_OR_ESCAPE, (whole: string, ent: string | undefined, hex: string | undefined) =>
    ent !== undefined ? entity(whole, ent) : String.fromCharCode(parseInt(hex!, 16)));
}

function isSpace(code: number): boolean {
  return code === 32 || code === 9 || code === 10 || code === 13;
}
