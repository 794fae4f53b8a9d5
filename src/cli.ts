// The command-line program: commander wiring, "today" read once, and the one place that catches
// errors and picks the exit code (SPEC §1). Commands throw typed errors; they never exit.
//
// Only the command named on the command line is loaded: importing all of them (handlebars,
// nodemailer, pdfkit, cli-table3 behind remind, calls, history…) took ~150 ms of a 0.4 s
// `aging` run on a 10k-row ledger. Help, a mistyped command and no command load them all.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { dayOfLocalDate } from './core/dates.js';
import { DunningError, EXIT } from './errors.js';
import { langFromArgv, translate, type Lang } from './i18n/index.js';
import { setReadProgressListener, ttyReadProgress } from './progress.js';
import type { GlobalOptions, RunContext } from './commands/common.js';

type CommandMaker = (ctx: RunContext) => Command;

/** Each command's module, in the order `--help` lists them; one module may make several commands. */
const COMMANDS: readonly (readonly [name: string, load: () => Promise<CommandMaker>])[] = [
  ['aging', async () => (await import('./commands/aging.js')).agingCommand],
  ['remind', async () => (await import('./commands/remind.js')).remindCommand],
  ['calls', async () => (await import('./commands/calls.js')).callsCommand],
  ['check', async () => (await import('./commands/check.js')).checkCommand],
  ['init', async () => (await import('./commands/init.js')).initCommand],
  ['history', async () => (await import('./commands/history.js')).historyCommand],
  ['trend', async () => (await import('./commands/trend.js')).trendCommand],
  ['promise', async () => (await import('./commands/promise.js')).promiseCommand],
  ['hold', async () => (await import('./commands/promise.js')).holdCommand],
];

/**
 * The command word of argv (node, script, then options or the command): the first argument that
 * is not an option. The program's own options take no values, so nothing else can stand before it.
 */
export function commandWord(argv: readonly string[]): string | null {
  for (const a of argv.slice(2)) {
    if (a === '--') return null;
    if (!a.startsWith('-')) return a;
  }
  return null;
}

export function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    return pkg.version;
  } catch {
    return 'unknown';
  }
}

/** Commander's own complaints (unknown option, missing argument) as one `dunning: ` line, like ours. */
function output(ctx: RunContext) {
  return {
    writeOut: (s: string) => ctx.stdout.write(s),
    writeErr: (s: string) => ctx.stderr.write(s),
    outputError: (s: string, write: (s: string) => void) =>
      write(`dunning: ${s.replace(/^error: /, '').replace(/\s*\n\s*/g, ' ').trim()} (see --help)\n`),
  };
}

/** The program with the command `argv` names, or with every command (help, no command, a typo). */
export async function buildProgram(ctx: RunContext, argv: readonly string[] = []): Promise<Command> {
  const program = new Command('dunning')
    .description('Receivables aging and collection letters from the ledger spreadsheet you already have')
    .version(version(), '-V, --version')
    .option('--no-color', 'no colours (also NO_COLOR=1)')
    .option('-q, --quiet', 'only errors on stderr')
    .option('--debug', 'show stack traces of internal errors')
    .exitOverride()
    .configureOutput(output(ctx));
  const word = commandWord(argv);
  const only = COMMANDS.filter(([name]) => name === word);
  for (const [, load] of only.length ? only : COMMANDS) {
    const cmd = (await load())(ctx);
    cmd.exitOverride().configureOutput(output(ctx));
    program.addCommand(cmd);
  }
  return program;
}

/** The run's instant, read once: DUNNING_NOW (an ISO instant with offset) replaces the clock for tests and replays. */
function clockOf(env: NodeJS.ProcessEnv): number {
  const text = env.DUNNING_NOW;
  if (!text) return Date.now();
  const ms = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(ms)) {
    process.stderr.write(`dunning: DUNNING_NOW "${text}" is not an ISO instant with an offset (e.g. 2026-03-02T08:30:00-05:00); using the clock\n`);
    return Date.now();
  }
  return ms;
}

export async function main(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let debug = argv.includes('--debug');
  let program: Command | null = null;
  const now = clockOf(env);
  const started = Date.now();
  // The language of the error line: --lang and LANG until a command has read the config, then
  // what it resolved (flag > config lang > LANG) — a bad config file is reported by flag and LANG.
  let lang: Lang = langFromArgv(argv, env);
  const ctx: RunContext = {
    today: dayOfLocalDate(new Date(now)),
    now,
    clock: () => now + (Date.now() - started),
    env,
    stdout: process.stdout,
    stderr: process.stderr,
    global: (): GlobalOptions => {
      const o = program?.opts<{ color?: boolean; quiet?: boolean; debug?: boolean }>() ?? {};
      return { color: o.color !== false && !env.NO_COLOR, quiet: Boolean(o.quiet), debug: Boolean(o.debug) };
    },
    onLang: (resolved) => {
      lang = resolved;
    },
  };
  // A progress line on stderr for reads (and long steps) over a second, only on a TTY and never under --quiet.
  if (process.stderr.isTTY) setReadProgressListener(ttyReadProgress(process.stderr, { enabled: () => !ctx.global().quiet, translate: (text) => translate(text, lang) }));
  try {
    program = await buildProgram(ctx, argv);
    await program.parseAsync([...argv]);
    debug = ctx.global().debug;
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // Help and version are not errors; every other commander complaint is a usage error.
      return err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help' ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof DunningError) {
      process.stderr.write(`dunning: ${translate(err.message, lang)}\n`);
      return err.exitCode;
    }
    const es = lang === 'es';
    process.stderr.write(es
      ? `dunning: error interno — es un fallo del programa; repórtelo junto con el comando que ejecutó (dunning ${version()}, node ${process.version})\n`
      : `dunning: internal error — this is a bug, please report it with the command you ran (dunning ${version()}, node ${process.version})\n`);
    process.stderr.write(debug ? `${(err as Error)?.stack ?? String(err)}\n` : `  ${(err as Error)?.message ?? String(err)} ${es ? '(use --debug para ver la traza)' : '(run with --debug for the stack trace)'}\n`);
    return EXIT.internal;
  }
}
