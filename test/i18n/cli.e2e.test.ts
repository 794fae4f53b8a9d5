// The tool's own messages in Spanish, end to end (SPEC §1): the built CLI with `--lang es` (or
// LANG / the config's `lang`) on ledgers with bad rows, a missing column, a missing file, and a
// remind preview. Each test asserts Spanish words and that the English phrases are gone; the
// JSON outputs keep English messages (machine-facing) next to their codes.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, expectCleanFailure, runCli, tableRows, tempDirs, writeLedger } from '../cli/helpers.js';

const newDir = tempDirs('i18n');

const HEADER = 'Cliente,Factura,Fecha,Vencimiento,Importe,Correo\n';
// Row 2: 31/02 does not exist; row 3: not an amount; row 5: a totals row; Beta has no email.
const BAD_ROWS = HEADER +
  'Acme,F-1,2024-01-10,31/02/2024,100.00,pagos@acme.mx\n' +
  'Acme,F-2,2024-01-10,2024-02-10,doce pesos,pagos@acme.mx\n' +
  'Beta,F-3,2024-01-10,2024-02-10,50.00,\n' +
  'Total,,,,150.00,\n';

function expectNone(text: string, ...english: readonly (string | RegExp)[]): void {
  for (const e of english) {
    if (typeof e === 'string') expect(text).not.toContain(e);
    else expect(text).not.toMatch(e);
  }
}

describe('aging and check with --lang es on a ledger with bad rows', () => {
  it('aging warns in Spanish on stderr, naming the row as "fila"', async () => {
    const dir = await newDir();
    const ledger = await writeLedger(dir, 'cartera.csv', BAD_ROWS);
    const r = await runCli(['aging', ledger, '--as-of', '2024-03-31', '--lang', 'es'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('aviso: 2 fila(s) rechazada(s) (ejecute `dunning check');
    expect(r.stderr).toContain('; primera: cartera.csv › fila 2 › "Vencimiento": "31/02/2024" no es una fecha válida (ese día no existe)');
    expectNone(r.stderr, 'warning:', 'row(s) rejected', 'for the list', '› row ', 'is not a valid date', 'first:');
  });

  it('aging --format json keeps English warnings in the JSON (stable) while stderr speaks Spanish', async () => {
    const dir = await newDir();
    const ledger = await writeLedger(dir, 'cartera.csv', BAD_ROWS);
    const r = await runCli(['aging', ledger, '--as-of', '2024-03-31', '--lang', 'es', '--format', 'json'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const json = JSON.parse(r.stdout) as { warnings: string[] };
    expect(json.warnings[0]).toMatch(/^2 row\(s\) rejected .*first: cartera\.csv › row 2 › "Vencimiento": "31\/02\/2024" is not a valid date/);
    expect(r.stderr).toContain('aviso: 2 fila(s) rechazada(s)');
  });

  it('aging -o report.md writes the warnings of the report in Spanish', async () => {
    const dir = await newDir();
    const ledger = await writeLedger(dir, 'cartera.csv', BAD_ROWS);
    const r = await runCli(['aging', ledger, '--as-of', '2024-03-31', '--lang', 'es', '-o', join(dir, 'reporte.md')], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('Reporte escrito en');
    const { readFileSync } = await import('node:fs');
    const md = readFileSync(join(dir, 'reporte.md'), 'utf8');
    expect(md).toContain('fila(s) rechazada(s)');
    expect(md).toContain('se omitió una fila de totales');
    expectNone(md, 'row(s) rejected', 'skipped a totals row');
  });

  it('check lists every rejected row and warning in Spanish and exits 3 with a Spanish error line', async () => {
    const dir = await newDir();
    const ledger = await writeLedger(dir, 'cartera.csv', BAD_ROWS);
    const r = await runCli(['check', ledger, '--lang', 'es'], { cwd: dir });
    expect(r.code, r.stderr).toBe(3);
    for (const s of [
      'Archivo: cartera.csv (CSV, utf-8, separador ",")',
      'Columnas:',
      "sinónimo en español 'vencimiento'",
      'Filas rechazadas (2):',
      'cartera.csv › fila 2 › "Vencimiento": "31/02/2024" no es una fecha válida (ese día no existe)',
      'cartera.csv › fila 3 › "Importe": "doce pesos" no es un importe',
      'Avisos (2):',
      'cartera.csv › fila 5 › se omitió una fila de totales ("Total")',
      '1 cliente(s) no tienen dirección de correo: Beta',
    ]) expect(r.stdout).toContain(s);
    expectNone(r.stdout, 'Rejected rows', 'Warnings', 'Columns:', '› row ', 'is not an amount', 'skipped a totals row', 'Spanish synonym', 'have no email');
    expectCleanFailure(r, 3, 'dunning: cartera.csv: 2 fila(s) rechazada(s) (detalladas arriba)');
  });

  it('check --format json keeps the codes and the English messages', async () => {
    const dir = await newDir();
    const ledger = await writeLedger(dir, 'cartera.csv', BAD_ROWS);
    const r = await runCli(['check', ledger, '--lang', 'es', '--format', 'json'], { cwd: dir });
    expect(r.code).toBe(3);
    const json = JSON.parse(r.stdout) as { rejected: { code: string; message: string }[] };
    expect(json.rejected.map((d) => [d.code, d.message])).toEqual([
      ['bad-date', 'is not a valid date (no such day)'],
      ['bad-amount', 'is not an amount'],
    ]);
  });

  it('without --lang, with an English LANG, everything stays English', async () => {
    const dir = await newDir();
    const ledger = await writeLedger(dir, 'cartera.csv', BAD_ROWS);
    const r = await runCli(['check', ledger], { cwd: dir });
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('cartera.csv › row 3 › "Importe": "doce pesos" is not an amount');
    expect(r.stdout).toContain('Rejected rows (2):');
    expectNone(r.stdout, 'fila', 'Filas rechazadas', 'no es un importe');
    expectCleanFailure(r, 3, 'cartera.csv: 2 row(s) rejected (listed above)');
  });
});

describe('input errors in Spanish', () => {
  it('a missing column: names what is missing, where it looked and the --map to use', async () => {
    const dir = await newDir();
    const ledger = await writeLedger(dir, 'cartera.csv', 'Cliente,Fecha,Importe\nAcme,2024-01-10,100\n');
    const r = await runCli(['aging', ledger, '--lang', 'es'], { cwd: dir });
    const line = expectCleanFailure(r, 3, 'cartera.csv: falta una columna obligatoria: el número de factura', 'en la fila 1 (Cliente, Fecha, Importe)', '--map invoice=');
    expectNone(line, 'required column missing', 'looked for', 'in row');
  });

  it('a missing file, by --lang, by LANG, and by the config of the client folder', async () => {
    const dir = await newDir();
    const missing = join(dir, 'no-existe.csv');
    const byFlag = await runCli(['aging', missing, '--lang', 'es'], { cwd: dir });
    expectNone(expectCleanFailure(byFlag, 3, `${missing}: no se encontró el archivo`), 'file not found');
    const byLang = await runCli(['check', missing], { cwd: dir, env: cliEnv({ LANG: 'es_MX.UTF-8' }) });
    expectCleanFailure(byLang, 3, 'no se encontró el archivo');
    const client = join(dir, 'cliente');
    await mkdir(client);
    await writeFile(join(client, 'dunning.config.json'), '{ "lang": "es" }');
    const byConfig = await runCli(['aging', join(client, 'cartera.csv')], { cwd: dir });
    expectCleanFailure(byConfig, 3, 'no se encontró el archivo');
    // The flag wins over the config.
    const english = await runCli(['aging', join(client, 'cartera.csv'), '--lang', 'en'], { cwd: dir });
    expectCleanFailure(english, 3, 'file not found');
  });

  it('dates that could be read both ways: asks for --date-order in Spanish', async () => {
    const dir = await newDir();
    const ledger = await writeLedger(dir, 'cartera.csv', 'Cliente,Factura,Fecha,Importe\nAcme,1,03/04/2024,100\n');
    const r = await runCli(['aging', ledger, '--lang', 'es'], { cwd: dir });
    expectNone(expectCleanFailure(r, 3, 'cartera.csv › fila 2 › "Fecha": todas las fechas podrían ser día/mes o mes/día', '--date-order dmy'), 'every date', '› row ');
  });

  it('every row rejected: no usable rows, with the first one quoted in Spanish', async () => {
    const dir = await newDir();
    const ledger = await writeLedger(dir, 'cartera.csv', 'Cliente,Factura,Fecha,Importe\nAcme,1,2024-01-10,abc\n');
    const r = await runCli(['aging', ledger, '--lang', 'es'], { cwd: dir });
    expectNone(expectCleanFailure(r, 3, 'no hay filas utilizables', 'primera: cartera.csv › fila 2 › "Importe": "abc" no es un importe'), 'no usable rows', 'first:');
  });

  it('a bad config file is reported before its "lang" is known: by --lang and LANG only', async () => {
    const dir = await newDir();
    await writeFile(join(dir, 'dunning.config.json'), '{ "lang": "es", "colour": true }');
    const ledger = await writeLedger(dir, 'cartera.csv', BAD_ROWS);
    expectCleanFailure(await runCli(['aging', ledger], { cwd: dir }), 2, 'unknown key "colour"');
    expectCleanFailure(await runCli(['aging', ledger, '--lang', 'es'], { cwd: dir }), 2, 'clave desconocida "colour"');
  });
});

describe('remind preview with --lang es', () => {
  it('prints the plan in Spanish: headings, statuses, skip reasons and the summary line', async () => {
    const dir = await newDir();
    const ledger = await writeLedger(dir, 'cartera.csv',
      'Cliente,Factura,Fecha,Vencimiento,Importe,Correo,En disputa\n' +
      'Acme,F-1,2024-01-10,2024-02-10,100.00,pagos@acme.mx,no\n' +
      'Beta,F-2,2024-01-10,2024-02-10,50.00,,no\n' +
      'Gama,F-3,2024-01-10,2024-02-10,70.00,gama@g.mx,sí\n' +
      'Delta,F-4,2024-01-10,2024-02-10,doce,delta@d.mx,no\n');
    const r = await runCli(['remind', ledger, '--as-of', '2024-03-31', '--lang', 'es'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    const rows = tableRows(r.stdout);
    expect(rows[0]).toEqual(['Cliente', 'Mon.', 'Carta', 'A cobrar', 'Días', 'Para', 'Estado']);
    const status = (customer: string): string => rows.find((row) => row[0] === customer)![6]!;
    expect(status('Acme')).toMatch(/^vista previa 001-Acme-XXX-L1\.eml$/);
    expect(status('Beta')).toBe('vista previa (sin dirección de correo válida)');
    expect(status('Gama')).toBe('omitido: sólo hay facturas en disputa vencidas');
    expect(r.stderr).toContain('aviso: 1 fila(s) rechazada(s) (dunning check');
    expect(r.stderr).toMatch(/2 carta\(s\) en vista previa en .*; no se envió nada \(agregue --send para enviarlas\)\./);
    expectNone(r.stdout, 'Customer', 'Status', 'preview', 'skipped:', 'disputed');
    expectNone(r.stderr, 'warning:', 'previewed', 'nothing was sent', 'row(s) rejected');
  });

  it('refuses --send with rejected rows in Spanish (exit 3)', async () => {
    const dir = await newDir();
    await writeFile(join(dir, 'dunning.config.json'), '{ "lang": "es", "from": "Cobranza <cobranza@ruiz.mx>" }');
    const ledger = await writeLedger(dir, 'cartera.csv', BAD_ROWS);
    const r = await runCli(['remind', ledger, '--as-of', '2024-03-31', '--send', '--yes'], { cwd: dir });
    const line = expectCleanFailure(r, 3, '2 fila(s) rechazada(s) — un crédito rechazado no debe convertirse en una carta equivocada', '--allow-rejected');
    expectNone(line, 'row(s) rejected', 'must not');
  });
});
