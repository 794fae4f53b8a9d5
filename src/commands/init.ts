// `dunning init [DIR]`: scaffold a client folder — a commented dunning.config.json, the letter
// templates (es, en) to adapt, and the example ledger. Never overwrites a file unless --force.
import { copyFile, mkdir, readdir, stat } from 'node:fs/promises';
import { join, relative, resolve } from 'node:path';
import { Command } from 'commander';
import { UsageError } from '../errors.js';
import { packageRoot } from '../paths.js';
import { langFromArgv } from '../i18n/index.js';
import type { RunContext } from './common.js';

interface InitFlags {
  force?: boolean;
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

async function filesBelow(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await filesBelow(full)));
    else out.push(full);
  }
  return out;
}

export function initCommand(ctx: RunContext): Command {
  return new Command('init')
    .description('scaffold a client folder: dunning.config.json, letter templates (es, en) and an example ledger')
    .argument('[dir]', 'client folder', '.')
    .option('--force', 'overwrite files that already exist')
    .action(async (dirArg: string, flags: InitFlags) => {
      const dir = resolve(dirArg);
      if ((await exists(dir)) && !(await stat(dir)).isDirectory()) throw new UsageError(`${dirArg}: exists and is not a folder`);
      await mkdir(dir, { recursive: true });
      const root = packageRoot();
      const plan: [string, string][] = [
        [join(root, 'templates', 'dunning.config.json'), join(dir, 'dunning.config.json')],
        [join(root, 'examples', 'ledger.xlsx'), join(dir, 'ledger-ejemplo.xlsx')],
      ];
      for (const lang of ['es', 'en']) {
        const src = join(root, 'templates', lang);
        if (await exists(src)) for (const f of await filesBelow(src)) plan.push([f, join(dir, 'templates', lang, relative(src, f))]);
      }
      const written: string[] = [];
      const kept: string[] = [];
      for (const [from, to] of plan) {
        if (!flags.force && (await exists(to))) {
          kept.push(relative(dir, to));
          continue;
        }
        await mkdir(resolve(to, '..'), { recursive: true });
        await copyFile(from, to);
        written.push(relative(dir, to));
      }
      // LANG decides: the config here is the template just copied (its "lang" is a default, not a choice yet).
      const es = langFromArgv([], ctx.env) === 'es';
      const example = join(relative(process.cwd(), dir) || '.', 'ledger-ejemplo.xlsx');
      const lines = [`dunning init ${dir}`];
      if (written.length) lines.push(`  ${es ? 'escritos' : 'written'}: ${summarize(written)}`);
      if (kept.length) lines.push(`  ${es ? 'conservados (ya existían; --force para sobrescribir)' : 'kept (already there; --force to overwrite)'}: ${summarize(kept)}`);
      lines.push(
        '',
        es ? 'Siguiente paso: edite dunning.config.json, ponga su cartera en esta carpeta y luego' : 'Next: edit dunning.config.json, put your ledger in this folder, then',
        `  dunning aging ${example}`,
        `  dunning remind ${example}   ${es ? '(sólo vista previa; --send para enviar por correo)' : '(previews only; --send to email)'}`,
      );
      ctx.stdout.write(`${lines.join('\n')}\n`);
    });
}

function summarize(files: readonly string[]): string {
  const top = new Set(files.map((f) => (f.startsWith('templates') ? f.split(/[\\/]/).slice(0, 2).join('/') + '/' : f)));
  return [...top].join(', ');
}
