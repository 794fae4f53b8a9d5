// Interest and fees in the letters (issue 8), end to end with the journal: a fee is charged once
// per level and cycle, never again on a re-run or a repeated letter of the same level.
import { describe, expect, it } from 'vitest';
import { cliEnv, clientFactory, csv, LEDGER_HEADER, readJournal, runCli, startSmtp } from './smtp-helpers.js';

const newClient = clientFactory('charges');

describe('interest and fees in letters', () => {
  it('adds interest per invoice and the level fee once, recorded in the journal', async () => {
    const smtp = await startSmtp();
    // 1,000.00 due 2026-03-01. 10 % a year, 365-day year, fees 100.00 at level 1 and 200.00 at level 2.
    const c = await newClient(csv([LEDGER_HEADER, ['Moroso SA', 'F-1', '2026-01-30', '2026-03-01', '1000.00', '', 'm@moroso.mx']]), {
      interest: { ratePercent: 10, dayCount: 365 },
      fees: { '1': 100, '2': 200 },
    });
    const env = cliEnv({ DUNNING_SMTP_URL: smtp.url });
    const send = (asOf: string) => runCli(['remind', c.ledger, '--as-of', asOf, '--send', '--yes'], { cwd: c.cwd, env });

    // 2026-03-31: 30 days → 1,000 × 0.10 × 30 / 365 = 8.2191… → 8.22; fee 100.00; total 1,108.22.
    expect((await send('2026-03-31')).code).toBe(0);
    let text = smtp.received[0]!.mail.text!;
    expect(text).toMatch(/F-1 +\$8\.22/);
    expect(text).toMatch(/Comisión por gestión de cobranza +\$100\.00/);
    expect(text).toMatch(/Total con cargos +\$1,108\.22/);
    // Same day again: nothing sent, no second fee.
    expect((await send('2026-03-31')).code).toBe(0);
    expect(smtp.received).toHaveLength(1);

    // 2026-04-07: 37 days → level 2; 1,000 × 0.10 × 37 / 365 = 10.1369… → 10.14; fee 200.00; total 1,210.14.
    expect((await send('2026-04-07')).code).toBe(0);
    text = smtp.received[1]!.mail.text!;
    expect(smtp.received[1]!.level).toBe('2');
    expect(text).toMatch(/Total con cargos +\$1,210\.14/);

    // 2026-04-21: 51 days, level 2 again after 14 days (rule 6): interest 1,000 × 0.10 × 51 / 365 = 13.9726… → 13.97, no fee.
    expect((await send('2026-04-21')).code).toBe(0);
    text = smtp.received[2]!.mail.text!;
    expect(smtp.received[2]!.level).toBe('2');
    expect(text).not.toMatch(/Comisión/);
    expect(text).toMatch(/Total con cargos +\$1,013\.97/);

    const fees = readJournal(c.dir).filter((r) => r.type === 'fee');
    expect(fees.map((r) => [r.level, r.amount])).toEqual([[1, 100], [2, 200]]);
  });
});
