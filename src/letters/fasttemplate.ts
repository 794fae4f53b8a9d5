// Letter templates rendered without Handlebars' runtime: a template's syntax tree (as
// Handlebars.parse gives it, whitespace control applied) compiled to plain closures, for the
// subset of Handlebars that letters use. render.ts uses it only where it gives Handlebars' text.
//
// Why: 10,000 letters spent ~1.2 s of one thread in Handlebars' runtime — wrapping every helper
// for each letter, a location object and a prototype-access check per variable, an `arguments`
// rewrite per helper call, a data frame per block — against ~0.3 s for the same output here.
//
// How it stays Handlebars:
// - Only what is compiled here is rendered here. A template that uses anything else (block
//   params, `../`, decorators and inline partials, partials with arguments, `{{^…}}` sections,
//   blocks over a value, `lookup` and `log`) is not compiled (compileFast returns null) and the
//   letter goes through Handlebars.
// - While rendering, anything this file does not decide exactly as Handlebars would — a missing
//   or inherited property, a null in a path, a function, an object where text is expected, any
//   error thrown by a helper — throws FastBail, and the caller renders the letter again with
//   Handlebars, which then gives the text or the template error (file and line) as before.
// - The semantics copied are Handlebars 4.7's in strict mode with knownHelpersOnly: a variable
//   `{{a.b}}` must exist (its last part strictly, the parts before it read plainly), helper
//   arguments are read plainly; `if`/`unless` (with includeZero), `each` over arrays (with @index,
//   @first, @last, @key and one data frame per block), `with`; partials and partial blocks
//   (`{{#> layout}}…{{> @partial-block}}`) with their indent; HTML escaping by escapeExpression.
//   test/letters/fasttemplate.test.ts renders many templates and contexts both ways.
import Handlebars from 'handlebars';

/** Thrown where the fast renderer cannot decide as Handlebars would: render the letter with Handlebars. */
export class FastBail extends Error {
  constructor() {
    super('not rendered by the fast renderer');
    this.name = 'FastBail';
  }
}

const BAIL = new FastBail();

/** Handlebars' data frame: @root, @index… as own properties, as its createFrame makes them. */
export type Frame = Record<string, unknown>;

/** What a helper gets besides its arguments: Handlebars' options, the fields letter helpers read. */
export interface FastHelperOptions {
  readonly name: string;
  readonly hash: Record<string, unknown>;
  readonly data: Frame;
  readonly loc: hbs.AST.SourceLocation;
  /** The block's body (block helpers only): its value, text unless the body is one number or boolean. */
  readonly fn: ((context: unknown) => unknown) | undefined;
  readonly inverse: ((context: unknown) => unknown) | undefined;
}

/** A letter helper called with its argument values (helpers.ts), `self` being Handlebars' `this`. */
export type FastHelper = (values: unknown[], options: FastHelperOptions, self: unknown) => unknown;

export interface FastTemplate {
  /** Renders with `context` as the template's context and `data` as its data frame ({ root } at the top). */
  readonly render: (context: unknown, data: Frame) => string;
  /** The partials it calls by name (not @partial-block). */
  readonly partials: ReadonlySet<string>;
}

/** The partials and helpers a template may call; partials are looked up when rendering. */
export interface FastEnv {
  readonly helpers: ReadonlyMap<string, FastHelper>;
  readonly partials: ReadonlyMap<string, FastTemplate>;
}

/** A program's value: what Handlebars' compiled code gives, not always a string (see `program`). */
type Render = (ctx: unknown, data: Frame) => unknown;
type Value = (ctx: unknown, data: Frame) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;
const { escapeExpression, isEmpty } = Handlebars.Utils;
const BUILTIN_BLOCKS = new Set(['if', 'unless', 'each', 'with']);
/** Handlebars' own known helpers: a `{{name}}` of one of these is a helper call, not a variable. */
const HANDLEBARS_HELPERS = new Set(['if', 'unless', 'each', 'with', 'lookup', 'log', 'helperMissing', 'blockHelperMissing']);

/** Not compiled here: compileFast returns null. */
class Unsupported extends Error {}

function unsupported(): never {
  throw new Unsupported();
}

/** Handlebars' lookupProperty on a part of a path that is read plainly: own property, or absent. */
function plainStep(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object') throw BAIL;
  if (hasOwn.call(obj, name)) return (obj as Record<string, unknown>)[name];
  if (name in obj) throw BAIL; // inherited: Handlebars' prototype-access rules decide
  return undefined;
}

/** Handlebars' container.strict: the property must be there. */
function strictStep(obj: unknown, name: string): unknown {
  if (obj === null || typeof obj !== 'object' || !hasOwn.call(obj, name)) throw BAIL;
  return (obj as Record<string, unknown>)[name];
}

/** A value as an escaped `{{x}}` writes it. */
function escaped(v: unknown): string {
  if (typeof v === 'string') return escapeExpression(v);
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return escapeExpression(v as unknown as string);
  throw BAIL; // functions (lambdas), objects (toHTML, toString), symbols, bigints
}

/** A value as an unescaped `{{x}}` (text templates) adds it: numbers and booleans stay as they are (see `program`). */
function raw(v: unknown): unknown {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  throw BAIL;
}

/** Handlebars' createFrame: the parent's fields copied, and _parent. */
function frame(data: Frame): Frame {
  const f: Frame = { ...data };
  f._parent = data;
  return f;
}

/** What invokePartial does with a standalone partial's indent. */
function indentLines(text: string, indent: string): string {
  const lines = text.split('\n');
  for (let i = 0, l = lines.length; i < l; i++) {
    if (!lines[i] && i + 1 === l) break;
    lines[i] = indent + lines[i];
  }
  return lines.join('\n');
}

interface PartialBlock {
  readonly render: Render;
  /** The @partial-block outside the partial block call, restored inside its body. */
  readonly outer: unknown;
}

/**
 * Compiles one template (its AST from Handlebars.parse) for the fast renderer, or null when it
 * uses something only Handlebars renders. `escape`: HTML templates (Handlebars without noEscape).
 * Call it before Handlebars compiles the same AST: Handlebars' compiler changes the tree.
 */
export function compileFast(ast: hbs.AST.Program, escape: boolean, env: FastEnv): FastTemplate | null {
  const partials = new Set<string>();
  const out = escape ? escaped : raw;

  // A program's value is its pieces added with JavaScript's `+`, left to right, as Handlebars'
  // compiled code does (`return a + b + …`): in a text template `{{count}}{{count}}` of 1 gives 2,
  // not "11", and an {{#if}} whose body is one number gives that number.
  const program = (p: hbs.AST.Program | undefined | null): Render => {
    if (!p) return () => '';
    if (p.blockParams?.length) unsupported();
    const parts = p.body.map(statement).filter((r): r is Render | string => r !== null && r !== '');
    // Neighbouring texts joined; a program of one piece is that piece.
    const merged: (Render | string)[] = [];
    for (const r of parts) {
      const last = merged[merged.length - 1];
      if (typeof r === 'string' && typeof last === 'string') merged[merged.length - 1] = last + r;
      else merged.push(r);
    }
    if (merged.length === 0) return () => '';
    if (merged.length === 1) {
      const only = merged[0]!;
      return typeof only === 'string' ? () => only : only;
    }
    const n = merged.length;
    const first = merged[0]!;
    return (ctx, data) => {
      let v: unknown = typeof first === 'string' ? first : first(ctx, data);
      for (let i = 1; i < n; i++) {
        const r = merged[i]!;
        v = (v as string) + (typeof r === 'string' ? r : (r(ctx, data) as string));
      }
      return v;
    };
  };

  const statement = (node: hbs.AST.Statement): Render | string | null => {
    switch (node.type) {
      case 'ContentStatement':
        return (node as hbs.AST.ContentStatement).value;
      case 'CommentStatement':
        return null;
      case 'MustacheStatement':
        return mustache(node as hbs.AST.MustacheStatement);
      case 'BlockStatement':
        return block(node as hbs.AST.BlockStatement);
      case 'PartialStatement':
        return partial(node as hbs.AST.PartialStatement, null);
      case 'PartialBlockStatement':
        return partial(node as unknown as hbs.AST.PartialStatement, (node as unknown as hbs.AST.PartialBlockStatement).program);
      default:
        return unsupported(); // decorators, inline partials
    }
  };

  /** A path is a plain name of one part with no `this.`/`./` and no depth (Handlebars' simpleId). */
  const simpleId = (path: hbs.AST.PathExpression): boolean => path.parts.length === 1 && !/^\.|this\b/.test(path.original) && !path.depth;
  const isHelperName = (name: string): boolean => env.helpers.has(name) || HANDLEBARS_HELPERS.has(name);
  const callsHelper = (node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression): boolean =>
    node.type === 'SubExpression' || node.params.length > 0 || node.hash != null;

  /** Reads a path: `this`, a data path (@index, @root.x) or a variable; `strict`: the last part must exist. */
  const path = (p: hbs.AST.Expression, strict: boolean): Value => {
    if (p.type !== 'PathExpression') unsupported();
    const pe = p as hbs.AST.PathExpression;
    if (pe.depth !== 0) unsupported();
    const parts = pe.parts.slice();
    if (pe.data && (parts.length === 0 || !['root', 'index', 'first', 'last', 'key'].includes(parts[0]!))) unsupported();
    const n = parts.length;
    if (n === 0) return pe.data ? unsupported() : (ctx) => ctx;
    const last = parts[n - 1]!;
    const lastStep = strict ? strictStep : plainStep;
    if (n === 1) {
      return pe.data ? (_ctx, data) => lastStep(data, last) : (ctx) => lastStep(ctx, last);
    }
    return (ctx, data) => {
      let v: unknown = pe.data ? data : ctx;
      for (let i = 0; i < n - 1; i++) v = plainStep(v, parts[i]!);
      return lastStep(v, last);
    };
  };

  const literal = (e: hbs.AST.Expression): Value | null => {
    switch (e.type) {
      case 'StringLiteral':
      case 'NumberLiteral':
      case 'BooleanLiteral': {
        const v = (e as hbs.AST.StringLiteral).value;
        return () => v;
      }
      case 'UndefinedLiteral':
        return () => undefined;
      case 'NullLiteral':
        return () => null;
      default:
        return null;
    }
  };

  /** A helper argument or hash value: a literal, a path read plainly, or a subexpression. */
  const param = (e: hbs.AST.Expression): Value => {
    const lit = literal(e);
    if (lit) return lit;
    if (e.type === 'SubExpression') return helperCall(e as hbs.AST.SubExpression, null, null);
    return path(e, false);
  };

  const hashOf = (hash: hbs.AST.Hash | undefined): ((ctx: unknown, data: Frame) => Record<string, unknown>) => {
    const pairs = (hash?.pairs ?? []).map((pair) => [pair.key, param(pair.value)] as const);
    if (pairs.length === 0) return () => ({});
    return (ctx, data) => {
      const h: Record<string, unknown> = {};
      for (const [k, v] of pairs) h[k] = v(ctx, data);
      return h;
    };
  };

  /** A call of a letter helper (money, row, textTable…), with `fn`/`inverse` for a block. */
  const helperCall = (node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression, fn: Render | null, inverse: Render | null): Value => {
    const pe = node.path as hbs.AST.PathExpression;
    if (pe.type !== 'PathExpression' || !simpleId(pe)) unsupported();
    const name = pe.parts[0]!;
    const helper = env.helpers.get(name);
    if (!helper) unsupported();
    const params = node.params.map(param);
    const hash = hashOf(node.hash);
    const loc = node.loc;
    return (ctx, data) => {
      const values = params.map((p) => p(ctx, data));
      const options: FastHelperOptions = {
        name, hash: hash(ctx, data), data, loc,
        fn: fn ? (c: unknown) => fn(c, data) : undefined,
        inverse: inverse ? (c: unknown) => inverse(c, data) : undefined,
      };
      try {
        return helper(values, options, ctx ?? {});
      } catch {
        throw BAIL; // a template mistake: Handlebars renders the letter again and says where
      }
    };
  };

  const mustache = (node: hbs.AST.MustacheStatement): Render => {
    const write = node.escaped ? out : raw; // {{{x}}} is never escaped
    // {{"text"}} (Handlebars turns it into a path) and {{(sub)}}: left to Handlebars.
    if (node.path.type !== 'PathExpression') unsupported();
    const pe = node.path as hbs.AST.PathExpression;
    // `{{@money}}`: Handlebars decides by the first part's name, data or not; left to it.
    if (pe.data && simpleId(pe) && isHelperName(pe.parts[0]!)) unsupported();
    const isHelper = callsHelper(node) || (simpleId(pe) && isHelperName(pe.parts[0]!));
    if (isHelper) {
      if (BUILTIN_BLOCKS.has(pe.parts[0]!)) unsupported();
      const call = helperCall(node, null, null);
      return (ctx, data) => write(call(ctx, data));
    }
    const read = path(node.path, true);
    return (ctx, data) => write(read(ctx, data));
  };

  const block = (node: hbs.AST.BlockStatement): Render => {
    const pe = node.path as hbs.AST.PathExpression;
    if (pe.type !== 'PathExpression' || !simpleId(pe)) unsupported();
    const name = pe.parts[0]!;
    const fn = program(node.program);
    const inverse = program(node.inverse);
    if (!BUILTIN_BLOCKS.has(name)) {
      const call = helperCall(node, fn, inverse);
      return (ctx, data) => raw(call(ctx, data)); // a block's result is never escaped
    }
    // The strict if/unless/each/with of helpers.ts: exactly one argument, and a known one.
    if (node.params.length !== 1) unsupported();
    const arg = param(node.params[0]!);
    const hash = node.hash ? hashOf(node.hash) : null;
    if (name === 'each' || name === 'with') {
      if (hash) unsupported();
      if (name === 'with') {
        return (ctx, data) => {
          const v = arg(ctx, data);
          if (v === undefined || typeof v === 'function') throw BAIL;
          return isEmpty(v) ? inverse(ctx, data) : fn(v, data);
        };
      }
      return (ctx, data) => {
        const list = arg(ctx, data);
        if (list === undefined || typeof list === 'function') throw BAIL;
        if (!list || typeof list !== 'object') return inverse(ctx, data);
        if (!Array.isArray(list)) throw BAIL; // objects, maps, iterables
        const n = list.length;
        if (n === 0) return inverse(ctx, data);
        const f = frame(data);
        let s = '';
        for (let i = 0; i < n; i++) {
          if (!(i in list)) continue;
          f.key = i;
          f.index = i;
          f.first = i === 0;
          f.last = i === n - 1;
          s += fn(list[i], f) as string;
        }
        return s;
      };
    }
    const yes = name === 'if' ? fn : inverse;
    const no = name === 'if' ? inverse : fn;
    return (ctx, data) => {
      const v = arg(ctx, data);
      if (v === undefined || typeof v === 'function') throw BAIL;
      const includeZero = hash ? (hash(ctx, data).includeZero as unknown) : undefined;
      return (!includeZero && !v) || isEmpty(v) ? no(ctx, data) : yes(ctx, data);
    };
  };

  const partial = (node: hbs.AST.PartialStatement, body: hbs.AST.Program | null): Render => {
    if (node.params.length > 0 || node.hash) unsupported();
    const nameNode = node.name as hbs.AST.Node;
    const name =
      nameNode.type === 'PathExpression' ? (nameNode as hbs.AST.PathExpression).original
      : nameNode.type === 'StringLiteral' ? (nameNode as hbs.AST.StringLiteral).value
      : unsupported();
    const indent = (node as { indent?: string }).indent ?? '';
    const finish = (text: string): string => (indent ? indentLines(text, indent) : text);
    if (name === '@partial-block') {
      if (body) unsupported();
      return (ctx, data) => {
        const pb = data['partial-block'] as PartialBlock | undefined;
        if (!pb) throw BAIL;
        const f = frame(data);
        f['partial-block'] = pb.outer;
        // The body's value, as it is (a program's, see `program`); indented only when it is text.
        const v = pb.render(ctx, f);
        if (!indent) return v;
        if (typeof v !== 'string') throw BAIL;
        return indentLines(v, indent);
      };
    }
    partials.add(name);
    const inner = body ? program(body) : null;
    return (ctx, data) => {
      const p = env.partials.get(name);
      if (!p) throw BAIL;
      if (!inner) return finish(p.render(ctx, data));
      const f = frame(data);
      f['partial-block'] = { render: inner, outer: data['partial-block'] } satisfies PartialBlock;
      return finish(p.render(ctx, f));
    };
  };

  try {
    const main = program(ast);
    return { render: (ctx, data) => '' + (main(ctx, data) as string), partials };
  } catch (err) {
    if (err instanceof Unsupported) return null;
    throw err;
  }
}
