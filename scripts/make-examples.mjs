// Generates the bundled example ledger: examples/ledger.xlsx and examples/ledger.csv, the
// receivables export of a Mexican distributor that a new user first runs
// `dunning aging examples/ledger.xlsx --as-of 2026-11-30` on. Run: node scripts/make-examples.mjs
//
// Deterministic on purpose: the files are committed and examples/README.md states figures worked
// out from them (test/examples.test.ts recomputes those from the CSV). So: a seeded PRNG
// (mulberry32), no Math.random, no clock for data, amounts as integer cents, dates as epoch days,
// and the xlsx zip re-packed with fixed timestamps (exceljs stamps every entry with "now", which
// changed the committed bytes on every run).
//
// The hand-placed customers (FIXED below) carry the cases the example must show: every bucket
// boundary (0, 30, 31, 60, 61, 90, 91 days), credit notes, a disputed invoice, a partial payment,
// payments before / on / after the as-of date, an invoice dated after it, MXN + USD customers,
// a customer without email, one with two addresses, and the generic RFC XAXX010101000. The other
// customers get PRNG invoices from a payer profile (good / slow / bad).
//
// At the end the script prints the aging figures of README.md, computed here by a small
// calculation that shares no code with src/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import { unzipSync, zipSync } from 'fflate';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT_DIR = join(ROOT, 'examples');
const SEED = 20261130;

// ---------------------------------------------------------------- dates (epoch days, UTC only)
const MS_PER_DAY = 86_400_000;
/** 'YYYY-MM-DD' → epoch day. */
function day(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  if (!m) throw new Error(`bad date ${iso}`);
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const d = new Date(ms);
  if (d.getUTCDate() !== Number(m[3])) throw new Error(`no such date ${iso}`);
  return ms / MS_PER_DAY;
}
function ymd(d) {
  const dt = new Date(d * MS_PER_DAY);
  return [dt.getUTCFullYear(), dt.getUTCMonth() + 1, dt.getUTCDate()];
}
/** The xlsx cell value: exceljs treats Dates as UTC, so UTC midnight of the calendar date. */
function cellDate(d) {
  const [y, m, dd] = ymd(d);
  return new Date(Date.UTC(y, m - 1, dd));
}
const pad = (n, w = 2) => String(n).padStart(w, '0');
function dmy(d) {
  const [y, m, dd] = ymd(d);
  return `${pad(dd)}/${pad(m)}/${y}`;
}
function isoOf(d) {
  const [y, m, dd] = ymd(d);
  return `${y}-${pad(m)}-${pad(dd)}`;
}

const AS_OF = day('2026-11-30');

// ---------------------------------------------------------------- money (integer cents)
/** 1234567 → "12,345.67"; -123456 → "-1,234.56". */
function money(cents) {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${units}.${pad(abs % 100)}`;
}
/** Subtotal plus 16 % IVA, in whole cents. */
const withIva = (subtotal) => subtotal + Math.round((subtotal * 16) / 100);

// ---------------------------------------------------------------- PRNG
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
/** Integer in [lo, hi]. */
const int = (lo, hi) => lo + Math.floor(rand() * (hi - lo + 1));
const chance = (p) => rand() < p;

// ---------------------------------------------------------------- customers
const REPS = ['Ana Sofía Orozco', 'Jesús Peña Ibarra', 'Mónica Gutiérrez Soto', 'Raúl Muñoz Carrillo'];
const GENERIC_RFC = new Set(['XAXX010101000', 'XEXX010101000']);

// [name, RFC, phone area code, email, contact, terms days, profile]
// profile 'fixed' = every invoice is in FIXED; 'good' | 'slow' | 'bad' = PRNG invoices.
const CUSTOMERS = [
  ['Abarrotes La Peña, S.A. de C.V.', 'ALP980312K57', '477', 'pagos@abarroteslapena.com.mx', 'Rosa María Peña Ruiz', 30, 'fixed'],
  ['Agroinsumos Pénjamo, S.P.R. de R.L.', 'APE110823TB6', '469', 'administracion@agroinsumospenjamo.mx', 'Jesús Alberto Méndez', 60, 'bad'],
  ['Alimentos Procesados del Bajío, S.A. de C.V.', 'APB040712G81', '461', 'cxp@alimentosbajio.com.mx', 'Lucía Hernández Olvera', 30, 'good'],
  ['Ángel Rodríguez Beltrán', 'ROBA800214JD2', '477', 'angel.rodriguez.beltran@gmail.com', 'Ángel Rodríguez Beltrán', 30, 'slow'],
  ['Autopartes Querétaro Norte, S.A. de C.V.', 'AQN100301LM6', '442', 'cxp@aqnorte.com.mx; tesoreria@aqnorte.com.mx', 'Héctor Salinas Ríos', 30, 'fixed'],
  ['Calzado Fino de San Francisco del Rincón, S.A. de C.V.', 'CFS021107AK9', '476', 'pagos@calzadofinosfr.com.mx', 'Verónica Jiménez Lara', 45, 'slow'],
  ['Clínica Dental Sonrisa Bajío, S.C.', 'CDS140505P71', '477', 'facturacion@sonrisabajio.mx', 'Dra. Paola Ocampo Díaz', 15, 'fixed'],
  ['Colegio Miguel Hidalgo de Dolores, A.C.', 'CMH870901QW3', '418', 'contabilidad@colegiohidalgo.edu.mx', 'Lic. Ramón Cortés Aguilar', 30, 'good'],
  ['Comercializadora Muñoz y Asociados, S. de R.L. de C.V.', 'CMA110204QZ1', '33', 'cuentasporpagar@munozyasociados.com', 'Fernando Muñoz Treviño', 45, 'slow'],
  ['Constructora Peña Blanca, S.A. de C.V.', 'CPB091005DS7', '442', 'tesoreria@penablanca.com.mx', 'Ing. Arturo Blanco Peña', 45, 'fixed'],
  ['Cremería La Güera, S.A. de C.V.', 'CLG170321RM2', '462', 'cremerialaguera@hotmail.com', 'Guadalupe Sánchez Ortega', 15, 'good'],
  ['Distribuidora Agrícola Peñuelas, S.A. de C.V.', 'DAP120827TT9', '449', 'pagos@agricolapenuelas.com.mx', 'José Luis Peñuelas Mora', 30, 'bad'],
  ['Empaques y Cartón Salamanca, S.A. de C.V.', 'ECS130614RT5', '464', 'cxp@empaquessalamanca.com.mx', 'Marisol Vázquez Reyes', 45, 'slow'],
  ['Farmacias San José de Celaya, S.A. de C.V.', 'FSJ970606HJ4', '461', 'proveedores@farmaciassanjose.mx', 'Q.F.B. Adriana Luna Castro', 30, 'good'],
  ['Ferretería Núñez Hermanos, S.A. de C.V.', 'FNH050719BV3', '477', 'compras@ferreterianunez.com.mx', 'Tomás Núñez Galván', 30, 'fixed'],
  ['Grupo Constructor Ibáñez, S.A. de C.V.', 'GCI080115R62', '442', 'cuentasporpagar@grupoibanez.com', 'Ing. Sergio Ibáñez Quiroz', 60, 'bad'],
  ['Grupo Ferretero Ávila, S.A. de C.V.', 'GFA031204LX5', '461', 'pagos@ferreteroavila.com.mx', 'Claudia Ávila Ramos', 30, 'fixed'],
  ['Hotelera Río Laja, S.A. de C.V.', 'HRL020218EW2', '415', 'contraloria@hotelriolaja.com.mx', 'C.P. Eduardo Franco Meza', 30, 'fixed'],
  ['Importadora Jalisciense del Pacífico, S.A. de C.V.', 'IJP060530CC8', '33', 'pagos@ijpacifico.com.mx', 'Karla Estrada Villaseñor', 30, 'slow'],
  ['Lácteos San Andrés, S.A. de C.V.', 'LSA990715VB1', '462', 'tesoreria@lacteossanandres.mx', 'Andrés Ugalde Barrón', 30, 'good'],
  ['Maquinados Industriales de Irapuato, S.A. de C.V.', 'MII070925AB4', '462', 'cxp@maquinadosirapuato.com.mx', 'Ing. Rodrigo Camacho Ruiz', 60, 'slow'],
  ['María Guadalupe Ordóñez Téllez', 'OOTG750823HN4', '473', 'lupita.ordonez@yahoo.com.mx', 'María Guadalupe Ordóñez Téllez', 15, 'slow'],
  ['Materiales Acámbaro, S.A. de C.V.', 'MAC061122JA5', '417', 'materialesacambaro@gmail.com', 'Juan Carlos Acosta Pérez', 30, 'bad'],
  ['Muebles Rústicos Dolores Hidalgo, S.A. de C.V.', 'MRD080411HG7', '418', 'ventas@mueblesrusticosdh.com.mx', 'Norma Alicia Tovar Saucedo', 30, 'good'],
  ['Ópticas Visión Clara, S.A. de C.V.', 'OVC150818KP4', '477', 'administracion@opticasvisionclara.mx', 'Lic. Diana Cervantes Pozos', 30, 'good'],
  ['Panificadora La Espiga de Oro, S.A. de C.V.', 'PEO960228FF1', '464', 'espigadeoro@prodigy.net.mx', 'Martín Olalde Torres', 15, 'slow'],
  ['Papelería y Útiles El Búho, S.A. de C.V.', 'PUB030930LK8', '473', 'pagos@papeleriaelbuho.com.mx', 'Silvia Camarena Ruiz', 15, 'good'],
  ['Pérez & Hijos Comercial, S.A. de C.V.', 'P&H0503157Q2', '477', 'cxp@perezhijos.com.mx', 'Gerardo Pérez Lozano', 30, 'slow'],
  ['Público en general', 'XAXX010101000', '', '', '', 15, 'fixed'],
  ['Química Industrial León, S.A. de C.V.', 'QIL050302SE9', '477', 'cuentasporpagar@quimicaleon.com.mx', 'Ing. Beatriz Robles Ayala', 45, 'slow'],
  ['Refaccionaria Logroño, S.A. de C.V.', 'RLO990301M20', '464', 'refaccionarialogrono@gmail.com', 'Íñigo Logroño Sáenz', 30, 'fixed'],
  ['Restaurantes La Fogata de Silao, S.A. de C.V.', 'RFS120619DN4', '472', 'gerencia@lafogatasilao.com', 'Alejandro Zamudio Nieto', 30, 'bad'],
  ['Servicios Médicos Guanajuatenses, S.C.', 'SMG010509UK2', '473', 'pagos@smguanajuato.com.mx', 'Dr. Óscar Rentería Valdés', 30, 'good'],
  ['Súper Mercados El Sabinal, S.A. de C.V.', 'SME101013TR6', '412', 'cxp@superelsabinal.mx', 'Patricia Ledesma Guzmán', 30, 'slow'],
  ['Talleres Eléctricos Moroleón, S.A. de C.V.', 'TEM040920EA3', '445', 'talleresmoroleon@hotmail.com', 'Javier Ayala Bustos', 30, 'bad'],
  ['Textiles Uriangato, S.A. de C.V.', 'TUR090127ML8', '445', 'pagos@textilesuriangato.com.mx', 'Elena Cisneros Aguado', 60, 'slow'],
  ['Tiendas Doña Chela, S.A. de C.V.', 'TDC180903NN7', '461', '', 'Graciela "Chela" Mendoza Ruiz', 30, 'fixed'],
  ['Tlapalería Cañada Honda, S.A. de C.V.', 'TCH150410P39', '449', 'tlapaleriacanadahonda@gmail.com', 'Felipe Cañada Ibarra', 15, 'good'],
  ['Transportes Zúñiga, S.A. de C.V.', 'TZU000828FE5', '81', 'tesoreria@transporteszuniga.com.mx', 'Lic. Mauricio Zúñiga Garza', 30, 'bad'],
  ['Viveros y Jardines Cañaveral, S.A. de C.V.', 'VJC160120HK3', '477', 'contacto@viveroscanaveral.mx', 'Rocío Medina Alcántara', 30, 'good'],
];

// Hand-placed invoices, by RFC. Amounts in cents; `due` defaults to date + the customer's terms;
// a credit note's due date is its own date. `paid` with `paidDate` = settled in full on that date.
const FIXED = {
  // Credits in two buckets, a paid invoice, an invoice dated after the as-of date (ignored).
  ALP980312K57: [
    { date: '2026-07-15', amount: 1508000, paid: 1508000, paidDate: '2026-08-20' },
    { date: '2026-08-10', amount: 2784000 }, // due 09/09: 82 days → 61-90
    { date: '2026-09-18', amount: -116000, credit: true }, // 73 days → 61-90
    { date: '2026-10-20', amount: 1856000 }, // due 19/11: 11 days → 1-30
    { date: '2026-11-05', amount: -232000, credit: true }, // 25 days → 1-30
    { date: '2026-11-12', amount: 986000 }, // due 12/12 → current
    { date: '2026-12-02', amount: 1241200 }, // after the as-of date → ignored
  ],
  // MXN and USD; the email cell holds two addresses.
  AQN100301LM6: [
    { date: '2026-09-02', amount: 1299200 }, // due 02/10: 59 days → 31-60
    { date: '2026-10-05', amount: 4582000 }, // due 04/11: 26 days → 1-30
    { date: '2026-11-16', amount: 3120400 }, // due 16/12 → current
    { date: '2026-08-14', amount: 320000, currency: 'USD', paid: 320000, paidDate: '2026-09-10' },
    { date: '2026-09-18', amount: 218640, currency: 'USD' }, // due 18/10: 43 days → 31-60
    { date: '2026-10-26', amount: 485000, currency: 'USD' }, // due 25/11: 5 days → 1-30
    { date: '2026-11-20', amount: 731550, currency: 'USD' }, // due 20/12 → current
  ],
  // Paid invoice, then an open credit note: a negative balance (saldo a favor).
  CDS140505P71: [
    { date: '2026-10-06', amount: 696000, paid: 696000, paidDate: '2026-10-20' },
    { date: '2026-11-10', amount: -185600, credit: true }, // 20 days → 1-30
  ],
  // The disputed invoice.
  CPB091005DS7: [
    { date: '2026-08-31', amount: 8743210, disputed: true }, // due 15/10: 46 days → 31-60
    { date: '2026-10-10', amount: 6438000 }, // due 24/11: 6 days → 1-30
    { date: '2026-11-03', amount: 3874400 }, // due 18/12 → current
  ],
  // A USD credit note next to PRNG MXN invoices.
  ECS130614RT5: [
    { date: '2026-07-20', amount: 294000, currency: 'USD' }, // due 03/09: 88 days → 61-90
    { date: '2026-10-01', amount: 561025, currency: 'USD' }, // due 15/11: 15 days → 1-30
    { date: '2026-10-22', amount: -61025, currency: 'USD', credit: true }, // 39 days → 31-60
  ],
  // Every bucket boundary, 30-day terms: 0, 30, 31, 60, 61, 90, 91 days overdue.
  FNH050719BV3: [
    { date: '2026-08-01', amount: 290000 }, // due 31/08: 91 → 90+
    { date: '2026-08-02', amount: 1740000 }, // due 01/09: 90 → 61-90
    { date: '2026-08-31', amount: 812000 }, // due 30/09: 61 → 61-90
    { date: '2026-09-01', amount: 464000 }, // due 01/10: 60 → 31-60
    { date: '2026-09-30', amount: 2320000 }, // due 30/10: 31 → 31-60
    { date: '2026-10-01', amount: 580000 }, // due 31/10: 30 → 1-30
    { date: '2026-10-31', amount: 1160000 }, // due 30/11: 0 → current
  ],
  // Everything paid, the last one on the as-of date itself: no open item.
  GFA031204LX5: [
    { date: '2026-08-25', amount: 2146000, paid: 2146000, paidDate: '2026-09-22' },
    { date: '2026-10-02', amount: 997600, paid: 997600, paidDate: '2026-10-30' },
    { date: '2026-10-28', amount: 1334000, paid: 1334000, paidDate: '2026-11-30' },
  ],
  // The partially paid invoice.
  HRL020218EW2: [
    { date: '2026-08-17', amount: 5800000, paid: 2000000 }, // due 16/09: 75 days → 61-90, 38,000.00 open
    { date: '2026-10-15', amount: 1682000 }, // due 14/11: 16 days → 1-30
    { date: '2026-11-04', amount: 2273600 }, // due 04/12 → current
  ],
  // The critical USD account next to PRNG MXN invoices.
  MII070925AB4: [
    { date: '2026-06-01', amount: 1248000, currency: 'USD' }, // due 31/07: 122 days → 90+
    { date: '2026-09-25', amount: 622540, currency: 'USD' }, // due 24/11: 6 days → 1-30
  ],
  // Generic RFC, no email, no phone.
  XAXX010101000: [
    { date: '2026-10-01', amount: 208800 }, // due 16/10: 45 days → 31-60
    { date: '2026-11-09', amount: 348000 }, // due 24/11: 6 days → 1-30
    { date: '2026-11-21', amount: 127600 }, // due 06/12 → current
  ],
  // Critical, 200+ days, and a credit note in 90+ (reduces the bucket, not the critical amount).
  RLO990301M20: [
    { date: '2025-11-14', amount: 893200 }, // due 14/12/2025: 351 days → 90+
    { date: '2026-02-13', amount: 4263000 }, // due 15/03: 260 days → 90+
    { date: '2026-05-02', amount: -348000, credit: true }, // 212 days → 90+
    { date: '2026-05-21', amount: 1972000 }, // due 20/06: 163 days → 90+
    { date: '2026-11-18', amount: 754000 }, // due 18/12 → current
  ],
  // Paid after the as-of date (still open on 30/11 at the full amount); no email.
  TDC180903NN7: [
    { date: '2026-09-01', amount: 870000, paid: 870000, paidDate: '2026-10-05' },
    { date: '2026-09-21', amount: 1461600, paid: 1461600, paidDate: '2026-12-03' }, // due 21/10: 40 days → 31-60
    { date: '2026-11-06', amount: 638000 }, // due 06/12 → current
  ],
};

/** Days overdue on the as-of date for a PRNG invoice; never dated after the as-of date. */
function pickDaysOverdue(profile, terms) {
  const earliest = -(terms - 1);
  if (profile === 'good') return int(earliest, 28);
  if (profile === 'slow') return int(earliest, 85);
  return chance(0.5) ? int(earliest, 60) : int(61, 330);
}
/** An MXN invoice total with IVA, skewed towards mid-size amounts. */
function pickAmount() {
  const r = rand();
  const [lo, hi] = r < 0.35 ? [200000, 1000000] : r < 0.8 ? [1000000, 5000000] : [5000000, 18000000];
  return withIva(int(lo, hi));
}

function randomInvoices(terms, profile) {
  const out = [];
  const count = int(2, 4);
  for (let i = 0; i < count; i++) {
    const due = AS_OF - pickDaysOverdue(profile, terms);
    out.push({ date: due - terms, due, amount: pickAmount(), currency: 'MXN' });
  }
  if (chance(0.2)) {
    // An older invoice paid in full before the as-of date, near its due date.
    const due = AS_OF - int(20, 120);
    const paidDate = Math.min(due + int(-5, 20), AS_OF - 1);
    const amount = pickAmount();
    out.push({ date: due - terms, due, amount, currency: 'MXN', paid: amount, paidDate });
  }
  return out;
}

function fixedInvoices(specs, terms) {
  return specs.map((s) => {
    const date = day(s.date);
    return {
      date,
      due: s.credit ? date : s.due ? day(s.due) : date + terms,
      amount: s.amount,
      currency: s.currency ?? 'MXN',
      credit: s.credit === true,
      paid: s.paid ?? 0,
      paidDate: s.paidDate ? day(s.paidDate) : null,
      disputed: s.disputed === true,
    };
  });
}

/** Sort key that ignores accents and case, so "Ángel" sorts among the A's. */
const plain = (s) => s.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

function buildRows() {
  const customers = CUSTOMERS.map(([name, rfc, area, email, contact, terms, profile], index) => {
    if (!/^[A-ZÑ&]{3,4}\d{6}[A-Z0-9]{3}$/.test(rfc)) throw new Error(`bad RFC ${rfc}`);
    const phone = area === '' ? '' : `+52 ${area} ${area.length === 2 ? `${int(1000, 9999)} ${int(1000, 9999)}` : `${int(100, 999)} ${int(1000, 9999)}`}`;
    const salesRep = rfc === 'XAXX010101000' ? 'Mostrador' : REPS[int(0, REPS.length - 1)];
    const invoices = [
      ...(FIXED[rfc] ? fixedInvoices(FIXED[rfc], terms) : []),
      ...(profile === 'fixed' ? [] : randomInvoices(terms, profile).map((i) => ({ credit: false, paid: 0, paidDate: null, disputed: false, ...i }))),
    ];
    if (invoices.length === 0) throw new Error(`no invoices for ${name}`);
    return { name, rfc, email, phone, contact, salesRep, index, invoices };
  });
  for (const rfc of Object.keys(FIXED)) {
    if (!customers.some((c) => c.rfc === rfc)) throw new Error(`FIXED names unknown RFC ${rfc}`);
  }

  const all = customers.flatMap((c) => c.invoices.map((inv, n) => ({ ...inv, customer: c, n })));
  // Folios follow the invoice date, as an invoicing system issues them: series A (MXN), D (USD),
  // NC (credit notes), with gaps for invoices to customers that are not in this export.
  const byDate = [...all].sort((a, b) => a.date - b.date || a.customer.index - b.customer.index || a.n - b.n);
  const next = { A: 3817, D: 212, NC: 7 };
  for (const inv of byDate) {
    const series = inv.credit ? 'NC' : inv.currency === 'USD' ? 'D' : 'A';
    inv.folio = series === 'NC' ? `NC-${pad(next.NC, 4)}` : `${series}-${pad(next[series], 6)}`;
    next[series] += series === 'A' ? int(1, 9) : int(1, 3);
  }
  const sorted = [...all].sort(
    (a, b) => plain(a.customer.name).localeCompare(plain(b.customer.name), 'en') || a.date - b.date || (a.folio < b.folio ? -1 : 1),
  );
  return sorted.map((inv) => ({
    customer: inv.customer.name,
    rfc: inv.customer.rfc,
    folio: inv.folio,
    date: inv.date,
    due: inv.due,
    amount: inv.amount,
    paid: inv.paid,
    currency: inv.currency,
    paidDate: inv.paidDate,
    disputed: inv.disputed,
    email: inv.customer.email,
    phone: inv.customer.phone,
    contact: inv.customer.contact,
    salesRep: inv.customer.salesRep,
  }));
}

// ---------------------------------------------------------------- output
const HEADERS = ['Cliente', 'RFC', 'Folio', 'Fecha', 'Vencimiento', 'Importe', 'Pagado', 'Saldo', 'Moneda', 'Fecha de pago', 'En disputa', 'Correo', 'Teléfono', 'Contacto', 'Vendedor'];
const DATE_COLS = new Set([4, 5, 10]);
const MONEY_COLS = new Set([6, 7, 8]);
const TITLE = 'Cartera de clientes — Distribuidora del Bajío, S.A. de C.V.';
const CUTOFF = 'Corte al 30/11/2026';
const NOTES = [
  'Notas del reporte de cartera',
  'Exportado del sistema administrativo de Distribuidora del Bajío, S.A. de C.V.',
  'Importes en la moneda de cada documento (MXN o USD), IVA incluido; no se convierten.',
  'Saldo = Importe − Pagado. Las notas de crédito (serie NC) aparecen con importe negativo.',
  'Fecha de pago: fecha en que el documento quedó liquidado en su totalidad.',
  'En disputa: facturas reclamadas por el cliente; no enviar recordatorios de cobro.',
  'Dudas: cobranza@distribuidoradelbajio.com.mx, +52 477 210 3300.',
];

/** A row as cell values in header order: numbers for money, epoch days for dates, '' for empty. */
function cells(r) {
  return [r.customer, r.rfc, r.folio, r.date, r.due, r.amount, r.paid, r.amount - r.paid, r.currency, r.paidDate ?? '', r.disputed ? 'Sí' : '', r.email, r.phone, r.contact, r.salesRep];
}

function csvField(text) {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
function toCsv(rows) {
  const lines = [HEADERS, ...rows.map((r) =>
    cells(r).map((v, i) => (v === '' ? '' : DATE_COLS.has(i + 1) ? dmy(v) : MONEY_COLS.has(i + 1) ? money(v) : String(v))),
  )];
  return `\uFEFF${lines.map((l) => l.map(csvField).join(',')).join('\r\n')}\r\n`;
}

async function toXlsx(rows) {
  const wb = new ExcelJS.Workbook();
  const fixedTime = cellDate(AS_OF);
  wb.creator = 'Distribuidora del Bajío';
  wb.lastModifiedBy = 'Distribuidora del Bajío';
  wb.created = fixedTime;
  wb.modified = fixedTime;

  const ws = wb.addWorksheet('Cartera', { views: [{ state: 'frozen', ySplit: 4 }] });
  ws.getCell('A1').value = TITLE;
  ws.getCell('A1').font = { bold: true, size: 14 };
  ws.getCell('A2').value = CUTOFF;
  ws.getCell('A2').font = { italic: true };
  const header = ws.getRow(4);
  header.values = HEADERS;
  header.font = { bold: true };
  header.eachCell((c) => {
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFD9E1F2' } };
    c.border = { bottom: { style: 'thin' } };
  });
  rows.forEach((r, k) => {
    const row = ws.getRow(5 + k);
    cells(r).forEach((v, i) => {
      if (v === '') return;
      const cell = row.getCell(i + 1);
      if (DATE_COLS.has(i + 1)) {
        cell.value = cellDate(v);
        cell.numFmt = 'dd/mm/yyyy';
      } else if (MONEY_COLS.has(i + 1)) {
        cell.value = v / 100;
        cell.numFmt = '#,##0.00';
      } else {
        cell.value = v;
      }
    });
  });
  ws.autoFilter = { from: { row: 4, column: 1 }, to: { row: 4 + rows.length, column: HEADERS.length } };
  const widths = [52, 16, 12, 12, 13, 15, 15, 15, 8, 14, 11, 46, 18, 32, 24];
  widths.forEach((w, i) => (ws.getColumn(i + 1).width = w));

  const notes = wb.addWorksheet('Notas');
  NOTES.forEach((line, i) => (notes.getCell(i + 1, 1).value = line));
  notes.getCell('A1').font = { bold: true };
  notes.getColumn(1).width = 90;

  // Re-pack with a fixed timestamp on every entry so the committed file is byte-stable.
  const entries = unzipSync(new Uint8Array(await wb.xlsx.writeBuffer()));
  // Zip (DOS) timestamps are local time: a UTC instant gave different bytes in Auckland.
  const mtime = new Date(2026, 10, 30, 12);
  const packed = {};
  for (const [name, data] of Object.entries(entries)) packed[name] = [data, { mtime, level: 6 }];
  return zipSync(packed);
}

// ---------------------------------------------------------------- the README figures
const BUCKETS = ['current', '1-30', '31-60', '61-90', '90+'];
function bucketOf(daysOverdue) {
  if (daysOverdue <= 0) return 'current';
  if (daysOverdue <= 30) return '1-30';
  if (daysOverdue <= 60) return '31-60';
  if (daysOverdue <= 90) return '61-90';
  return '90+';
}

/** Aging on `asOf`, basis due date, by (customer key, currency). */
function aging(rows, asOf) {
  const entries = new Map();
  for (const r of rows) {
    if (r.date > asOf) continue; // not issued yet on the as-of date
    if (r.paidDate !== null && r.paidDate <= asOf) continue; // settled by then
    const open = r.paidDate !== null ? r.amount : r.amount - r.paid; // paid later: nothing applied yet
    if (open === 0) continue;
    const key = GENERIC_RFC.has(r.rfc) ? `name:${r.customer}` : r.rfc;
    const id = `${key}|${r.currency}`;
    if (!entries.has(id)) {
      entries.set(id, { customer: r.customer, rfc: r.rfc, currency: r.currency, buckets: Object.fromEntries(BUCKETS.map((b) => [b, 0])), balance: 0, criticalAmount: 0, oldest: null });
    }
    const e = entries.get(id);
    const days = asOf - r.due;
    e.buckets[bucketOf(days)] += open;
    e.balance += open;
    if (open > 0 && days > 90) e.criticalAmount += open;
    if (open > 0 && days > 0) e.oldest = Math.max(e.oldest ?? 0, days);
  }
  const totals = new Map();
  for (const e of entries.values()) {
    if (!totals.has(e.currency)) totals.set(e.currency, { buckets: Object.fromEntries(BUCKETS.map((b) => [b, 0])), balance: 0, customers: 0, critical: 0, criticalAmount: 0 });
    const t = totals.get(e.currency);
    for (const b of BUCKETS) t.buckets[b] += e.buckets[b];
    t.balance += e.balance;
    t.customers += 1;
    if (e.criticalAmount > 0) {
      t.critical += 1;
      t.criticalAmount += e.criticalAmount;
    }
  }
  return { entries: [...entries.values()], totals };
}

function printFigures(rows) {
  const { entries, totals } = aging(rows, AS_OF);
  const out = [];
  out.push(`rows ${rows.length}, customers ${new Set(rows.map((r) => r.rfc + r.customer)).size}, as of ${isoOf(AS_OF)}`);
  out.push(`| Currency | ${BUCKETS.join(' | ')} | Total | Customers with an open item |`);
  for (const [cur, t] of [...totals].sort()) {
    out.push(`| ${cur} | ${BUCKETS.map((b) => money(t.buckets[b])).join(' | ')} | ${money(t.balance)} | ${t.customers} |`);
  }
  out.push('critical:');
  for (const e of entries.filter((x) => x.criticalAmount > 0).sort((a, b) => a.currency.localeCompare(b.currency) || b.criticalAmount - a.criticalAmount)) {
    out.push(`| ${e.customer} | ${e.rfc} | ${e.currency} | ${money(e.criticalAmount)} | ${e.oldest} |`);
  }
  for (const [cur, t] of [...totals].sort()) out.push(`${cur}: ${t.critical} critical, ${money(t.criticalAmount)}`);
  out.push('per customer:');
  for (const e of entries) {
    out.push(`| ${e.customer} | ${e.currency} | ${BUCKETS.map((b) => money(e.buckets[b])).join(' | ')} | ${money(e.balance)} |`);
  }
  console.log(out.join('\n'));
}

const rows = buildRows();
mkdirSync(OUT_DIR, { recursive: true });
writeFileSync(join(OUT_DIR, 'ledger.csv'), toCsv(rows), 'utf8');
writeFileSync(join(OUT_DIR, 'ledger.xlsx'), await toXlsx(rows));
printFigures(rows);
