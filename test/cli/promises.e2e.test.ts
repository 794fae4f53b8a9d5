// Promises to pay and holds, end to end through the journal (issue 8): a promised or held customer
// gets no letter until the date; a kept promise ends the matter; a broken one moves the customer
// one level up (at once, whatever the ladder's waiting times) and onto the call list.
import { writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { cliEnv, clientFactory, csv, LEDGER_HEADER, readJournal, runCli, startSmtp } from './smtp-helpers.js';

const newClient = clientFactory('promises');

// Day 0 = 2026-03-31; F-1 due 2026-03-21: 10 days late (level 1 by days), 5,000.00.
const LEDGER = csv([LEDGER_HEADER, ['Cumplido SA', 'F-1', '2026-02-19', '2026-03-21', '5000.00', '', 'pagos@cumplido.mx']]);

describe('promises to pay', () => {
  it('holds letters until the date; broken (still unpaid): one level up at once and on the call list', async () => {
    const smtp = await startSmtp();
    const c = await newClient(LEDGER);
    const env = cliEnv({ DUNNING_SMTP_URL: smtp.url });
    const remind = (asOf: string) => runCli(['remind', c.ledger, '--as-of', asOf, '--send', '--yes'], { cwd: c.cwd, env });
    expect((await remind('2026-03-31')).code).toBe(0); // level 1
    expect(smtp.received.map((m) => m.level)).toEqual(['1']);
    const p = await runCli(['promise', 'cumplido sa', '--until', '2026-04-10', '--dir', c.dir, '--as-of', '2026-04-01', '--note', 'llamada con tesorería'], { cwd: c.cwd, env });
    expect(p.code, p.stderr).toBe(0);
    expect(readJournal(c.dir).filter((r) => r.type === 'promise')).toMatchObject([{ customer: 'cumplido sa', until: '2026-04-10', amount: null }]);
    // 2026-04-08: inside the promise → skipped. 2026-04-12 is past it: without the promise, level 1
    // was sent 12 days ago, the days (22) still call for level 1 and repeatAfterDays (14) is not
    // reached → nothing. With the promise broken, the customer moves to level 2 at once.
    const during = await remind('2026-04-08');
    expect(during.code).toBe(0);
    expect(during.stdout).toMatch(/omitido: promesa de pago hasta el 2026-04-10/); // the folder's config says "lang": "es"
    const after = await remind('2026-04-12');
    expect(after.code, after.stderr).toBe(0);
    expect(smtp.received.map((m) => m.level)).toEqual(['1', '2']);
    const calls = await runCli(['calls', c.ledger, '--as-of', '2026-04-12', '--lang', 'en'], { cwd: c.cwd, env });
    expect(calls.stdout).toMatch(/Cumplido SA .*broken promise/);
  });

  it('a kept promise (the invoice paid) leaves nothing to send and nobody to call', async () => {
    const smtp = await startSmtp();
    const c = await newClient(LEDGER);
    const env = cliEnv({ DUNNING_SMTP_URL: smtp.url });
    await runCli(['remind', c.ledger, '--as-of', '2026-03-31', '--send', '--yes'], { cwd: c.cwd, env });
    await runCli(['promise', 'Cumplido SA', '--until', '2026-04-10', '--dir', c.dir, '--as-of', '2026-04-01'], { cwd: c.cwd, env });
    // The customer paid: the new export has the invoice with no balance left.
    await writeFile(c.ledger, csv([[...LEDGER_HEADER, 'Saldo'], ['Cumplido SA', 'F-1', '2026-02-19', '2026-03-21', '5000.00', '', 'pagos@cumplido.mx', '0']]));
    const after = await runCli(['remind', c.ledger, '--as-of', '2026-04-12', '--send', '--yes'], { cwd: c.cwd, env });
    expect(after.code, after.stderr).toBe(0);
    expect(smtp.received).toHaveLength(1);
    const calls = await runCli(['calls', c.ledger, '--as-of', '2026-04-12', '--lang', 'en'], { cwd: c.cwd, env });
    expect(calls.stdout).toMatch(/Nobody to call/);
  });

  it('with an amount, the promise is kept only if the balance went down by that amount', async () => {
    const c = await newClient(csv([LEDGER_HEADER, ['Parcial SA', 'P-1', '2026-02-19', '2026-03-21', '5000.00', '', 'p@parcial.mx']]));
    const env = cliEnv();
    const p = await runCli(['promise', 'Parcial', '--until', '2026-04-10', '--amount', '3000', '--ledger', c.ledger, '--as-of', '2026-04-01'], { cwd: c.cwd, env });
    expect(p.code, p.stderr).toBe(0);
    expect(readJournal(c.dir).find((r) => r.type === 'promise')).toMatchObject({ customer: 'Parcial SA', currency: 'MXN', amount: 3000, balance: 5000 });
    // Paid 1,000 of the 3,000 promised: broken.
    await writeFile(c.ledger, csv([[...LEDGER_HEADER, 'Saldo'], ['Parcial SA', 'P-1', '2026-02-19', '2026-03-21', '5000.00', '', 'p@parcial.mx', '4000']]));
    const broken = await runCli(['calls', c.ledger, '--as-of', '2026-04-12', '--lang', 'en'], { cwd: c.cwd, env });
    expect(broken.stdout).toMatch(/Parcial SA .*broken promise/);
    // Paid 3,000: kept.
    await writeFile(c.ledger, csv([[...LEDGER_HEADER, 'Saldo'], ['Parcial SA', 'P-1', '2026-02-19', '2026-03-21', '5000.00', '', 'p@parcial.mx', '2000']]));
    const kept = await runCli(['calls', c.ledger, '--as-of', '2026-04-12', '--lang', 'en'], { cwd: c.cwd, env });
    expect(kept.stdout).toMatch(/Nobody to call/);
  });
});

describe('holds and the ledger columns', () => {
  it('a held customer or a held invoice gets no letter until the date', async () => {
    const c = await newClient(csv([
      LEDGER_HEADER,
      ['Retenido SA', 'R-1', '2026-02-19', '2026-03-21', '100.00', '', 'r@r.mx'],
      ['Mixto SA', 'M-1', '2026-02-19', '2026-03-21', '100.00', '', 'm@m.mx'],
      ['Mixto SA', 'M-2', '2026-02-19', '2026-03-25', '200.00', '', 'm@m.mx'],
    ]));
    const env = cliEnv();
    expect((await runCli(['hold', 'Retenido SA', '--until', '2026-04-15', '--reason', 'revisión de precios', '--dir', c.dir, '--as-of', '2026-03-31'], { cwd: c.cwd, env })).code).toBe(0);
    expect((await runCli(['hold', 'M-1', '--invoice', '--until', '2026-04-15', '--reason', 'nota de crédito en trámite', '--dir', c.dir, '--as-of', '2026-03-31'], { cwd: c.cwd, env })).code).toBe(0);
    const r = await runCli(['remind', c.ledger, '--as-of', '2026-03-31', '--lang', 'en'], { cwd: c.cwd, env });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Retenido SA .*on hold until 2026-04-15: revisión de precios/);
    // Mixto gets a letter for M-2 only: 200.00 asked.
    expect(r.stdout).toMatch(/Mixto SA .*200\.00/);
    const after = await runCli(['remind', c.ledger, '--as-of', '2026-04-16', '--lang', 'en'], { cwd: c.cwd, env });
    expect(after.stdout).toMatch(/Retenido SA .*1 friendly/);
    expect(after.stdout).toMatch(/Mixto SA .*300\.00/);
  });

  it('honours the promiseDate and noDunning columns of the ledger', async () => {
    const c = await newClient(csv([
      [...LEDGER_HEADER, 'Fecha promesa', 'No cobrar'],
      ['Promete SA', 'A-1', '2026-02-19', '2026-03-21', '100.00', '', 'a@a.mx', '2026-04-05', ''],
      ['Bloqueado SA', 'B-1', '2026-02-19', '2026-03-21', '100.00', '', 'b@b.mx', '', 'Sí'],
    ]));
    const r = await runCli(['remind', c.ledger, '--as-of', '2026-03-31', '--lang', 'en'], { cwd: c.cwd, env: cliEnv() });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Promete SA .*promised to pay by 2026-04-05 \(ledger column\)/);
    expect(r.stdout).toMatch(/Bloqueado SA .*no dunning \(ledger column\)/);
  });
});
