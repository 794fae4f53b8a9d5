// Loading and rendering the letter templates (SPEC §4): `templates/<lang>/` in the client folder
// (or --templates DIR) overrides the shipped templates file by file; everything is compiled on an
// isolated Handlebars instance in strict mode, checked before the first letter, and every mistake
// is a TemplateError (exit 2) that names the template file and line.
//
// Why each rule exists:
// - Templates are checked when loaded: the helpers and partials they call must exist, HTML templates
//   may not use {{{triple-stash}}} (it would print a ledger value unescaped) nor include a text
//   partial (compiled without escaping), and every letter is rendered twice with sample customers
//   (everything set / nothing optional set) so a typo in a branch a real customer rarely takes
//   still stops the run before anything is written or sent.
// - Handlebars' strict-mode error carries a line but not the file; inside a partial (or a
//   {{#> layout}} block) the line belongs to another file. Each template is wrapped and claims the
//   error only when the unknown name is on that line of its own source.
// - HTML templates escape (`{{x}}`); text and subject templates do not (a plain-text "Pérez & Hijos"
//   must not become "Pérez &amp; Hijos"), so escaping follows the file name: `*.html.hbs`.
// - Letters are rendered by fasttemplate.ts where it gives Handlebars' text (checked on the sample
//   customers at load); Handlebars renders the others, and any letter the fast renderer gives up
//   on, so every error still comes from Handlebars with its file and line.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { TemplateError, DunningError } from '../errors.js';
import { buildLetterContext, LETTER_KINDS, type LetterContext, type LetterInput, type LetterKind } from './context.js';
import { compileFast, type FastTemplate } from './fasttemplate.js';
import { BUILTIN_HELPERS, codePoints, LETTER_HELPERS, letterHelpers, registerLetterHelpers, TemplateFault, type SourceLoc } from './helpers.js';

type HB = typeof Handlebars;
type Delegate = Handlebars.TemplateDelegate;
type Part = 'subject' | 'html' | 'text';

const PARTS: readonly Part[] = ['subject', 'html', 'text'];
const LETTER_FILE = /^([a-z0-9][a-z0-9_-]*)\.(subject|html|text)\.hbs$/i;
const PARTIAL_FILE = /^([a-z0-9][a-z0-9_-]*\.(?:html|text))\.hbs$/i;
/** Short messages (`friendly.sms.hbs`) sit next to the letters but are loaded by ./sms.ts. */
const SMS_FILE = /\.sms\.hbs$/i;

/** One template file, compiled and wrapped so that its errors name the file and line. */
export interface CompiledTemplate {
  /** "friendly.html" or "partials/invoices.html" */
  readonly key: string;
  readonly file: string;
  readonly lines: readonly string[];
  readonly render: Delegate;
}

type Source = Omit<CompiledTemplate, 'render'>;

/** The compiled templates of one language, from loadTemplates. */
export interface LetterTemplates {
  readonly lang: 'es' | 'en';
  /** The folders searched, override first. */
  readonly dirs: readonly string[];
  /** Letter names with all three parts (subject, html, text): the shipped kinds and any custom ones. */
  readonly letters: readonly string[];
  /** Template key ("friendly.html", "partials/invoices.text") → the file it was read from. */
  readonly files: ReadonlyMap<string, string>;
  readonly compiled: ReadonlyMap<string, CompiledTemplate>;
  /**
   * Per letter name, its three parts in one call, separated by PART_SEPARATOR (see WHOLE_LETTER).
   * Absent for templates built by hand (tests): renderLetter then renders the parts one by one.
   */
  readonly whole?: ReadonlyMap<string, Delegate>;
  /**
   * Per letter name, its three parts by the fast renderer (fasttemplate.ts), for the letters whose
   * templates and partials it compiles and whose sample letters it renders as Handlebars does.
   */
  readonly fast?: ReadonlyMap<string, FastLetter>;
}

/** The subject, HTML and text templates of a letter, compiled by the fast renderer. */
type FastLetter = readonly [FastTemplate, FastTemplate, FastTemplate];

/**
 * Why a letter's three parts are rendered through one wrapper template that calls them as
 * partials: every top-level Handlebars call sets itself up again (it wraps each of the ~25
 * helpers in a new function, merges the partials, builds the prototype-access lists): 12–20 µs
 * here, three times a letter, against once. The parts keep their own compile options (HTML
 * escaped, text not) and their own error attribution; the output is the same text.
 */
const PART_SEPARATOR = '\u0001';
const WHOLE_LETTER = (name: string): string => PARTS.map((p) => `{{> "${wholePartName(name, p)}"}}`).join(PART_SEPARATOR);
/** The name the wrapper calls a part by: a space keeps it apart from every partial a user can write. */
const wholePartName = (name: string, p: Part): string => `dunning letter ${name}.${p}`;

export interface RenderedLetter {
  /** One line, trimmed, never empty. */
  readonly subject: string;
  readonly html: string;
  /** Plain text written by its own template; lines end in "\n". */
  readonly text: string;
}

/**
 * The shipped templates folder: `templates/` at the package root, two levels above this module in
 * both layouts (src/letters/render.ts under vitest, dist/letters/render.js when installed).
 */
export function shippedTemplatesDir(): string {
  return fileURLToPath(new URL('../../templates/', import.meta.url)).replace(/[\\/]$/, '');
}

function fail(file: string, line: number | null, message: string): TemplateError {
  return new TemplateError(line === null ? `${file}: ${message}` : `${file}, line ${line}: ${message}`);
}

async function listHbs(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries.filter((e) => e.isFile() && e.name.endsWith('.hbs')).map((e) => e.name).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw err;
  }
}

/** Which file provides each template key: the first folder that has it wins. */
async function findFiles(dirs: readonly string[], lang: string): Promise<Map<string, string>> {
  const files = new Map<string, string>();
  for (const dir of dirs) {
    const langDir = join(dir, lang);
    for (const name of await listHbs(langDir)) {
      if (SMS_FILE.test(name)) continue;
      const m = LETTER_FILE.exec(name);
      if (!m) {
        throw fail(join(langDir, name), null, 'unexpected template file name: letters are <name>.subject.hbs, <name>.html.hbs and <name>.text.hbs, partials go in partials/');
      }
      const key = `${m[1]}.${m[2]!.toLowerCase()}`;
      if (!files.has(key)) files.set(key, join(langDir, name));
    }
    const partialDir = join(langDir, 'partials');
    for (const name of await listHbs(partialDir)) {
      const m = PARTIAL_FILE.exec(name);
      if (!m) throw fail(join(partialDir, name), null, 'unexpected partial file name: partials are <name>.html.hbs or <name>.text.hbs');
      const key = `partials/${m[1]}`;
      if (!files.has(key)) files.set(key, join(partialDir, name));
    }
  }
  return files;
}

// Every helper a template may call is known when it is compiled (checkAst refuses any other), so
// Handlebars is told: `{{invoice}}` then reads the variable at once instead of first looking for
// a helper called "invoice" (~100,000 invoice lines in 10,000 letters: 5–15 % of the rendering).
const KNOWN_HELPERS: Readonly<Record<string, boolean>> = Object.fromEntries([...LETTER_HELPERS, ...BUILTIN_HELPERS].map((h) => [h, true]));

function isHtml(key: string): boolean {
  return key.endsWith('.html');
}

function lineOf(err: unknown): number | null {
  if (err && typeof err === 'object') {
    const n = (err as { lineNumber?: unknown }).lineNumber;
    if (typeof n === 'number') return n;
    const m = /on line (\d+)/.exec(String((err as Error).message));
    if (m) return Number(m[1]);
  }
  return null;
}

function cleanMessage(err: unknown): string {
  return String(err instanceof Error ? err.message : err)
    .replace(/ - \d+:\d+$/, '')
    .replace(/\n/g, ' ')
    .replace(/^Parse error on line \d+: /, 'syntax error: ');
}

/** Walks a template's syntax tree for what can be checked before rendering: helpers, partials, triple-stash. */
function checkAst(ast: hbs.AST.Program, key: string, file: string, partials: ReadonlySet<string>): void {
  const helpers = new Set<string>([...LETTER_HELPERS, ...BUILTIN_HELPERS]);
  const inline = new Set<string>();
  const at = (node: hbs.AST.Node): number | null => node.loc?.start?.line ?? null;
  const helperName = (path: hbs.AST.Expression): string | null =>
    path.type === 'PathExpression' ? (path as hbs.AST.PathExpression).original : null;

  const visit = (node: hbs.AST.Node | null | undefined): void => {
    if (!node) return;
    switch (node.type) {
      case 'Program':
        (node as hbs.AST.Program).body.forEach(visit);
        return;
      case 'MustacheStatement':
      case 'SubExpression':
      case 'BlockStatement': {
        const n = node as hbs.AST.MustacheStatement & { program?: hbs.AST.Program; inverse?: hbs.AST.Program };
        const name = helperName(n.path);
        const callsHelper = node.type === 'SubExpression' || n.params.length > 0 || (n.hash?.pairs.length ?? 0) > 0;
        if (callsHelper && (name === null || !helpers.has(name))) {
          throw fail(file, at(node), `unknown helper "${name ?? '?'}" (helpers: ${[...LETTER_HELPERS].join(', ')}; see templates/VARIABLES.md)`);
        }
        if (node.type === 'MustacheStatement' && !n.escaped && isHtml(key)) {
          throw fail(file, at(node), '{{{…}}} prints a value without HTML escaping; HTML letters must use {{…}} so ledger text cannot inject markup');
        }
        n.params.forEach(visit);
        n.hash?.pairs.forEach((p) => visit(p.value));
        visit(n.program);
        visit(n.inverse);
        return;
      }
      case 'PartialStatement':
      case 'PartialBlockStatement': {
        const n = node as hbs.AST.PartialStatement & { program?: hbs.AST.Program };
        const nameNode = n.name as hbs.AST.Node; // {{> name}}, {{> "name"}} or a dynamic {{> (expr)}}
        const name =
          nameNode.type === 'PathExpression' ? (nameNode as hbs.AST.PathExpression).original
          : nameNode.type === 'StringLiteral' ? (nameNode as hbs.AST.StringLiteral).value
          : null;
        if (name !== null && name !== '@partial-block' && !inline.has(name)) {
          if (!partials.has(name)) throw fail(file, at(node), `unknown partial "${name}" (partials are the files in partials/, e.g. {{> invoices.${isHtml(key) ? 'html' : 'text'}}})`);
          if (isHtml(key) !== isHtml(name)) {
            throw fail(file, at(node), `partial "${name}" is for ${isHtml(name) ? 'HTML' : 'text'} letters; use the .${isHtml(key) ? 'html' : 'text'} partial here`);
          }
        }
        n.params.forEach(visit);
        n.hash?.pairs.forEach((p) => visit(p.value));
        visit(n.program);
        return;
      }
      case 'DecoratorBlock': {
        const n = node as hbs.AST.BlockStatement;
        const first = n.params[0];
        if (helperName(n.path) === 'inline' && first?.type === 'StringLiteral') inline.add((first as hbs.AST.StringLiteral).value);
        visit(n.program);
        return;
      }
      default:
        return;
    }
  };
  // Inline partials are declared before use; collect them first so the order in the file does not matter.
  const collect = (node: hbs.AST.Node | null | undefined): void => {
    if (!node) return;
    if (node.type === 'DecoratorBlock') {
      const n = node as hbs.AST.BlockStatement;
      const first = n.params[0];
      if (first?.type === 'StringLiteral') inline.add((first as hbs.AST.StringLiteral).value);
    }
    const n = node as { body?: hbs.AST.Node[]; program?: hbs.AST.Node; inverse?: hbs.AST.Node };
    n.body?.forEach(collect);
    collect(n.program);
    collect(n.inverse);
  };
  collect(ast);
  visit(ast);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The first line (1-based) of a template whose text matches, or null. */
function lineWith(c: Source, pattern: RegExp): number | null {
  const index = c.lines.findIndex((l) => pattern.test(l));
  return index < 0 ? null : index + 1;
}

/**
 * Turns what a render threw into a TemplateError naming this template's file and line, or returns
 * null when the error belongs to another file (a strict-mode name that is not on that line here).
 */
function attribute(err: unknown, c: Source, last: boolean): TemplateError | null {
  if (err instanceof TemplateFault) {
    const loc: SourceLoc | undefined = err.loc;
    return fail(loc?.source ?? c.file, loc?.start.line ?? null, err.message);
  }
  const message = err instanceof Error ? err.message : String(err);
  const strict = /^"([^"]+)" not defined in (.*) - (\d+):(\d+)$/s.exec(message);
  if (strict) {
    const [, name = '', where = '', lineText = '0', colText = '0'] = strict;
    const line = Number(lineText);
    const onLine = c.lines[line - 1]?.slice(Number(colText)).includes(name) ?? false;
    if (!onLine && !last) return null;
    const what = where === 'null' || where === 'undefined' ? `"${name}" is read from a value that is null here (guard it with {{#if …}})` : `unknown variable or helper "${name}" (see templates/VARIABLES.md)`;
    return fail(c.file, line, what);
  }
  // No line in these errors: the line is found by searching this template's source for the name.
  const inText = /^Cannot use 'in' operator to search for '([^']+)' in (.*)$/s.exec(message);
  if (inText) {
    const line = lineWith(c, new RegExp(`\\.${escapeRegExp(inText[1]!)}\\b`));
    if (line === null && !last) return null;
    return fail(c.file, line, `"${inText[1]}" is read from a text or number, not from a group of variables (see templates/VARIABLES.md)`);
  }
  const partial = /^The partial (.+) could not be found$/.exec(message);
  if (partial) {
    const line = lineWith(c, new RegExp(`\\{\\{#?>\\s*"?${escapeRegExp(partial[1]!)}`));
    if (line === null && !last) return null;
    return fail(c.file, line, `unknown partial "${partial[1]}"`);
  }
  if (!last) return null;
  return fail(c.file, lineOf(err), cleanMessage(err));
}

function wrap(c: Source, fn: Delegate, outermost: boolean): Delegate {
  return (context: unknown, options?: Handlebars.RuntimeOptions) => {
    try {
      return fn(context, options);
    } catch (err) {
      if (err instanceof TemplateError) throw err;
      if (err instanceof DunningError) throw err; // e.g. a locale Intl refuses: a config error, said as such
      const attributed = attribute(err, c, outermost);
      throw attributed ?? err;
    }
  };
}

/**
 * Reads and compiles every template of `lang`: for each file name, the first of `dirs` that has
 * `<dir>/<lang>/<file>` wins (pass the client folder's templates/ or --templates DIR first, then
 * shippedTemplatesDir()). Throws TemplateError naming file and line for any mistake, including one
 * found by rendering every letter with sample customers.
 */
export async function loadTemplates(dirs: readonly string[], lang: 'es' | 'en'): Promise<LetterTemplates> {
  const files = await findFiles(dirs, lang);
  const hb: HB = Handlebars.create();
  registerLetterHelpers(hb);
  const partialNames = new Set([...files.keys()].filter((k) => k.startsWith('partials/')).map((k) => k.slice('partials/'.length)));

  const compiled = new Map<string, CompiledTemplate>();
  const fastPartials = new Map<string, FastTemplate>();
  const fastEnv = { helpers: letterHelpers(), partials: fastPartials };
  const fastParts = new Map<string, FastTemplate>();
  for (const [key, file] of files) {
    const source = (await readFile(file, 'utf8')).replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
    let ast: hbs.AST.Program;
    try {
      ast = hb.parse(source, { srcName: file });
    } catch (err) {
      throw fail(file, lineOf(err), cleanMessage(err));
    }
    checkAst(ast, key, file, partialNames);
    // Before Handlebars compiles the tree: its compiler changes it.
    const fast = compileFast(ast, isHtml(key), fastEnv);
    if (fast) {
      if (key.startsWith('partials/')) fastPartials.set(key.slice('partials/'.length), fast);
      else fastParts.set(key, fast);
    }
    const fn = hb.compile(ast, { strict: true, noEscape: !isHtml(key), knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true });
    const partial = key.startsWith('partials/');
    const src: Source = { key, file, lines: source.split('\n') };
    const c: CompiledTemplate = { ...src, render: wrap(src, fn, !partial) };
    compiled.set(key, c);
    if (partial) hb.registerPartial(key.slice('partials/'.length), c.render);
  }

  const names = new Set([...files.keys()].filter((k) => !k.startsWith('partials/')).map((k) => k.replace(/\.(subject|html|text)$/, '')));
  for (const name of names) {
    const missing = PARTS.filter((p) => !files.has(`${name}.${p}`));
    if (missing.length) {
      const some = files.get(`${name}.${PARTS.find((p) => files.has(`${name}.${p}`))}`)!;
      throw fail(some, null, `letter "${name}" also needs ${missing.map((p) => `${name}.${p}.hbs`).join(' and ')}`);
    }
  }
  const whole = new Map<string, Delegate>();
  for (const name of names) {
    for (const p of PARTS) hb.registerPartial(wholePartName(name, p), compiled.get(`${name}.${p}`)!.render);
    whole.set(name, hb.compile(WHOLE_LETTER(name), { strict: true, noEscape: true, knownHelpers: KNOWN_HELPERS, knownHelpersOnly: true }));
  }
  const fast = new Map<string, FastLetter>();
  const templates: LetterTemplates = { lang, dirs: [...dirs], letters: [...names].sort(), files, compiled, whole, fast };
  if (templates.letters.length === 0) {
    throw new TemplateError(`no letter templates for "${lang}" in ${dirs.map((d) => join(d, lang)).join(', ')}`);
  }
  for (const name of templates.letters) {
    const samples = sampleLetterInputs(name, lang).map(buildLetterContext);
    // Each sample by Handlebars, as a letter (which throws the template's mistakes)…
    const viaHandlebars = samples.map((sample) => {
      const parts = renderParts(templates, sample, name);
      letterOf(templates, name, parts);
      return parts;
    });
    // …and the fast renderer used for this letter only if it gives the same text for both.
    const parts = PARTS.map((p) => fastParts.get(`${name}.${p}`));
    if (parts.every((f): f is FastTemplate => f !== undefined && allFast(f, fastPartials))) {
      const letter = parts as unknown as FastLetter;
      const same = samples.every((sample, k) => {
        const viaFast = renderFastParts(letter, sample);
        return viaFast !== null && viaFast.every((text, i) => text === viaHandlebars[k]![i]);
      });
      if (same) fast.set(name, letter);
    }
  }
  return templates;
}

/** Every partial `t` calls, and every one they call, is compiled by the fast renderer. */
function allFast(t: FastTemplate, partials: ReadonlyMap<string, FastTemplate>, seen = new Set<string>()): boolean {
  for (const name of t.partials) {
    if (seen.has(name)) continue;
    seen.add(name);
    const p = partials.get(name);
    if (!p || !allFast(p, partials, seen)) return false;
  }
  return true;
}

/**
 * A letter's subject, HTML and text by the fast renderer, or null where it leaves the letter to
 * Handlebars: when it gives up (FastBail), and on any other error too — Handlebars then writes the
 * letter or reports the mistake, so a fault of the fast renderer costs time, never a letter.
 */
function renderFastParts(letter: FastLetter, context: LetterContext): string[] | null {
  const data = { root: context };
  try {
    return letter.map((t) => t.render(context, data));
  } catch {
    return null;
  }
}

/**
 * Each language's templates loaded once, when first asked (a run's letters may be in both), by the
 * main thread and by the render worker alike. A load that failed is tried again when asked again.
 */
export function templateLoader(dirs: readonly string[]): (lang: 'es' | 'en') => Promise<LetterTemplates> {
  const loaded = new Map<'es' | 'en', Promise<LetterTemplates>>();
  return (lang) => {
    let t = loaded.get(lang);
    if (!t) {
      t = loadTemplates(dirs, lang);
      loaded.set(lang, t);
      t.catch(() => loaded.delete(lang));
    }
    return t;
  };
}

/** Width of the text part's paragraphs: what reads well in a terminal, Notepad or a mail client. */
const TEXT_WIDTH = 76;

/**
 * One long line of the text part, word-wrapped at TEXT_WIDTH: templates write each paragraph on one
 * line because its length depends on names and amounts. Indented lines keep their indent, a "- "
 * bullet hangs, and a line with a run of spaces (an aligned table row) is never reflowed. Only
 * U+0020 breaks a line, so an amount with a no-break space ("$ 1.234,50") or a long date stays
 * whole, and never between two groups of digits: "+52 55 1234 5678" and a bank account number
 * "0121 8000 1234 5678 90" were split across lines.
 */
export function wrapLine(line: string, width = TEXT_WIDTH): string[] {
  // A line never has more characters than UTF-16 units: most lines are decided without counting.
  if (line.length <= width || codePoints(line) <= width) return [line];
  const indent = /^ */.exec(line)![0];
  const body = line.slice(indent.length);
  if (body.includes('  ')) return [line];
  const hang = indent + (/^[-*•] /.test(body) ? '  ' : '');
  return wrapWords(body, width, indent, hang);
}

/** A number starts at `at`: a digit, or "+" / "(" and a digit ("+52", "(55)", "0121"). */
function startsNumber(text: string, at: number): boolean {
  let c = text.charCodeAt(at);
  if (c === 43 || c === 40) c = text.charCodeAt(at + 1);
  return c >= 48 && c <= 57;
}

/**
 * The word wrap of wrapLine, by positions: the words of a line are separated by single spaces in
 * `body`, so each output line is one slice of it. Why: 10,000 letters have ~50,000 paragraphs to
 * wrap, and splitting them into word strings, testing a regex per word and concatenating the
 * lines took ~0.3 s here. Widths are in characters (an emoji is one).
 */
function wrapWords(body: string, width: number, indent: string, hang: string): string[] {
  const units = codePoints(body) === body.length; // every character one UTF-16 unit: widths by position
  const out: string[] = [];
  let lineStart = -1; // where the current line's text starts in body; -1: no line yet
  let lineEnd = 0;
  let lineLength = 0; // prefix included
  let wordStart = 0;
  let tokenStart = 0;
  const n = body.length;
  for (;;) {
    const space = body.indexOf(' ', tokenStart);
    const tokenEnd = space < 0 ? n : space;
    // A space between two numbers ("+52 55 1234 5678") does not end a word.
    if (space >= 0 && startsNumber(body, tokenStart) && startsNumber(body, space + 1)) {
      tokenStart = space + 1;
      continue;
    }
    const length = units ? tokenEnd - wordStart : codePoints(body.slice(wordStart, tokenEnd));
    if (lineStart < 0) {
      lineStart = wordStart;
      lineLength = indent.length + length;
    } else if (lineLength + 1 + length <= width) {
      lineLength += 1 + length;
    } else {
      out.push((out.length === 0 ? indent : hang) + body.slice(lineStart, lineEnd));
      lineStart = wordStart;
      lineLength = hang.length + length;
    }
    lineEnd = tokenEnd;
    if (space < 0) break;
    wordStart = tokenStart = space + 1;
  }
  out.push((out.length === 0 ? indent : hang) + body.slice(lineStart, lineEnd));
  return out;
}

/**
 * Whether tidy would change a text that ends with one line end: a blank (any white space but a
 * line end) before a line end or at the end, three line ends in a row, white space first, or a CR.
 * That is /[^\S\n](?:\n|$)|\n\n\n|^\s|\r/ (compared in test/letters/speed-paths.test.ts), found by
 * looking before each line end instead, about 4 times faster on a letter's HTML (10,000 letters:
 * ~100 MB of it, ~0.25 s of one thread for the regular expression).
 */
export function untidy(text: string): boolean {
  const n = text.length;
  if (n === 0) return false;
  if (text.includes('\r') || text.includes('\n\n\n') || WHITE.test(text[0]!) || (text[n - 1] !== '\n' && WHITE.test(text[n - 1]!))) return true;
  for (let i = text.indexOf('\n', 1); i > 0; i = text.indexOf('\n', i + 1)) {
    const c = text.charCodeAt(i - 1);
    if (c === 32 || c === 9 || c === 11 || c === 12 || (c >= 0xa0 && WHITE.test(text[i - 1]!))) return true;
  }
  return false;
}

const WHITE = /^\s$/;

/** Blank lines collapsed and trailing spaces dropped: conditionals in a template leave both behind. */
export function tidy(text: string, wrap: boolean): string {
  // Most HTML parts have nothing to tidy (Handlebars drops the lines of standalone {{#if}} tags):
  // one scan by a regular expression instead of splitting, trimming and joining ~300 lines.
  if (!wrap && text.endsWith('\n') && !text.endsWith('\n\n') && !untidy(text)) return text;
  const lines = (text.includes('\r') ? text.replace(/\r\n?/g, '\n') : text).split('\n');
  const out: string[] = [];
  for (const line of lines) {
    const l = line.trimEnd();
    if (wrap && l.length > TEXT_WIDTH) for (const w of wrapLine(l)) out.push(w);
    else out.push(l);
  }
  return out.join('\n').replace(/\n{3,}/g, '\n\n').trim() + '\n';
}

function part(templates: LetterTemplates, name: string, p: Part): CompiledTemplate {
  const c = templates.compiled.get(`${name}.${p}`);
  if (!c) {
    const where = templates.dirs.map((d) => join(d, templates.lang)).join(', ');
    throw new TemplateError(`no template ${name}.${p}.hbs for "${templates.lang}" in ${where}`);
  }
  return c;
}

/**
 * Renders one letter: `name` defaults to the context's kind (friendly, firm…); a custom level
 * template name from the config works the same way. Throws TemplateError naming file and line.
 */
export function renderLetter(templates: LetterTemplates, context: LetterContext, name: string = context.kind): RenderedLetter {
  const fast = templates.fast?.get(name);
  return letterOf(templates, name, (fast && renderFastParts(fast, context)) ?? renderParts(templates, context, name));
}

/** The letter from its three rendered parts: the subject on one line (never empty), the parts tidied. */
function letterOf(templates: LetterTemplates, name: string, [subjectText, html, text]: readonly string[]): RenderedLetter {
  const subject = subjectText!.replace(/\s+/g, ' ').trim();
  if (subject === '') throw fail(part(templates, name, 'subject').file, null, 'the subject is empty for this letter');
  return { subject, html: tidy(html!, false), text: tidy(text!, true) };
}

/** A letter's subject, HTML and text as Handlebars renders them. */
function renderParts(templates: LetterTemplates, context: LetterContext, name: string): string[] {
  const subjectPart = part(templates, name, 'subject');
  const htmlPart = part(templates, name, 'html');
  const textPart = part(templates, name, 'text');
  const whole = templates.whole?.get(name)?.(context).split(PART_SEPARATOR);
  // A template that writes the separator itself gets its parts rendered one by one instead.
  return whole?.length === 3 ? whole : [subjectPart.render(context), htmlPart.render(context), textPart.render(context)];
}

/**
 * Sample customers for the load-time check of letter and short-message templates (sms.ts): one
 * with every optional value set and several lines in every list, one with nothing optional at
 * all. Amounts add up as buildLetterContext requires.
 */
export function sampleLetterInputs(name: string, lang: 'es' | 'en'): LetterInput[] {
  const kind: LetterKind = (LETTER_KINDS as readonly string[]).includes(name) ? (name as LetterKind) : 'friendly';
  const level = ({ upcoming: null, friendly: 1, firm: 2, formal: 3, final: 4 } as const)[kind];
  const asOf = 19874; // 2024-05-31
  const item = (invoice: string, due: number, open: number) => ({ invoice, invoiceDate: due - 30, dueDate: due, daysOverdue: asOf - due, open });
  const overdue = kind === 'upcoming' ? [] : [item('S-1', asOf - 45, 150000), item('S-2', asOf - 10, 2550)];
  const credits = [item('NC-1', asOf - 5, -5000)];
  const upcoming = [item('S-3', asOf + 3, 7000), item('S-4', asOf + 6, 1000)];
  const asked = overdue.reduce((a, i) => a + i.open, 0) - 5000;
  const full: LetterInput = {
    kind, level, lang, locale: lang === 'es' ? 'es-MX' : 'en-US', asOf,
    customer: { name: 'Sample Customer', customerId: 'X-1', contact: 'Sample Contact', email: 'ap@example.com', salesRep: 'Rep', currency: 'MXN' },
    invoices: overdue, credits, upcoming, amountAsked: asked, balance: asked + 8000,
    company: { name: 'Sample Co.', email: 'ar@example.com', phone: '+1 555 0100', address: 'Street 1\nCity', taxId: 'T-1', website: 'https://example.com' },
    paymentInstructions: 'Bank transfer\nAccount 123', paymentUrl: 'https://pay.example.com/x', sender: { name: 'Sender', email: 'ar@example.com' },
  };
  const bareOverdue = kind === 'upcoming' ? [] : [item('S-1', asOf - 45, 150000)];
  const bare: LetterInput = {
    ...full,
    customer: { name: 'Sample Customer', customerId: null, contact: null, email: null, salesRep: null, currency: 'MXN' },
    invoices: bareOverdue, credits: [], upcoming: kind === 'upcoming' ? [item('S-3', asOf + 3, 7000)] : [],
    amountAsked: kind === 'upcoming' ? 0 : 150000, balance: kind === 'upcoming' ? 7000 : 150000,
    company: null, paymentInstructions: null, paymentUrl: null, sender: null,
  };
  return [full, bare];
}
