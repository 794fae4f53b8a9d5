// `dunning init [DIR]` (SPEC §1, §7): scaffolds a client folder — a commented dunning.config.json
// that `aging` and `remind` then accept as it is, the letter templates in Spanish and English, and
// an example ledger — and never overwrites what the bookkeeper already edited unless --force.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './smtp-helpers.js';

const SHIPPED = fileURLToPath(new URL('../../templates/', import.meta.url));
const LETTERS = ['friendly', 'firm', 'formal', 'final'] as const;
const PARTS = ['subject', 'html', 'text'] as const;

const made: string[] = [];
afterAll(async () => {
  await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
});
async function tempRoot(): Promise<string> {
  const d = await mkdtemp(join(tmpdir(), 'dunning-e2e-init-'));
  made.push(d);
  return d;
}

function filesBelow(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? filesBelow(join(dir, e.name)) : [join(dir, e.name)],
  );
}

async function initialized(): Promise<{ root: string; dir: string; stdout: string }> {
  const root = await tempRoot();
  const dir = join(root, 'nuevo-cliente');
  const r = await runCli(['init', dir], { cwd: root });
  expect(r.code, r.stderr).toBe(0);
  return { root, dir, stdout: r.stdout };
}

/** The example ledger init wrote: the one spreadsheet in the folder's top level. */
function exampleLedger(dir: string): string {
  const ledgers = readdirSync(dir).filter((f) => /\.(xlsx|csv)$/i.test(f));
  expect(ledgers, readdirSync(dir).join(', ')).toHaveLength(1);
  return join(dir, ledgers[0]!);
}

describe('dunning init DIR', () => {
  it('creates the folder with dunning.config.json, an example ledger and templates/es and templates/en', async () => {
    const { dir } = await initialized();
    expect(statSync(join(dir, 'dunning.config.json')).isFile()).toBe(true);
    expect(statSync(exampleLedger(dir)).size).toBeGreaterThan(0);
    for (const lang of ['es', 'en']) {
      for (const letter of LETTERS) {
        for (const part of PARTS) {
          const file = join(dir, 'templates', lang, `${letter}.${part}.hbs`);
          expect(existsSync(file), relative(dir, file)).toBe(true);
        }
      }
    }
  });

  it('copies every shipped template file of es and en, byte for byte', async () => {
    const { dir } = await initialized();
    for (const lang of ['es', 'en']) {
      const shipped = filesBelow(join(SHIPPED, lang));
      for (const f of shipped) {
        const copy = join(dir, 'templates', lang, relative(join(SHIPPED, lang), f));
        expect(existsSync(copy), copy).toBe(true);
        expect(readFileSync(copy).equals(readFileSync(f)), copy).toBe(true);
      }
    }
  });

  it('writes a config that `dunning aging` accepts as it is', async () => {
    const { root, dir } = await initialized();
    const ledger = exampleLedger(dir);
    const aging = await runCli(['aging', ledger, '--as-of', '2026-11-30', '--format', 'json'], { cwd: root });
    expect(aging.code, aging.stderr).toBe(0);
    const report = JSON.parse(aging.stdout) as { customers: unknown[] };
    expect(report.customers.length).toBeGreaterThan(0);
  });

  it('a second init keeps files already there; --force overwrites them', async () => {
    const { root, dir } = await initialized();
    const config = join(dir, 'dunning.config.json');
    const template = join(dir, 'templates', 'es', 'friendly.subject.hbs');
    const original = readFileSync(config, 'utf8');
    const originalTemplate = readFileSync(template, 'utf8');
    await writeFile(config, '{ "from": "Mi Despacho <yo@despacho.mx>" }\n');
    await writeFile(template, 'Mi asunto {{amountAskedFormatted}}\n');

    const again = await runCli(['init', dir], { cwd: root });
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toMatch(/kept/);
    expect(readFileSync(config, 'utf8')).toBe('{ "from": "Mi Despacho <yo@despacho.mx>" }\n');
    expect(readFileSync(template, 'utf8')).toBe('Mi asunto {{amountAskedFormatted}}\n');

    const forced = await runCli(['init', dir, '--force'], { cwd: root });
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(config, 'utf8')).toBe(original);
    expect(readFileSync(template, 'utf8')).toBe(originalTemplate);
  });

  it('without DIR scaffolds the current folder', async () => {
    const root = await tempRoot();
    const r = await runCli(['init'], { cwd: root });
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(root, 'dunning.config.json'))).toBe(true);
    expect(existsSync(join(root, 'templates', 'es', 'friendly.subject.hbs'))).toBe(true);
  });

  it('DIR that is a file: exit 2 with one error line, nothing written', async () => {
    const root = await tempRoot();
    const file = join(root, 'no-soy-carpeta');
    await writeFile(file, 'x');
    const r = await runCli(['init', file], { cwd: root });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('dunning: '))).toHaveLength(1);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(readdirSync(root)).toEqual(['no-soy-carpeta']);
  });
});
