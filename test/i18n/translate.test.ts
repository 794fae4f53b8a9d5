// The message catalogue (src/i18n/): English is the message id; Spanish comes from exact entries
// or patterns; an unknown text comes back unchanged; English is never touched. And every message
// the reader can put in a diagnostic has a Spanish entry — a reworded English message without one
// fails here, not in front of a bookkeeper.
import { describe, expect, it } from 'vitest';
import { EXACT, PATTERNS } from '../../src/i18n/es.js';
import { langFromArgv, translate, translateDiagnostic } from '../../src/i18n/index.js';
import { formatDiagnostic, translateQuoting, type Diagnostic } from '../../src/ledger/diagnostics.js';

const es = (text: string): string => translate(text, 'es');

function diagnostic(over: Partial<Diagnostic> = {}): Diagnostic {
  return {
    code: 'bad-date', severity: 'error', file: 'cartera.xlsx', sheet: 'Facturas', row: 14,
    column: 'Vencimiento', value: '31/02/2024', message: 'is not a valid date (no such day)', ...over,
  };
}

describe('translate', () => {
  it('translates an exact message', () => {
    expect(es('is not an amount')).toBe('no es un importe');
    expect(es('the invoice number')).toBe('el número de factura');
  });

  it('translates a parameterized message, keeping file names, numbers and ISO dates as they are', () => {
    expect(es('ledger.csv: file not found')).toBe('ledger.csv: no se encontró el archivo');
    expect(es('due date 2024-01-05 is before the invoice date 2024-02-01')).toBe('el vencimiento 2024-01-05 es anterior a la fecha de la factura 2024-02-01');
    expect(es('3 row(s) are draft, void or cancelled: not receivables')).toBe('3 fila(s) son borradores, anuladas o canceladas: no son cuentas por cobrar');
  });

  it('translates the captures marked {n:t} with the catalogue too', () => {
    expect(es('skipped: only disputed invoices are overdue')).toBe('omitido: sólo hay facturas en disputa vencidas');
    expect(es('cartera.csv: required column missing: the invoice number; looked for Factura, Folio in row 1 (Cliente, Fecha); perhaps --map invoice="Num"'))
      .toBe('cartera.csv: falta una columna obligatoria: el número de factura; se buscó Factura, Folio en la fila 1 (Cliente, Fecha); quizá --map invoice="Num"');
  });

  it('translates the contact window line and why a message waits, reasons and weekday included', () => {
    expect(es('Nothing sent: outside the contact window: a public holiday, 2026-12-08 10:15 (tue) in America/Bogota; it opens 2026-12-09 07:00 America/Bogota.'))
      .toBe('No se envió nada: fuera del horario de contacto: un día festivo, 2026-12-08 10:15 (mar) en America/Bogota; abre 2026-12-09 07:00 America/Bogota.');
    expect(es('note: outside the contact window: no contact hours today, 2026-12-06 10:15 (sun) in America/Bogota; it does not open within a year (check contactWindow); --send now would send nothing.'))
      .toBe('nota: fuera del horario de contacto: hoy no hay horario de contacto, 2026-12-06 10:15 (dom) en America/Bogota; no abre en el próximo año (revise contactWindow); --send ahora no enviaría nada.');
    expect(es('waiting: weekly contact limit reached; next 2026-12-07 07:00 America/Bogota')).toBe('en espera: se alcanzó el límite semanal de contactos; próxima: 2026-12-07 07:00 America/Bogota');
    expect(es('waiting: a day without contact hours; no opening within a year')).toBe('en espera: un día sin horario de contacto; no hay apertura en el próximo año');
  });

  it('writes the optional part of a template only when its capture matched', () => {
    expect(es('skipped a row with no invoice and no amount')).toBe('se omitió una fila sin factura ni importe');
    expect(es('skipped a row with no invoice and no amount ("Notas")')).toBe('se omitió una fila sin factura ni importe ("Notas")');
  });

  it('returns an unknown text unchanged, and never throws', () => {
    for (const text of ['', 'something nobody wrote yet', '{1}', '{1:t}', '{1?x}', 'ledger.csv: a brand-new complaint', '\u0000', '›']) {
      expect(es(text)).toBe(text);
    }
  });

  it('leaves English untouched', () => {
    for (const text of ['is not an amount', 'ledger.csv: file not found', 'anything']) expect(translate(text, 'en')).toBe(text);
  });

  it('translates the lock, the summary of a send and the reasons a customer is skipped', () => {
    expect(es('another dunning run is using this client folder: /c/.dunning/lock is held by the run with pid 42 on this machine (started 2026-03-02T08:30:00.000Z); try again when it has finished'))
      .toBe('otra ejecución de dunning está usando esta carpeta de cliente: /c/.dunning/lock lo tiene la ejecución con pid 42 en esta máquina (iniciada 2026-03-02T08:30:00.000Z); intente de nuevo cuando haya terminado');
    expect(es('another dunning run is using this client folder: /c/.dunning/lock is held by the run with pid 42 on host caja2 (started 2026-03-02T08:30:00.000Z); try again later; if no dunning run is active on caja2, delete /c/.dunning/lock'))
      .toBe('otra ejecución de dunning está usando esta carpeta de cliente: /c/.dunning/lock lo tiene la ejecución con pid 42 en el equipo caja2 (iniciada 2026-03-02T08:30:00.000Z); intente más tarde; si no hay ninguna ejecución de dunning activa en caja2, borre /c/.dunning/lock');
    expect(['3 sent', '1 deferred (retried next run)', '1 failed (address refused)', '2 not sent again (already-sent)'].map(es))
      .toEqual(['3 enviada(s)', '1 diferida(s) (se reintentan en la próxima ejecución)', '1 fallida(s) (dirección rechazada)', '2 no reenviada(s) (already-sent)']);
    expect(es('skipped: last letter sent 3 day(s) ago (minDaysBetween 7)')).toBe('omitido: última carta enviada hace 3 día(s) (minDaysBetween 7)');
    expect(es('skipped: on hold until 2026-04-15: revisión de precios')).toBe('omitido: en pausa hasta el 2026-04-15: revisión de precios');
    expect(es('deferred: 451 4.3.0 Try again later')).toBe('diferida: 451 4.3.0 Try again later');
  });

  it('translates the status lines of aging, calls and history', () => {
    expect(es('snapshot saved: /c/.dunning/snapshots/2026-03-31.json')).toBe('instantánea guardada: /c/.dunning/snapshots/2026-03-31.json');
    expect(es('Report written to informe.xlsx')).toBe('Reporte escrito en informe.xlsx');
    expect(es('/c/llamadas-ana.csv: 3 customer(s) for Ana López')).toBe('/c/llamadas-ana.csv: 3 cliente(s) de Ana López');
    expect(es('Nobody to call.')).toBe('Nadie a quien llamar.');
    expect(es('a1b2c3: recorded as sent')).toBe('a1b2c3: registrada como enviada');
    expect(es('a1b2c3: recorded as failed (it was deferred)')).toBe('a1b2c3: registrada como fallida (antes: diferida)');
    expect(es('No letters in /c/.dunning/journal.jsonl.')).toBe('No hay cartas en /c/.dunning/journal.jsonl.');
    expect(es('No letters in /c/.dunning/journal.jsonl for "Núñez".')).toBe('No hay cartas en /c/.dunning/journal.jsonl para "Núñez".');
  });

  it('already Spanish text passes through unchanged (an edge may translate twice)', () => {
    const once = es('ledger.csv: 2 row(s) rejected (listed above)');
    expect(es(once)).toBe(once);
  });
});

describe('diagnostics in Spanish', () => {
  it('formatDiagnostic says "fila" and translates the message; the English form is unchanged', () => {
    const d = diagnostic();
    expect(formatDiagnostic(d)).toBe('cartera.xlsx › Facturas › row 14 › "Vencimiento": "31/02/2024" is not a valid date (no such day)');
    expect(formatDiagnostic(d, 'en')).toBe(formatDiagnostic(d));
    expect(formatDiagnostic(d, 'es')).toBe('cartera.xlsx › Facturas › fila 14 › "Vencimiento": "31/02/2024" no es una fecha válida (ese día no existe)');
  });

  it('translateDiagnostic keeps the code and the cell, and changes only the message', () => {
    const d = diagnostic();
    const t = translateDiagnostic(d, 'es');
    expect(t).toEqual({ ...d, message: 'no es una fecha válida (ese día no existe)' });
    expect(translateDiagnostic(d, 'en')).toBe(d);
  });

  it('a message that quotes a diagnostic gets the quoted one formatted in Spanish', () => {
    const d = diagnostic({ value: '31/02/2024 › x' }); // a value that looks like the separator
    const line = `5 row(s) rejected (run \`dunning check cartera.xlsx\` for the list); first: ${formatDiagnostic(d)}`;
    expect(translateQuoting(line, 'es', [d])).toBe(`5 fila(s) rechazada(s) (ejecute \`dunning check cartera.xlsx\` para ver la lista); primera: ${formatDiagnostic(d, 'es')}`);
    expect(translateQuoting(line, 'en', [d])).toBe(line);
  });
});

// Every message src/ledger/read.ts (and values.ts, whose reasons it passes on) can put in a
// Diagnostic, written out by hand with sample parameters. The fast path (ledger/fastaging.ts,
// fastreader.ts) writes the same texts. Add a line here when the reader gets a new message.
const READER_MESSAGES: readonly string[] = [
  // fail(): rejected rows
  'is a formula with no saved value; open the file in Excel and save it again',
  'is an error value (#DIV/0!)',
  'is a number, not a date',
  'is not a valid date (no such day)',
  'is not a date',
  'is too large to be an amount',
  'is empty',
  'is not an amount',
  'has misplaced thousands or decimal separators',
  'is a date, not an amount',
  'is neither yes nor no (use Sí/No, yes/no, x or empty)',
  'is not a currency code (use ISO codes like MXN, USD, EUR)',
  'is not a number of days',
  'is empty: a payment needs the invoice it pays or the customer who paid',
  'is empty: a payment needs an amount',
  'is empty: a payment needs a date',
  'is empty: every row needs a customer',
  'is empty: every row needs an invoice number',
  'is empty: every row needs an amount',
  'is empty: every row needs an invoice or due date',
  'appears in rows 3, 7 with the same due date but different amounts: not lines of one invoice, not instalments; fix the file or give the invoice-total column with --map',
  // warn(): warnings
  'skipped a totals row ("Total general")',
  'skipped a row with no invoice and no amount ("Notas del mes")',
  'skipped a row with no invoice and no amount',
  'dates are day-first in some rows (row 4: Fecha 13/02/2024) and month-first in others (row 9: Fecha 02/13/2024): check the file',
  'due date 2024-01-05 is before the invoice date 2024-02-01',
  'column mixes 12 date cells with 3 dates typed as text: a sign of a file damaged by a locale change; check these dates',
  '2 row(s) have status "Pendiente de firma", which is not a known word for draft/void/paid: read as open',
  '4 repeated row(s) were lines of an invoice already counted (same due date and amounts): counted once',
  '2 invoice(s) have several due dates: each instalment is aged by its own due date',
  '3 credit(s) (negative amounts) found: they reduce their customer\'s balance and are never overdue',
  '5 row(s) are draft, void or cancelled: not receivables',
  '2 customer(s) have no email address: Acme, Beta',
  '7 customer(s) have no email address: A, B, C, D, E, …',
  // payments sheet problems (core/payments.ts), shown as rejected rows of --payments
  'invoice F-1 belongs to 2 customers; add a customer column to the payments sheet',
  'invoice F-9 is not in the ledger and the payment names no customer',
  'names no customer',
];

// The reader's errors (InputError / UsageError from read.ts and source.ts) as cli.ts prints them.
const READER_ERRORS: readonly string[] = [
  'cartera.xlsx › Facturas: dates are day-first in some rows (row 4: Fecha 13/02/2024) and month-first in others (row 9: Fecha 02/13/2024), so dates like 03/04 cannot be read safely; fix the file or pass --date-order dmy|mdy',
  'cartera.csv › row 2 › "Fecha": every date could be day/month or month/day (no day above 12); pass --date-order dmy or --date-order mdy',
  'cartera.csv: no invoice rows below the header (row 1)',
  '--group-by País: cartera.csv has no such column (headers: Cliente, Factura)',
  '/tmp/x/cartera.csv: file not found',
  '/tmp/x: is a folder, not a ledger file (.csv or .xlsx)',
  'viejo.xls: old Excel .xls files are not supported; save it as .xlsx (or .csv) and try again',
  '--sheet 3: libro.xlsx has no such sheet (sheets: Hoja1, Hoja2)',
  '--sheet Hoja1: cartera.csv is a CSV file, which has no sheets',
  'libro.xlsx: the workbook has no visible sheets',
  'libro.xlsx › Hoja1: no rows (the sheet is empty)',
  'cartera.csv: no rows (the file is empty)',
  'cartera.csv: no header row found in the first 30 rows; expected column names such as Cliente/Customer, Factura/Invoice (or name them with --map field=Header)',
  '--map dueDate=Vence: cartera.csv has no column "Vence" (headers in row 1: Cliente, Factura)',
  'cartera.csv: required column missing: the amount (total or balance); looked for Importe, Monto in row 1 (Cliente, Factura, Fecha); name it with --map amount="<your header>"',
  'cartera.csv: the file is empty',
  'cartera.csv: this is not a text (CSV) file; expected a .csv or .xlsx ledger',
  'cartera.csv: this is an old Excel (.xls) or password-protected file; save it as .xlsx or .csv',
  'cartera.csv: this looks like a zip/xlsx file with a .csv name; rename it to .xlsx',
  'cartera.csv: the file is not valid UTF-8 past its first 64 KB; pass --encoding windows-1252 (or the file\'s real encoding)',
  'cartera.csv near line 12: a quoted field is never closed',
  'libro.xlsx: is not an .xlsx workbook (it is not a zip archive)',
  'libro.xlsx: is password-protected or an old .xls file: save it as .xlsx without a password',
  'libro.xlsx: permission denied',
];

describe('the catalogue covers the reader', () => {
  it.each(READER_MESSAGES)('diagnostic %j has a Spanish text', (message) => {
    const spanish = es(message);
    expect(spanish).not.toBe(message);
    expect(spanish).not.toMatch(/\{\d/); // no placeholder left unfilled
  });

  it.each(READER_ERRORS)('error %j has a Spanish text', (message) => {
    const spanish = es(message);
    expect(spanish).not.toBe(message);
    expect(spanish).not.toMatch(/\{\d/);
  });

  it('every pattern is anchored, and every template uses only captures its pattern has', () => {
    for (const [re, template] of PATTERNS) {
      expect(re.source.startsWith('^') && re.source.endsWith('$'), re.source).toBe(true);
      const groups = new RegExp(`${re.source}|`).exec('')!.length - 1;
      for (const m of template.matchAll(/\{(\d+)/g)) expect(Number(m[1]), `${re.source} → ${template}`).toBeLessThanOrEqual(groups);
    }
    for (const [en, spanish] of Object.entries(EXACT)) expect(spanish, en).not.toBe('');
  });
});

describe('the language before the config is read', () => {
  it('takes --lang from the command line, else LC_ALL / LC_MESSAGES / LANG', () => {
    expect(langFromArgv(['node', 'dunning', 'aging', 'x.csv', '--lang', 'es'], { LANG: 'en_US.UTF-8' })).toBe('es');
    expect(langFromArgv(['node', 'dunning', 'aging', '--lang=en', 'x.csv'], { LANG: 'es_MX.UTF-8' })).toBe('en');
    expect(langFromArgv(['node', 'dunning', 'aging', 'x.csv'], { LANG: 'es_ES.UTF-8' })).toBe('es');
    expect(langFromArgv(['node', 'dunning', 'aging', 'x.csv'], { LC_ALL: 'en_GB.UTF-8', LANG: 'es_ES.UTF-8' })).toBe('en');
    expect(langFromArgv(['node', 'dunning', 'aging', 'x.csv'], {})).toBe('en');
    // After `--`, "--lang" is a file name, not the flag.
    expect(langFromArgv(['node', 'dunning', 'aging', '--', '--lang', 'es'], {})).toBe('en');
  });
});
