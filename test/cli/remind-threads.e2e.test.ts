// `remind` renders long runs on two threads (src/letters/parallel.ts): the letters must be the
// same bytes as on one thread, in the same order and files, a template error met by the worker
// must stop the run like one met on the main thread, and a send from a two-thread run delivers
// every letter once. DUNNING_THREADS=2 forces the worker at any size, =1 keeps one thread. The
// worker is started while the ledger is read (a large file, or =2): a run that turns out short
// stops it, and a template it cannot load is reported once, by the main thread.
import { mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, clientFactory, countByMessageId, csv, runCli, startSmtp } from './smtp-helpers.js';

const newClient = clientFactory('remind-threads');
const NOW = '2026-12-01T15:00:00-06:00';

// 40 customers, 1 to 4 invoices each, 5 to 140 days overdue as of 2026-12-01, so the run has
// letters of every level and tables of several lengths; two customers in USD, one without email.
function ledger(): string {
  const rows: string[][] = [['Cliente', 'Factura', 'Fecha', 'Vencimiento', 'Importe', 'Moneda', 'Correo']];
  for (let c = 1; c <= 40; c++) {
    const name = `Cliente ${String(c).padStart(2, '0')} ${c % 3 === 0 ? 'Núñez y Cía.' : 'SA de CV'}`;
    for (let k = 0; k < 1 + (c % 4); k++) {
      const overdue = 5 + ((c * 37 + k * 11) % 136);
      const due = new Date(Date.UTC(2026, 11, 1) - overdue * 86_400_000).toISOString().slice(0, 10);
      rows.push([name, `F-${c}-${k}`, due, due, `${100 + c * 13 + k}.${String((c * 7) % 100).padStart(2, '0')}`, c % 20 === 7 ? 'USD' : 'MXN', c === 13 ? '' : `pagos${c}@cliente${c}.mx`]);
    }
  }
  return csv(rows);
}

async function filesOf(dir: string): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  for (const name of (await readdir(dir)).sort()) out.set(name, await readFile(join(dir, name)));
  return out;
}

describe('remind on two threads', () => {
  it('writes the same previews, byte for byte, on one thread, on two, and by default', async () => {
    const client = await newClient(ledger(), { skipLevels: true });
    const runs = new Map<string, Map<string, Buffer>>();
    for (const threads of ['1', '2', undefined]) {
      const out = join(client.dir, `out-${threads ?? 'auto'}`);
      const r = await runCli(['remind', client.ledger, '--as-of', '2026-12-01', '--out', out], { cwd: client.cwd, env: cliEnv({ DUNNING_NOW: NOW, DUNNING_THREADS: threads }) });
      expect(r.stderr).not.toMatch(/internal|worker/i);
      expect(r.code).toBe(0);
      runs.set(threads ?? 'auto', await filesOf(out));
    }
    const one = runs.get('1')!;
    expect([...one.keys()].filter((f) => f.endsWith('.eml'))).toHaveLength(40);
    for (const other of [runs.get('2')!, runs.get('auto')!]) {
      expect([...other.keys()]).toEqual([...one.keys()]);
      for (const [name, bytes] of one) expect(other.get(name)!.equals(bytes), name).toBe(true);
    }
    // Letters of several levels and both currencies were in the run (not 40 copies of one letter).
    const names = [...one.keys()].join(' ');
    for (const part of ['-L1.eml', '-L2.eml', '-L3.eml', '-L4.eml', '-USD-']) expect(names).toContain(part);
  });

  it('stops with the template error when a letter rendered by the worker fails, and writes nothing', async () => {
    const client = await newClient(ledger(), { skipLevels: true });
    const probe = join(client.dir, 'probe');
    expect((await runCli(['remind', client.ledger, '--as-of', '2026-12-01', '--out', probe], { cwd: client.cwd, env: cliEnv({ DUNNING_NOW: NOW, DUNNING_THREADS: '1' }) })).code).toBe(0);
    // The last letter of the run is the worker's: its subject template fails for that customer only.
    const last = (await readdir(probe)).filter((f) => f.endsWith('.txt')).sort().at(-1)!;
    const customer = /^\d+-Cliente-(\d\d)-/.exec(last)![1]!;
    const level = Number(/-L(\d)\.txt$/.exec(last)![1]);
    const kind = ['friendly', 'firm', 'formal', 'final'][level - 1]!;
    await mkdir(join(client.dir, 'templates', 'es'), { recursive: true });
    await writeFile(
      join(client.dir, 'templates', 'es', `${kind}.subject.hbs`),
      `{{#if (eq customer.name "Cliente ${customer} ${Number(customer) % 3 === 0 ? 'Núñez y Cía.' : 'SA de CV'}")}}{{noSuchVariable}}{{/if}}Saldo vencido\n`,
    );
    const results = [];
    for (const threads of ['1', '2']) {
      const out = join(client.dir, `out-${threads}`);
      const r = await runCli(['remind', client.ledger, '--as-of', '2026-12-01', '--out', out], { cwd: client.cwd, env: cliEnv({ DUNNING_NOW: NOW, DUNNING_THREADS: threads }) });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain(`${kind}.subject.hbs`);
      expect(r.stderr).toContain('noSuchVariable');
      await expect(readdir(out)).rejects.toThrow(/ENOENT/);
      results.push(r.stderr);
    }
    expect(results[1]).toBe(results[0]);
  });

  it('sends every letter of a two-thread run exactly once', async () => {
    const smtp = await startSmtp();
    try {
      const client = await newClient(ledger(), { skipLevels: true });
      const r = await runCli(['remind', client.ledger, '--as-of', '2026-12-01', '--send', '--yes', '--allow-stale'], { cwd: client.cwd, env: cliEnv({ DUNNING_NOW: NOW, DUNNING_THREADS: '2', DUNNING_SMTP_URL: smtp.url }) });
      expect(r.stderr).not.toMatch(/internal|worker/i);
      expect(r.code, r.stderr).toBe(0);
      const counts = countByMessageId(smtp);
      expect(counts.size).toBe(39); // customer 13 has no address
      expect([...counts.values()].every((n) => n === 1)).toBe(true);
    } finally {
      await smtp.close();
    }
  });

  it('stops the worker started for a large ledger when the run is short, with the same letter', async () => {
    // Over 1 MB of rows (the size from which the worker starts while the ledger is read), one customer selected.
    let text = ledger();
    const padding: string[][] = [];
    for (let k = 0; k < 13_000; k++) padding.push([`Cliente relleno ${k % 500}`, `R-${k}`, '2026-11-20', '2027-01-20', '1000.00', 'MXN', `r${k % 500}@relleno.mx`]);
    text += csv(padding);
    const client = await newClient(text, { skipLevels: true });
    expect((await stat(client.ledger)).size).toBeGreaterThan(2 ** 20);
    const outs = [];
    for (const threads of ['1', undefined]) {
      const out = join(client.dir, `out-${threads ?? 'auto'}`);
      const started = Date.now();
      const r = await runCli(['remind', client.ledger, '--as-of', '2026-12-01', '--customer', 'Cliente 05', '--out', out], { cwd: client.cwd, env: cliEnv({ DUNNING_NOW: NOW, DUNNING_THREADS: threads }) });
      expect(r.stderr).not.toMatch(/internal|worker/i);
      expect(r.code).toBe(0);
      expect(Date.now() - started).toBeLessThan(60_000); // ended, not kept alive by an idle worker
      outs.push(await filesOf(out));
    }
    expect([...outs[0]!.keys()]).toHaveLength(2); // one letter: .eml and .txt
    expect([...outs[1]!.keys()]).toEqual([...outs[0]!.keys()]);
    for (const [name, bytes] of outs[0]!) expect(outs[1]!.get(name)!.equals(bytes), name).toBe(true);
  });

  it('reports a template that cannot be loaded once, the same with the worker started early', async () => {
    const client = await newClient(ledger(), { skipLevels: true });
    await mkdir(join(client.dir, 'templates', 'es'), { recursive: true });
    await writeFile(join(client.dir, 'templates', 'es', 'friendly.html.hbs'), '<p>{{#if customer.name}}sin cerrar</p>\n');
    const results = [];
    for (const threads of ['1', '2']) {
      const out = join(client.dir, `out-${threads}`);
      const r = await runCli(['remind', client.ledger, '--as-of', '2026-12-01', '--out', out], { cwd: client.cwd, env: cliEnv({ DUNNING_NOW: NOW, DUNNING_THREADS: threads }) });
      expect(r.code).toBe(2);
      expect(r.stderr).toContain('friendly.html.hbs');
      expect(r.stderr.match(/friendly\.html\.hbs/g)).toHaveLength(1);
      await expect(readdir(out)).rejects.toThrow(/ENOENT/);
      results.push(r.stderr);
    }
    expect(results[1]).toBe(results[0]);
  });
});
