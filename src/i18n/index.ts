// The tool's own messages in the user's language (SPEC §1), gettext style: readers, core and mail
// write English, and that English text is the message id; the output edges (cli.ts's error line,
// the commands' summaries and status lines, formatDiagnostic) pass it through `translate`. The
// Spanish catalogue is es.ts. A text the catalogue does not know comes back unchanged: a message
// in English is better than none, and translating must never be the reason a run fails.
import type { Diagnostic } from '../ledger/diagnostics.js';
import { EXACT, PATTERNS } from './es.js';

export type Lang = 'es' | 'en';

const exact: ReadonlyMap<string, string> = new Map(Object.entries(EXACT));

/** `text` in `lang`: English as it is; Spanish from the catalogue, or unchanged when it has no entry. */
export function translate(text: string, lang: Lang): string {
  if (lang !== 'es' || text === '') return text;
  try {
    return toSpanish(text, 0);
  } catch {
    return text;
  }
}

function toSpanish(text: string, depth: number): string {
  const known = exact.get(text);
  if (known !== undefined) return known;
  // Nested translations ({1:t}) go a few levels deep at most; a deeper chain means a pattern loop.
  if (depth > 4) return text;
  for (const [re, template] of PATTERNS) {
    const m = re.exec(text);
    if (m) return fill(template, m, depth);
  }
  return text;
}

/**
 * The template with the captures placed: `{1}` as is, `{1:t}` translated, `{1?…}` the text between
 * `?` and the matching `}` (itself a template) only when capture 1 matched.
 */
function fill(template: string, m: RegExpExecArray, depth: number): string {
  let out = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i]!;
    const spec = ch === '{' ? /^\{(\d+)(:t\}|\}|\?)/.exec(template.slice(i)) : null;
    if (!spec) {
      out += ch;
      i++;
      continue;
    }
    const capture = m[Number(spec[1])];
    i += spec[0].length;
    if (spec[2] === '}') out += capture ?? '';
    else if (spec[2] === ':t}') out += capture === undefined ? '' : toSpanish(capture, depth + 1);
    else {
      // `{n?…}`: find the `}` that closes it, counting the braces of nested placeholders.
      let level = 1;
      let j = i;
      for (; j < template.length && level > 0; j++) {
        if (template[j] === '{') level++;
        else if (template[j] === '}') level--;
      }
      if (capture !== undefined && capture !== '') out += fill(template.slice(i, j - 1), m, depth);
      i = j;
    }
  }
  return out;
}

/** A diagnostic with its message in `lang`; code, file, sheet, row, column and value unchanged. */
export function translateDiagnostic(d: Diagnostic, lang: Lang): Diagnostic {
  if (lang === 'en') return d;
  const message = translate(d.message, lang);
  return message === d.message ? d : { ...d, message };
}

/** The word before a row number in `file › sheet › row N › …`. */
export function rowWord(lang: Lang): string {
  return lang === 'es' ? 'fila' : 'row';
}

/** The prefix of a warning line on stderr: `warning: ` / `aviso: `. */
export function warningPrefix(lang: Lang): string {
  return lang === 'es' ? 'aviso: ' : 'warning: ';
}

/**
 * The language of messages when no config has been read: `--lang` on the command line (`--lang es`,
 * `--lang=es`), else LC_ALL / LC_MESSAGES / LANG, like commands/common.ts resolveLang without config.
 */
export function langFromArgv(argv: readonly string[], env: NodeJS.ProcessEnv): Lang {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--') break;
    const value = a === '--lang' ? argv[i + 1] : a.startsWith('--lang=') ? a.slice('--lang='.length) : undefined;
    if (value === 'es' || value === 'en') return value;
  }
  const sys = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return /^es/i.test(sys) ? 'es' : 'en';
}
