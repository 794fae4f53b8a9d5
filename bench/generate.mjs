// Deterministic ledger generator for the benchmark (`npm run bench`) and the fast-path tests.
// Realistic on purpose: Spanish company names (accents, "S.A. de C.V." after a comma, so quoted),
// customer ids, emails, several currencies, credits, paid and partly paid invoices, invoices
// repeated as lines, invoices in instalments, d/m/y dates. The `tricky` options add what the
// aging fast path must either handle exactly like the general reader or hand back to it:
// statuses, paid dates, disputes, terms without due dates, ambiguous day/month dates, decimal
// commas, quoted newlines, generic ids, conflicting duplicates.
//
//   node bench/generate.mjs --rows 1000000 --out bench/data/ledger-1m.csv [--seed 1] [--xlsx]
//
// Same seed and options → the same bytes, on every machine (mulberry32, no Math.random, no clock).
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';
import { once } from 'node:events';

/** mulberry32: small, fast, and the same sequence everywhere. */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const GIVEN = ['José', 'María', 'Juan', 'Ana', 'Luis', 'Carmen', 'Jesús', 'Lucía', 'Ángel', 'Sofía', 'Raúl', 'Inés', 'Óscar', 'Begoña', 'Iñaki', 'Nuria', 'Rocío', 'Tomás'];
const SURNAMES = ['García', 'Martínez', 'López', 'Sánchez', 'Pérez', 'Gómez', 'Núñez', 'Peña', 'Muñoz', 'Ibáñez', 'Ordóñez', 'Cañas', 'Jiménez', 'Hernández', 'Álvarez', 'Domínguez', 'Castañeda', 'Zúñiga', 'Valdés', 'Echeverría'];
const TRADES = ['Construcciones', 'Distribuidora', 'Ferretería', 'Transportes', 'Comercializadora', 'Panadería', 'Farmacia', 'Talleres', 'Papelería', 'Importadora', 'Consultoría', 'Agrícola', 'Textiles', 'Ópticas', 'Librería'];
const PLACES = ['Logroño', 'Peñíscola', 'Cádiz', 'Móstoles', 'Ávila', 'León', 'Jaén', 'Córdoba', 'Mérida', 'Querétaro', 'Mazatlán', 'Cancún', 'Bogotá', 'Medellín', 'Asunción', 'Málaga'];
const FORMS = ['S.A. de C.V.', 'S.L.', 'S.A.', 'S.C.', 'S. de R.L.', 'SAS', 'Ltda.'];
const DOMAINS = ['example.mx', 'example.es', 'example.co', 'correo.example', 'empresa.example'];

function pick(rand, list) {
  return list[Math.floor(rand() * list.length)];
}

function slug(s) {
  return s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase().replace(/[^a-z0-9]+/g, '.').replace(/^\.|\.$/g, '').slice(0, 24);
}

const DAY_MS = 86_400_000;
const BASE_DAY = Date.UTC(2022, 0, 1) / DAY_MS;

function ymd(day) {
  const d = new Date(day * DAY_MS);
  return [d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate()];
}

function pad(n, w = 2) {
  return String(n).padStart(w, '0');
}

/** Default options: the benchmark ledger (8 columns, ~125 bytes a row). */
export const BENCH = Object.freeze({
  rows: 10_000,
  seed: 1,
  customers: 0, // 0: rows / 50, at least 20
  delimiter: ',',
  decimal: '.',
  dateFormat: 'dmy', // 'dmy' | 'iso' | 'mdy'
  columns: 'bench', // 'bench' | 'full'
  lines: 0.02, // share of invoices exported as two identical lines
  instalments: 0.01, // share of invoices in 2–3 instalments
  credits: 0.03,
  paid: 0.3, // share with balance 0
  partly: 0.1, // share partly paid
  currencies: ['MXN', 'MXN', 'MXN', 'MXN', 'MXN', 'MXN', 'USD', 'USD', 'EUR'],
  groupedAmounts: 0.2, // share of amounts written "1,234.56" (quoted when the delimiter is ,)
  ambiguousFirst: 0, // the first N rows have only days ≤ 12 (day/month order unknown until later)
  conflicts: 0, // share of invoices repeated with a different amount (rejected duplicates)
  multiline: 0, // share of rows with a quoted note holding a newline (columns: 'full')
  crlf: false,
  bom: false,
});

/** The header and rows of a generated ledger, as CSV lines (no line ends), streamed. */
export function* ledgerLines(options = {}) {
  const o = { ...BENCH, ...options };
  const rand = prng(o.seed * 7919 + 17);
  const nCustomers = o.customers || Math.max(20, Math.floor(o.rows / 50));
  const full = o.columns === 'full';
  const d = o.delimiter;
  const q = (s) => (s.includes(d) || s.includes('"') || s.includes('\n') || s.includes('\r') ? `"${s.replace(/"/g, '""')}"` : s);
  const customers = [];
  for (let i = 0; i < nCustomers; i++) {
    const kind = rand();
    let name;
    if (kind < 0.45) name = `${pick(rand, TRADES)} ${pick(rand, PLACES)}, ${pick(rand, FORMS)}`;
    else if (kind < 0.75) name = `${pick(rand, SURNAMES)} ${pick(rand, ['Hermanos', 'e Hijos', 'y Asociados'])}, ${pick(rand, FORMS)}`;
    else name = `${pick(rand, GIVEN)} ${pick(rand, SURNAMES)} ${pick(rand, SURNAMES)}`;
    const id = full && rand() < 0.08 ? 'XAXX010101000' : `${slug(name).replace(/\./g, '').slice(0, 4).toUpperCase().padEnd(4, 'X')}${pad(i % 100)}${pad((i * 7) % 12 + 1)}${pad((i * 13) % 28 + 1)}${String.fromCharCode(65 + (i % 26))}${i % 10}`;
    customers.push({
      name: i % 97 === 5 ? `${name} ` : name, // a trailing space: same customer once trimmed
      id,
      email: rand() < 0.9 ? `pagos.${slug(name)}${i}@${pick(rand, DOMAINS)}` : '',
      currency: pick(rand, o.currencies),
      second: rand() < 0.05 ? pick(rand, o.currencies) : null,
      phone: `+52 55 ${pad(i % 10000, 4)} ${pad((i * 31) % 10000, 4)}`,
    });
  }
  const header = full
    ? ['Cliente', 'RFC', 'Correo', 'Teléfono', 'Factura', 'Fecha', 'Vencimiento', 'Plazo', 'Importe', 'Pagado', 'Saldo', 'Moneda', 'Estado', 'Fecha de pago', 'En disputa', 'Vendedor', 'Notas']
    : ['Cliente', 'Correo', 'Factura', 'Fecha', 'Vencimiento', 'Importe', 'Saldo', 'Moneda'];
  yield header.map(q).join(d);

  const exp = (cur) => (cur === 'CLP' || cur === 'JPY' ? 0 : 2);
  const money = (minor, cur, grouped) => {
    const e = exp(cur);
    const neg = minor < 0;
    const abs = Math.abs(minor);
    let int = String(Math.floor(abs / 10 ** e));
    const frac = e ? String(abs % 10 ** e).padStart(e, '0') : '';
    const groupSep = o.decimal === '.' ? ',' : '.';
    if (grouped) int = int.replace(/\B(?=(\d{3})+(?!\d))/g, groupSep);
    const text = e ? `${int}${o.decimal}${frac}` : int;
    if (!neg) return text;
    return rand() < 0.5 ? `-${text}` : `(${text})`;
  };
  const date = (day, forceSmall) => {
    let [y, m, dd] = ymd(day);
    if (forceSmall && dd > 12) dd = ((dd - 1) % 12) + 1;
    if (o.dateFormat === 'iso') return `${y}-${pad(m)}-${pad(dd)}`;
    if (o.dateFormat === 'mdy') return `${m}/${dd}/${y}`;
    return `${pad(dd)}/${pad(m)}/${y}`;
  };

  let written = 0;
  let seq = 0;
  while (written < o.rows) {
    const c = customers[Math.floor(rand() * rand() * nCustomers)]; // some customers much bigger than others
    const currency = c.second && rand() < 0.3 ? c.second : c.currency;
    const credit = rand() < o.credits;
    seq++;
    const invoice = `${credit ? 'NC' : 'F'}-${2022 + (seq % 3)}-${pad(seq, 6)}`;
    const small = written < o.ambiguousFirst;
    const issued = BASE_DAY + Math.floor(rand() * 1095);
    const terms = pick(rand, [15, 30, 30, 30, 45, 60, 90]);
    let amount = Math.round(10 ** (2 + rand() * 3.5)) * (exp(currency) ? 100 : 1) + (exp(currency) ? Math.floor(rand() * 100) : 0);
    if (credit) amount = -Math.round(amount / 4);
    const r = rand();
    let balance = amount;
    let paidDate = '';
    if (!credit && r < o.paid) {
      balance = 0;
      paidDate = date(issued + Math.floor(rand() * 120), small);
    } else if (!credit && r < o.paid + o.partly) balance = Math.round(amount * (0.2 + rand() * 0.6));
    const parts = rand() < o.instalments ? 2 + Math.floor(rand() * 2) : 1;
    const repeats = rand() < o.lines ? 2 : 1;
    const conflict = rand() < o.conflicts;
    const status = !full ? '' : balance === 0 ? pick(rand, ['Pagada', 'Pagada', 'Cobrada']) : rand() < 0.03 ? pick(rand, ['Cancelada', 'Borrador', 'En revisión']) : pick(rand, ['Vencida', 'Pendiente', '', 'Abierta']);
    const disputed = full && rand() < 0.03 ? pick(rand, ['Sí', 'x', 'yes']) : full && rand() < 0.3 ? 'No' : '';
    const grouped = rand() < o.groupedAmounts;
    for (let p = 0; p < parts && written < o.rows; p++) {
      const part = parts === 1 ? amount : Math.trunc(amount / parts);
      const partBalance = parts === 1 ? balance : Math.trunc(balance / parts);
      const due = issued + terms + p * 30;
      for (let k = 0; k < repeats + (conflict && p === 0 ? 1 : 0) && written < o.rows; k++) {
        const shownAmount = conflict && k === repeats ? part + 100 : part;
        const noDue = full && terms === 45 && p === 0 && parts === 1; // terms column instead of a due date
        let row;
        if (full) {
          const note = o.multiline && rand() < o.multiline ? `Llamar antes de las 10,\n preguntar por "${pick(rand, GIVEN)}"` : rand() < 0.1 ? 'ver contrato' : '';
          row = [
            c.name, c.id, c.email, c.phone, invoice, date(issued, small), noDue ? '' : date(due, small), noDue ? `Neto ${terms}` : '',
            money(shownAmount, currency, grouped), shownAmount === partBalance ? '' : money(shownAmount - partBalance, currency, false), money(partBalance, currency, false),
            currency, status, paidDate, disputed, pick(rand, ['Ana', 'Luis', '']), note,
          ];
        } else {
          row = [c.name, c.email, invoice, date(issued, small), date(due, small), money(shownAmount, currency, grouped), money(partBalance, currency, false), currency];
        }
        yield row.map(q).join(d);
        written++;
      }
    }
  }
}

/** A whole generated ledger as one string (small ledgers: tests). */
export function ledgerCsv(options = {}) {
  const o = { ...BENCH, ...options };
  const eol = o.crlf ? '\r\n' : '\n';
  return (o.bom ? '\uFEFF' : '') + [...ledgerLines(o)].join(eol) + eol;
}

/** Writes a generated CSV ledger without holding it in memory. Returns the bytes written. */
export async function writeLedgerCsv(path, options = {}) {
  const o = { ...BENCH, ...options };
  await mkdir(dirname(path), { recursive: true });
  const out = createWriteStream(path);
  const eol = o.crlf ? '\r\n' : '\n';
  let batch = o.bom ? '\uFEFF' : '';
  for (const line of ledgerLines(o)) {
    batch += line + eol;
    if (batch.length > 1 << 20) {
      if (!out.write(batch)) await once(out, 'drain');
      batch = '';
    }
  }
  out.end(batch);
  await once(out, 'finish');
  return out.bytesWritten;
}

function parseCsvLine(line, d) {
  // Enough for our own output: quoted fields with "" and the delimiter inside, no newlines (bench profile).
  const out = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let j = i + 1;
      let s = '';
      for (;;) {
        const k = line.indexOf('"', j);
        if (line[k + 1] === '"') {
          s += line.slice(j, k + 1);
          j = k + 2;
        } else {
          s += line.slice(j, k);
          i = k + 2;
          break;
        }
      }
      out.push(s);
    } else {
      const k = line.indexOf(d, i);
      const end = k < 0 ? line.length : k;
      out.push(line.slice(i, end));
      i = end + 1;
    }
  }
  return out;
}

/**
 * Writes the same ledger as an .xlsx with exceljs's streaming writer: dates as date cells
 * (dd/mm/yyyy), amounts as numbers, text in shared strings — what Excel itself saves.
 */
export async function writeLedgerXlsx(path, options = {}) {
  const o = { ...BENCH, ...options, columns: 'bench', delimiter: ',', decimal: '.', dateFormat: 'iso', groupedAmounts: 0 };
  await mkdir(dirname(path), { recursive: true });
  const { default: ExcelJS } = await import('exceljs');
  const wb = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true, useStyles: true });
  const ws = wb.addWorksheet('Facturas');
  ws.columns = [{ width: 40 }, { width: 30 }, { width: 16 }, { width: 12, style: { numFmt: 'dd/mm/yyyy' } }, { width: 12, style: { numFmt: 'dd/mm/yyyy' } }, { width: 14 }, { width: 14 }, { width: 8 }];
  let first = true;
  for (const line of ledgerLines(o)) {
    const f = parseCsvLine(line, ',');
    if (first) {
      ws.addRow(f).commit();
      first = false;
      continue;
    }
    const num = (s) => Number(s.startsWith('(') ? `-${s.slice(1, -1)}` : s);
    ws.addRow([f[0], f[1], f[2], new Date(`${f[3]}T00:00:00Z`), new Date(`${f[4]}T00:00:00Z`), num(f[5]), num(f[6]), f[7]]).commit();
  }
  ws.commit();
  await wb.commit();
}

// ---------------------------------------------------------------------------------------------

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const opt = (name, def) => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : def;
  };
  const rows = Number(opt('rows', '10000'));
  const out = opt('out', `bench/data/ledger-${rows}.csv`);
  const seed = Number(opt('seed', '1'));
  const t0 = Date.now();
  if (args.includes('--xlsx')) await writeLedgerXlsx(out, { rows, seed });
  else await writeLedgerCsv(out, { rows, seed });
  process.stderr.write(`wrote ${out} (${rows} rows) in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
}
