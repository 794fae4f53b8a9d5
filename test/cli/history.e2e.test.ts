// `dunning history [--dir DIR] [--customer NAME]` (SPEC §1, §5): what was sent, when, at which
// level and in which state, read from the client folder's journal after real `remind --send`
// runs against a real SMTP server; `--customer` filters; a torn last journal line (a crash in the
// middle of a write) is a warning, never a crash — for `history` and for the next `remind`.
import { appendFileSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliEnv, clientFactory, csv, journalLetters, journalPath, LEDGER_HEADER, runCli, startSmtp, tableRows, type Client } from './smtp-helpers.js';

const newClient = clientFactory('history');

// As of 2026-03-31 both invoices are 45 days overdue (due 2026-02-14): level 1 each.
const AS_OF = '2026-03-31';
const LEDGER = csv([
  LEDGER_HEADER,
  ['Cliente Dos', 'C2-1', '2026-01-15', '2026-02-14', '2000.00', '', 'dos@dos.mx'],
  ['Cliente Uno', 'C1-1', '2026-01-15', '2026-02-14', '1,000.25', '', 'uno@uno.mx'],
]);

/** A client folder after one successful `remind --send` run. */
async function sentClient(): Promise<Client> {
  const smtp = await startSmtp();
  const c = await newClient(LEDGER);
  const r = await runCli(['remind', c.ledger, '--as-of', AS_OF, '--send', '--yes'], { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
  expect(r.code, r.stderr).toBe(0);
  expect(smtp.received).toHaveLength(2);
  await smtp.close();
  return c;
}

// The client folders of these tests say "lang": "es" (smtp-helpers): history's headings, states and
// warnings are in Spanish there (SPEC §1); a folder without a config follows LANG (English here).
function column(rows: readonly string[][], name: string): number {
  const i = rows[0]!.indexOf(name);
  expect(i, `column ${name} in ${rows[0]!.join(' | ')}`).toBeGreaterThanOrEqual(0);
  return i;
}

describe('history --dir DIR', () => {
  let c: Client;
  beforeAll(async () => {
    c = await sentClient();
  });

  it('lists every letter sent with its as-of date, level, amount, recipients, state and key', async () => {
    const r = await runCli(['history', '--dir', c.dir], { cwd: c.cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const rows = tableRows(r.stdout);
    expect(rows).toHaveLength(3); // header + 2 letters
    const byCustomer = new Map(rows.slice(1).map((row) => [row[column(rows, 'cliente')]!, row]));
    const journal = journalLetters(c.dir).filter((l) => l.state === 'sent');
    for (const [customer, amount, to] of [['Cliente Dos', '2000.00', 'dos@dos.mx'], ['Cliente Uno', '1000.25', 'uno@uno.mx']] as const) {
      const row = byCustomer.get(customer);
      expect(row, customer).toBeDefined();
      expect(row![column(rows, 'al')]).toBe(AS_OF);
      expect(row![column(rows, 'nivel')]).toBe('1');
      expect(row![column(rows, 'importe')]).toBe(amount);
      expect(row![column(rows, 'para')]).toBe(to);
      expect(row![column(rows, 'estado')]).toBe('enviada');
      expect(row![column(rows, 'clave')]).toBe(journal.find((l) => l.customer === customer)!.key);
    }
  });

  it('--customer shows only that customer\'s letters', async () => {
    const r = await runCli(['history', '--dir', c.dir, '--customer', 'uno'], { cwd: c.cwd });
    expect(r.code, r.stderr).toBe(0);
    const rows = tableRows(r.stdout);
    expect(rows.slice(1).map((row) => row[column(rows, 'cliente')])).toEqual(['Cliente Uno']);

    const none = await runCli(['history', '--dir', c.dir, '--customer', 'Nadie'], { cwd: c.cwd });
    expect(none.code, none.stderr).toBe(0);
    expect(none.stdout).toMatch(/No hay cartas en .* para "Nadie"/);
  });

  it('without --dir reads the current folder', async () => {
    const here = await runCli(['history'], { cwd: c.dir });
    const there = await runCli(['history', '--dir', c.dir], { cwd: c.cwd });
    expect(here.code, here.stderr).toBe(0);
    expect(here.stdout).toBe(there.stdout);
  });

  it('a folder without a journal has no letters, exit 0', async () => {
    const r = await runCli(['history', '--dir', c.cwd], { cwd: c.cwd });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/No letters/);
  });
});

describe('a truncated last journal line', () => {
  it('history warns about it and still lists the letters', async () => {
    const c = await sentClient();
    appendFileSync(journalPath(c.dir), '{"v":1,"ty');
    const lineCount = readFileSync(journalPath(c.dir), 'utf8').split('\n').length; // the torn line's number
    const r = await runCli(['history', '--dir', c.dir], { cwd: c.cwd });
    expect(r.code, r.stderr).toBe(0);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('aviso:'));
    expect(warnings, r.stderr).toHaveLength(1);
    expect(warnings[0]).toContain(`línea ${lineCount}`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stderr).not.toMatch(/internal error/i);
    const rows = tableRows(r.stdout);
    expect(rows.slice(1).map((row) => row[column(rows, 'estado')])).toEqual(['enviada', 'enviada']);
  });

  it('the next remind --send warns, goes on from the intact records, and leaves a readable journal', async () => {
    const c = await sentClient();
    appendFileSync(journalPath(c.dir), '{"v":1,"ty');
    const smtp = await startSmtp();
    // A week later, 52 days overdue: level 2 for both, because the level-1 letters were read.
    const r = await runCli(['remind', c.ledger, '--as-of', '2026-04-07', '--send', '--yes'], { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^aviso: .*línea \d+/m);
    expect(smtp.received.map((m) => m.level)).toEqual(['2', '2']);
    // Every line is JSON again: the fragment did not glue onto the new records.
    for (const line of readFileSync(journalPath(c.dir), 'utf8').split('\n').filter((l) => l !== '')) {
      expect(() => JSON.parse(line), line).not.toThrow();
    }
    const h = await runCli(['history', '--dir', c.dir], { cwd: c.cwd });
    expect(h.code, h.stderr).toBe(0);
    expect(h.stderr).toBe('');
    const rows = tableRows(h.stdout);
    expect(rows.slice(1).map((row) => row[column(rows, 'nivel')]).sort()).toEqual(['1', '1', '2', '2']);
  });
});
