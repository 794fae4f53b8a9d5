// The Handlebars helpers of letter templates (documented in templates/VARIABLES.md), registered on
// each isolated instance by render.ts. Formatting goes through ./format.ts in the letter's locale,
// read from the root context, so a template cannot mix locales by accident.
//
// Why the helpers are strict:
// - Handlebars' strict mode checks `{{nmae}}` but not helper arguments: `{{money amout}}` rendered
//   "" and `{{#if paymntUrl}}` silently took the else branch. The letter context defines every
//   variable (null when unset), so an `undefined` argument can only be a typo: every helper here,
//   and the built-in if/unless/each/with, throw a TemplateFault at the call's file and line.
// - The text part's invoice table is aligned by `textTable` from the rendered cells, not by
//   hand-counted spaces in the template: amounts differ in width by currency and locale
//   ("$12,500.00" vs "12.500,00 €"), so fixed padding broke the columns.
import Handlebars from 'handlebars';
import { parseIsoDay, type Day } from '../core/dates.js';
import type { FastHelper, FastHelperOptions } from './fasttemplate.js';
import { formatDateLong, formatDateShort, formatLetterMoney, formatNumber } from './format.js';

type HB = typeof Handlebars;
type Options = Handlebars.HelperOptions & { loc?: SourceLoc; data?: { root?: unknown } };

export interface SourceLoc {
  readonly source?: string;
  readonly start: { readonly line: number; readonly column: number };
  readonly end?: { readonly line: number; readonly column: number };
}

/** A mistake in a template found while rendering, with where it is (loc.source is the file). */
export class TemplateFault extends Error {
  constructor(
    message: string,
    readonly loc: SourceLoc | undefined,
  ) {
    super(message);
    this.name = 'TemplateFault';
  }
}

/** The helpers every letter template can call, besides Handlebars' own (if, unless, each, with, lookup, log). */
export const LETTER_HELPERS = [
  'money', 'date', 'number', 'plural', 'eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'and', 'or', 'not',
  'textTable', 'row', 'spanRow', 'rule',
] as const;

export const BUILTIN_HELPERS = ['if', 'unless', 'each', 'with', 'lookup', 'log'] as const;

// Markers between the row helpers and textTable: control characters that never survive into a
// cell (cellText removes them), so a "|" or tab in an invoice number cannot shift a column.
const ROW = '\u001d';
const SPAN = '\u001e';
const RULE = '\u001c';
const CELL = '\u001f';

function splitArgs(args: readonly unknown[]): { values: unknown[]; options: Options } {
  const options = args[args.length - 1] as Options;
  return { values: args.slice(0, -1), options };
}

function requireDefined(helper: string, values: readonly unknown[], options: Options): void {
  if (values.some((v) => v === undefined)) {
    throw new TemplateFault(`${helper}: an argument is not a known variable (a typo? see templates/VARIABLES.md)`, options.loc);
  }
}

function rootField(options: Options, field: 'locale' | 'currency'): string {
  const root = options.data?.root as Record<string, unknown> | undefined;
  const value = root?.[field];
  if (typeof value !== 'string') throw new TemplateFault(`the letter context has no ${field}`, options.loc);
  return value;
}

function dayArg(helper: string, value: unknown, options: Options): Day {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string') {
    const d = parseIsoDay(value);
    if (d !== null) return d;
  }
  throw new TemplateFault(`${helper}: ${JSON.stringify(value)} is not a date (expected "YYYY-MM-DD")`, options.loc);
}

function cellText(value: unknown): string {
  if (value === null) return '';
  // eslint-disable-next-line no-control-regex
  return String(value).replace(/[\u001c-\u001f\r\n\t]/g, ' ');
}

const SURROGATE = /[\ud800-\udfff]/;

/** Characters as a reader counts them: code points, as [...text].length, without building the array. */
export function codePoints(text: string): number {
  if (!SURROGATE.test(text)) return text.length;
  let n = text.length;
  for (let i = 0; i < text.length - 1; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) {
        n -= 1;
        i += 1;
      }
    }
  }
  return n;
}

function width(text: string): number {
  return codePoints(text);
}

function pad(text: string, w: number, align: string, textWidth = width(text)): string {
  const fill = ' '.repeat(Math.max(0, w - textWidth));
  return align === 'r' ? fill + text : text + fill;
}

/** Lays out the rows written by row / spanRow / rule inside a textTable block (see VARIABLES.md). */
export function layoutTable(body: string, hash: { align?: unknown; indent?: unknown; gap?: unknown }): string {
  const aligns = typeof hash.align === 'string' ? hash.align : '';
  const indent = ' '.repeat(typeof hash.indent === 'number' ? hash.indent : 0);
  const gap = ' '.repeat(typeof hash.gap === 'number' ? hash.gap : 2);
  // A row keeps its cells' widths: measured once, used for the column widths and the padding.
  type Line = { kind: 'row'; cells: string[]; widths: number[] } | { kind: 'span'; label: string; value: string } | { kind: 'rule'; char: string } | { kind: 'text'; text: string };
  const lines: Line[] = [];
  for (const raw of body.split('\n')) {
    const at = raw.search(/[\u001c-\u001e]/);
    if (at < 0) {
      if (raw.trim() !== '') lines.push({ kind: 'text', text: raw });
      continue;
    }
    const rest = raw.slice(at + 1);
    if (raw[at] === ROW) {
      const cells = rest.split(CELL);
      lines.push({ kind: 'row', cells, widths: cells.map(width) });
    }
    else if (raw[at] === SPAN) {
      const [label = '', value = ''] = rest.split(CELL);
      lines.push({ kind: 'span', label, value });
    } else lines.push({ kind: 'rule', char: rest.trim().charAt(0) || '-' });
  }
  const columns = Math.max(2, ...lines.map((l) => (l.kind === 'row' ? l.cells.length : 0)));
  const widths = new Array<number>(columns).fill(0);
  for (const l of lines) if (l.kind === 'row') l.widths.forEach((w, i) => (widths[i] = Math.max(widths[i]!, w)));
  const last = columns - 1;
  for (const l of lines) {
    if (l.kind !== 'span') continue;
    widths[last] = Math.max(widths[last]!, width(l.value));
    const room = widths.slice(0, last).reduce((a, b) => a + b, 0) + gap.length * (last - 1);
    if (width(l.label) > room) widths[last - 1] = widths[last - 1]! + width(l.label) - room;
  }
  const total = widths.reduce((a, b) => a + b, 0) + gap.length * last;
  const alignOf = (i: number): string => aligns.charAt(i) || 'l';
  const out = lines.map((l) => {
    switch (l.kind) {
      case 'row':
        return indent + widths.map((w, i) => pad(l.cells[i] ?? '', w, alignOf(i), l.widths[i] ?? 0)).join(gap);
      case 'span':
        return indent + pad(l.label, total - widths[last]! - gap.length, 'l') + gap + pad(l.value, widths[last]!, alignOf(last));
      case 'rule':
        return indent + l.char.repeat(total);
      case 'text':
        return l.text;
    }
  });
  return out.map((s) => s.trimEnd()).join('\n') + '\n';
}

/**
 * The letter helpers as functions of their argument values: called by the fast renderer
 * (fasttemplate.ts) directly and by Handlebars through registerLetterHelpers. Each refuses an
 * undefined argument (a typo) with a TemplateFault at the call's file and line.
 */
export function letterHelpers(): Map<string, FastHelper> {
  const helpers = new Map<string, FastHelper>();
  const simple = (name: string, fn: (values: unknown[], options: Options) => unknown): void => {
    helpers.set(name, (values, options) => {
      requireDefined(name, values, options as Options);
      return fn(values, options as Options);
    });
  };
  const isEmpty = Handlebars.Utils.isEmpty;

  simple('money', ([minor, currency], options) => {
    if (minor === null) return '';
    if (typeof minor !== 'number' || !Number.isSafeInteger(minor)) {
      throw new TemplateFault(`money: ${JSON.stringify(minor)} is not an amount in minor units (use an …Minor variable, e.g. amountAskedMinor)`, options.loc);
    }
    const code = typeof currency === 'string' ? currency : rootField(options, 'currency');
    return formatLetterMoney(minor, code, rootField(options, 'locale'));
  });

  simple('date', ([value, style], options) => {
    if (value === null) return '';
    const day = dayArg('date', value, options);
    const locale = rootField(options, 'locale');
    if (style === undefined || style === 'long') return formatDateLong(day, locale);
    if (style === 'short') return formatDateShort(day, locale);
    throw new TemplateFault(`date: style must be "long" or "short", not ${JSON.stringify(style)}`, options.loc);
  });

  simple('number', ([n, decimals], options) => {
    if (n === null) return '';
    if (typeof n !== 'number' || !Number.isFinite(n)) throw new TemplateFault(`number: ${JSON.stringify(n)} is not a number`, options.loc);
    return formatNumber(n, rootField(options, 'locale'), typeof decimals === 'number' ? decimals : 2);
  });

  simple('plural', ([n, one, other], options) => {
    if (typeof one !== 'string' || typeof other !== 'string') throw new TemplateFault('plural: write {{plural count "singular" "plural"}}', options.loc);
    return n === 1 ? one : other;
  });

  simple('eq', ([a, b]) => a === b);
  simple('ne', ([a, b]) => a !== b);
  const compare = (name: string, test: (a: number, b: number) => boolean): void =>
    simple(name, ([a, b]) => typeof a === 'number' && typeof b === 'number' && test(a, b));
  compare('gt', (a, b) => a > b);
  compare('gte', (a, b) => a >= b);
  compare('lt', (a, b) => a < b);
  compare('lte', (a, b) => a <= b);
  simple('and', (values) => values.every((v) => !isEmpty(v)));
  simple('or', (values) => values.some((v) => !isEmpty(v)));
  simple('not', ([v]) => isEmpty(v));

  simple('row', (cells) => ROW + cells.map(cellText).join(CELL));
  simple('spanRow', ([label, value]) => SPAN + cellText(label ?? '') + CELL + cellText(value ?? ''));
  simple('rule', ([char]) => RULE + (typeof char === 'string' ? char : '-'));
  helpers.set('textTable', (values, options, self) => {
    if (values.length > 0 || typeof options.fn !== 'function') throw new TemplateFault('textTable is a block: {{#textTable}}…{{/textTable}}', options.loc);
    return layoutTable(options.fn(self) as string, options.hash); // not text: throws, as with Handlebars
  });
  return helpers;
}

/** Registers the letter helpers, and strict versions of if/unless/each/with, on an isolated instance. */
export function registerLetterHelpers(hb: HB): void {
  for (const [name, helper] of letterHelpers()) {
    hb.registerHelper(name, function (this: unknown, ...args: unknown[]) {
      const { values, options } = splitArgs(args);
      return helper(values, options as unknown as FastHelperOptions, this);
    });
  }

  // Handlebars' block helpers, made to refuse an unknown variable and a missing argument.
  for (const name of ['if', 'unless', 'each', 'with'] as const) {
    const original = hb.helpers[name] as (...args: unknown[]) => unknown;
    hb.registerHelper(name, function (this: unknown, ...args: unknown[]) {
      const { values, options } = splitArgs(args);
      if (values.length !== 1) throw new TemplateFault(`#${name} needs exactly one value`, options.loc);
      requireDefined(`#${name}`, values, options);
      return original.apply(this, args);
    });
  }
}
