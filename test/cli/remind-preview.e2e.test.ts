// `dunning remind LEDGER` without --send (SPEC §4): previews (.eml + .txt per customer) land in
// reminders/<as-of>/ of the client folder — never the current directory, which under cron is
// $HOME —, the summary table says who gets which level and who is skipped and why, and nothing
// reaches the SMTP server even when one is configured. Also `--bucket`: runs over the bucket
// labels partition the customers by their oldest *dunnable* invoice.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { describe, expect, it } from 'vitest';
import { addressesOf, cliEnv, clientFactory, csv, LEDGER_HEADER, rowOf, runCli, startSmtp, tableRows } from './smtp-helpers.js';

const newClient = clientFactory('remind-preview');

// As of 2026-03-31. Days overdue worked out by hand:
//   2026-03-21 → 10, 2026-02-14 → 45 (14 left in Feb + 31), 2026-01-30 → 60 (1 + 28 + 31),
//   2026-03-01 → 30, 2026-02-01 → 58, 2026-04-19 → not due.
const AS_OF = '2026-03-31';
const LEDGER = csv([
  LEDGER_HEADER,
  ['Abarrotes Uno', 'F-101', '2026-02-19', '2026-03-21', '1,000.50', '', 'a@uno.mx; b@uno.mx'],
  ['Abarrotes Uno', 'F-102', '2026-01-15', '2026-02-14', '2500.00', '', 'a@uno.mx; b@uno.mx'],
  ['<b>Acme</b> & Co', 'F-201', '2025-12-31', '2026-01-30', '700.00', '', 'acme@acme.mx'],
  ['<b>Acme</b> & Co', 'NC-1', '2026-03-10', '2026-03-10', '-200.00', '', 'acme@acme.mx'],
  ['Disputas SA', 'F-301', '2026-01-02', '2026-02-01', '900.00', 'sí', 'c@disp.mx'],
  ['Creditos SA', 'F-401', '2026-01-30', '2026-03-01', '300.00', '', 'd@cred.mx'],
  ['Creditos SA', 'NC-2', '2026-03-05', '2026-03-05', '-500.00', '', 'd@cred.mx'],
  ['NoContact SA', 'F-501', '2026-01-30', '2026-03-01', '400.00', '', 'e@nc.mx'],
  ['Futuro SA', 'F-701', '2026-03-20', '2026-04-19', '800.00', '', 'f@fut.mx'],
]);

describe('remind without --send writes previews and sends nothing', () => {
  it('writes an .eml and a .txt per customer in reminders/<as-of>/ of the client folder, not the cwd', async () => {
    const smtp = await startSmtp();
    const c = await newClient(LEDGER, { doNotContact: ['e@nc.mx'] });
    const r = await runCli(['remind', c.ledger, '--as-of', AS_OF], { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
    expect(r.code, r.stderr).toBe(0);

    const outDir = join(c.dir, 'reminders', AS_OF);
    const files = readdirSync(outDir).sort();
    const emls = files.filter((f) => f.endsWith('.eml'));
    const txts = files.filter((f) => f.endsWith('.txt'));
    // Two customers get a letter: Abarrotes Uno and <b>Acme</b> & Co.
    expect(emls).toHaveLength(2);
    expect(txts).toHaveLength(2);
    expect(files).toHaveLength(4);
    expect(emls.map((f) => f.replace(/\.eml$/, '')).sort()).toEqual(txts.map((f) => f.replace(/\.txt$/, '')).sort());
    // Nothing in the current directory, nothing journaled, nothing sent.
    expect(readdirSync(c.cwd)).toEqual([]);
    expect(existsSync(join(c.dir, '.dunning', 'journal.jsonl'))).toBe(false);
    expect(smtp.transactions()).toBe(0);
    expect(smtp.received).toHaveLength(0);
    expect(r.stderr).toMatch(/no se envió nada/); // the client folder's config says "lang": "es"
    expect(r.stderr).not.toMatch(/nothing was sent/);
  });

  it('the preview of a customer lists its overdue invoices and the amount asked, worked out by hand', async () => {
    const c = await newClient(LEDGER, { doNotContact: ['e@nc.mx'] });
    const r = await runCli(['remind', c.ledger, '--as-of', AS_OF], { cwd: c.cwd });
    expect(r.code, r.stderr).toBe(0);
    const outDir = join(c.dir, 'reminders', AS_OF);
    const files = readdirSync(outDir);

    // Abarrotes Uno: 1,000.50 + 2,500.00 = 3,500.50, both addresses of the cell.
    const unoTxt = files.find((f) => /Abarrotes-Uno.*\.txt$/.test(f));
    expect(unoTxt).toBeDefined();
    const text = readFileSync(join(outDir, unoTxt!), 'utf8');
    expect(text).toContain('F-101');
    expect(text).toContain('F-102');
    expect(text).toContain('$3,500.50');
    expect(text).toMatch(/^To: a@uno\.mx, b@uno\.mx$/m);
    expect(text).not.toContain('F-701'); // not due: not asked for

    const unoEml = files.find((f) => /Abarrotes-Uno.*\.eml$/.test(f))!;
    const mail = await simpleParser(readFileSync(join(outDir, unoEml)));
    expect(addressesOf(mail.to).sort()).toEqual(['a@uno.mx', 'b@uno.mx']);
    expect(mail.subject).toContain('$3,500.50');
    expect(mail.text).toContain('F-102');
    expect(mail.html).toContain('F-102');

    // <b>Acme</b> & Co: 700.00 − credit 200.00 = 500.00; its name is escaped in the HTML preview.
    const acmeEml = files.find((f) => /Acme.*\.eml$/.test(f))!;
    const acme = await simpleParser(readFileSync(join(outDir, acmeEml)));
    expect(acme.subject).toContain('$500.00');
    expect(acme.text).toContain('NC-1');
    expect(acme.html).toContain('&lt;b&gt;Acme&lt;/b&gt; &amp; Co');
    expect(acme.html).not.toContain('<b>Acme</b>');
  });

  it('the summary table gives each customer its level and each skipped customer its reason', async () => {
    const c = await newClient(LEDGER, { doNotContact: ['e@nc.mx'] });
    const r = await runCli(['remind', c.ledger, '--as-of', AS_OF], { cwd: c.cwd });
    expect(r.code, r.stderr).toBe(0);
    const rows = tableRows(r.stdout);
    const header = rows[0]!;
    const col = (name: string): number => header.indexOf(name);
    // The client folder's config says "lang": "es": Spanish headings and statuses; the letter
    // column names the template (friendly, firm…), as the files under templates/ are named.
    expect(header).toEqual(['Cliente', 'Mon.', 'Carta', 'A cobrar', 'Días', 'Para', 'Estado']);

    const uno = rowOf(rows, 'Abarrotes Uno');
    expect(uno[col('Carta')]).toBe('1 friendly');
    expect(uno[col('A cobrar')]).toBe('3,500.50');
    expect(uno[col('Días')]).toBe('45');
    const acme = rowOf(rows, '<b>Acme</b> & Co');
    expect(acme[col('Carta')]).toBe('1 friendly');
    expect(acme[col('A cobrar')]).toBe('500.00');
    expect(acme[col('Días')]).toBe('60');

    expect(rowOf(rows, 'Disputas SA')[col('Estado')]).toMatch(/omitido: .*en disputa/);
    expect(rowOf(rows, 'Creditos SA')[col('Estado')]).toMatch(/omitido: .*los créditos cubren/);
    expect(rowOf(rows, 'NoContact SA')[col('Estado')]).toMatch(/omitido: .*doNotContact/);
    // Not overdue: neither a letter nor a skip to explain.
    expect(rows.some((row) => row[0] === 'Futuro SA')).toBe(false);
  });
});

// As of 2026-03-31: 2025-12-01 → 120 days, 2025-12-20 → 101, 2026-01-15 → 75 (16 + 28 + 31),
// 2026-02-14 → 45, 2026-03-11 → 20, 2026-03-21 → 10.
const BUCKETS_LEDGER = csv([
  LEDGER_HEADER,
  ['Viejo SA', 'V-1', '2025-11-01', '2025-12-01', '1000.00', '', 'viejo@v.mx'],
  ['Viejo SA', 'V-2', '2026-02-19', '2026-03-21', '200.00', '', 'viejo@v.mx'],
  ['Reciente SA', 'R-1', '2026-02-19', '2026-03-21', '300.00', '', 'reciente@r.mx'],
  ['Medio SA', 'M-1', '2026-01-15', '2026-02-14', '400.00', '', 'medio@m.mx'],
  ['Tardio SA', 'T-1', '2025-12-16', '2026-01-15', '500.00', '', 'tardio@t.mx'],
  // The 101-day invoice is disputed: the oldest *dunnable* one is 20 days late → 1-30.
  ['Mixto SA', 'X-1', '2025-11-20', '2025-12-20', '900.00', 'sí', 'mixto@x.mx'],
  ['Mixto SA', 'X-2', '2026-02-09', '2026-03-11', '100.00', '', 'mixto@x.mx'],
]);

function lettered(stdout: string): string[] {
  const rows = tableRows(stdout);
  const letter = rows[0]!.indexOf('Carta'); // the client folder's config says "lang": "es"
  return rows.slice(1).filter((row) => row[letter] !== '—').map((row) => row[0]!).sort();
}

describe('remind --bucket', () => {
  it('--bucket 90+, 1-30, 31-60 and 61-90 partition customers by their oldest dunnable invoice', async () => {
    const c = await newClient(BUCKETS_LEDGER);
    const run = (bucket: string) => runCli(['remind', c.ledger, '--as-of', AS_OF, '--out', join(c.dir, `out-${bucket}`), '--bucket', bucket], { cwd: c.cwd });
    const [b90, b30, b60, b61, alias] = await Promise.all([run('90+'), run('1-30'), run('31-60'), run('61-90'), run('0-30')]);
    for (const r of [b90, b30, b60, b61, alias]) expect(r.code, r.stderr).toBe(0);

    expect(lettered(b90.stdout)).toEqual(['Viejo SA']);
    expect(lettered(b30.stdout)).toEqual(['Mixto SA', 'Reciente SA']);
    // 0-30 is the alias of 1-30 (the bucket that ends at 30).
    expect(lettered(alias.stdout)).toEqual(['Mixto SA', 'Reciente SA']);
    expect(lettered(b60.stdout)).toEqual(['Medio SA']);
    expect(lettered(b61.stdout)).toEqual(['Tardio SA']);
    // Every customer with a dunnable invoice in exactly one bucket.
    const union = [...lettered(b90.stdout), ...lettered(b30.stdout), ...lettered(b60.stdout), ...lettered(b61.stdout)].sort();
    expect(union).toEqual(['Medio SA', 'Mixto SA', 'Reciente SA', 'Tardio SA', 'Viejo SA']);
    // --bucket chooses who; the ladder chooses which letter: a first letter is level 1 even at 120 days.
    const rows = tableRows(b90.stdout);
    expect(rowOf(rows, 'Viejo SA')[rows[0]!.indexOf('Carta')]).toBe('1 friendly');
  });
});
