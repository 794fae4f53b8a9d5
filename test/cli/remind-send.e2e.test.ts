// `dunning remind LEDGER --send --yes` against a real SMTP server (SPEC §4, §5): what arrives per
// customer (recipients, subject, text and HTML parts, invoices, amount asked), the stable
// Message-ID `<key@domain-of-from>` that the journal records, HTML escaping of ledger text, no
// header injection from an email cell, a copy of every sent message in reminders/<as-of>/, and
// idempotence: the same command twice sends nothing the second time.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cliEnv, clientFactory, csv, journalLetters, LEDGER_HEADER, messageTo, rowOf, runCli, startSmtp, tableRows, type TestSmtp,
} from './smtp-helpers.js';

const newClient = clientFactory('remind-send');

// As of 2026-03-31: 2026-03-21 → 10 days, 2026-02-14 → 45, 2026-01-30 → 60, 2026-03-01 → 30.
const AS_OF = '2026-03-31';
const LEDGER = csv([
  LEDGER_HEADER,
  ['Abarrotes Uno', 'F-101', '2026-02-19', '2026-03-21', '1,000.50', '', 'a@uno.mx; b@uno.mx'],
  ['Abarrotes Uno', 'F-102', '2026-01-15', '2026-02-14', '2500.00', '', 'a@uno.mx; b@uno.mx'],
  ['<b>Acme</b> & Co', 'F-201', '2025-12-31', '2026-01-30', '700.00', '', 'acme@acme.mx'],
  ['<b>Acme</b> & Co', 'NC-1', '2026-03-10', '2026-03-10', '-200.00', '', 'acme@acme.mx'],
  // A cell crafted to add a Bcc header (PITFALLS.md, Email): never a recipient.
  ['Inyeccion SA', 'F-601', '2026-01-30', '2026-03-01', '100.00', '', 'x@y.mx\r\nBcc: victim@evil.test'],
  ['Disputas SA', 'F-301', '2026-01-02', '2026-02-01', '900.00', 'sí', 'c@disp.mx'],
]);

async function sendOnce(): Promise<{ smtp: TestSmtp; dir: string; cwd: string; ledger: string; stdout: string; stderr: string; code: number | null }> {
  const smtp = await startSmtp();
  const c = await newClient(LEDGER);
  const r = await runCli(['remind', c.ledger, '--as-of', AS_OF, '--send', '--yes'], { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
  return { smtp, ...c, ...r };
}

describe('remind --send --yes delivers every letter', () => {
  // One run, read by every test of this block (each spawn costs a second on a busy machine).
  let run: Awaited<ReturnType<typeof sendOnce>>;
  beforeAll(async () => {
    run = await sendOnce();
    await run.smtp.close();
  });

  it('exits 0 and delivers one message per customer with a valid address', async () => {
    const { smtp, code, stderr } = run;
    expect(code, stderr).toBe(0);
    expect(smtp.received).toHaveLength(2);
    expect(smtp.received.map((m) => m.from)).toEqual(['cobranza@ruiz.mx', 'cobranza@ruiz.mx']);
  });

  it('a cell "a@uno.mx; b@uno.mx" sends to both, with the invoices and the amount asked', async () => {
    const { smtp, code, stderr } = run;
    expect(code, stderr).toBe(0);
    const uno = messageTo(smtp, 'a@uno.mx');
    expect([...uno.rcpt].sort()).toEqual(['a@uno.mx', 'b@uno.mx']);
    expect([...uno.toHeader].sort()).toEqual(['a@uno.mx', 'b@uno.mx']);
    // 1,000.50 + 2,500.00 = 3,500.50
    expect(uno.mail.subject).toMatch(/^Recordatorio de pago/);
    expect(uno.mail.subject).toContain('$3,500.50');
    expect(uno.mail.text).toContain('F-101');
    expect(uno.mail.text).toContain('F-102');
    expect(uno.mail.text).toContain('$3,500.50');
    expect(uno.mail.html).toBeTruthy();
    expect(uno.mail.html).toContain('F-101');
    expect(uno.mail.html).toContain('F-102');
    expect(uno.mail.html).toContain('$3,500.50');
    expect(uno.level).toBe('1');
  });

  it('the credit is listed and subtracted, and an HTML customer name is escaped in the html part', async () => {
    const { smtp, code, stderr } = run;
    expect(code, stderr).toBe(0);
    const acme = messageTo(smtp, 'acme@acme.mx');
    // 700.00 − 200.00 = 500.00
    expect(acme.mail.subject).toContain('$500.00');
    expect(acme.mail.text).toContain('F-201');
    expect(acme.mail.text).toContain('NC-1');
    expect(acme.mail.text).toContain('$500.00');
    const html = acme.mail.html as string;
    expect(html).toContain('&lt;b&gt;Acme&lt;/b&gt; &amp; Co');
    expect(html).not.toContain('<b>Acme</b>');
    expect(acme.mail.text).toContain('<b>Acme</b> & Co'); // plain text is not HTML-escaped
  });

  it('the Message-ID is <key@ruiz.mx> and equals the journal record of the letter, state sent', async () => {
    const { smtp, dir, code, stderr } = run;
    expect(code, stderr).toBe(0);
    const letters = journalLetters(dir);
    const sent = letters.filter((l) => l.state === 'sent');
    expect(sent).toHaveLength(2);
    // Each attempt: `sending` first, then its result.
    expect(letters.filter((l) => l.state === 'sending')).toHaveLength(2);
    for (const m of smtp.received) {
      expect(m.messageId).toMatch(/^<[0-9a-f]{32}@ruiz\.mx>$/);
      const record = sent.find((l) => l.messageId === m.messageId);
      expect(record, m.messageId).toBeDefined();
      expect(m.messageId).toBe(`<${record!.key}@ruiz.mx>`);
      expect(m.key).toBe(record!.key);
      expect([...record!.to].sort()).toEqual([...m.rcpt].sort());
    }
    const uno = sent.find((l) => l.customer === 'Abarrotes Uno')!;
    expect(uno.level).toBe(1);
    expect(uno.amount).toBe(3500.5);
    expect(uno.asOf).toBe(AS_OF);
    expect(uno.invoices.map((i) => i.invoice).sort()).toEqual(['F-101', 'F-102']);
    const acme = sent.find((l) => l.customer === '<b>Acme</b> & Co')!;
    expect(acme.amount).toBe(500);
  });

  it('an email cell with CRLF + "Bcc: victim@evil.test" never yields that recipient; the customer is skipped and listed', async () => {
    const { smtp, stdout, dir, code, stderr } = run;
    expect(code, stderr).toBe(0);
    for (const m of smtp.received) {
      expect(m.rcpt).not.toContain('victim@evil.test');
      expect(m.raw.toString('utf8')).not.toMatch(/victim@evil\.test/);
    }
    expect(smtp.received.some((m) => m.rcpt.includes('x@y.mx'))).toBe(false);
    const rows = tableRows(stdout);
    // The client folder's config says "lang": "es": the plan table is in Spanish.
    const status = rowOf(rows, 'Inyeccion SA')[rows[0]!.indexOf('Estado')]!;
    expect(status).toMatch(/omitido: sin dirección de correo válida/);
    expect(journalLetters(dir).some((l) => l.customer === 'Inyeccion SA')).toBe(false);
    // The disputed-only customer is listed too.
    expect(rowOf(rows, 'Disputas SA')[rows[0]!.indexOf('Estado')]).toMatch(/omitido: .*en disputa/);
  });

  it('a copy of each sent message is written to reminders/<as-of>/ of the client folder', async () => {
    const { smtp, dir, cwd, code, stderr } = run;
    expect(code, stderr).toBe(0);
    const outDir = join(dir, 'reminders', AS_OF);
    const emls = readdirSync(outDir).filter((f) => f.endsWith('.eml'));
    expect(emls).toHaveLength(2);
    const ids = await Promise.all(emls.map(async (f) => (await simpleParser(readFileSync(join(outDir, f)))).messageId));
    expect(ids.sort()).toEqual(smtp.received.map((m) => m.messageId).sort());
    expect(readdirSync(cwd)).toEqual([]);
  });
});

describe('remind --send is idempotent', () => {
  it('the same command twice: the second run sends nothing and exits 0', async () => {
    const first = await sendOnce();
    expect(first.code, first.stderr).toBe(0);
    const before = first.smtp.transactions();
    expect(before).toBe(2);
    const second = await runCli(['remind', first.ledger, '--as-of', AS_OF, '--send', '--yes'], {
      cwd: first.cwd,
      env: cliEnv({ DUNNING_SMTP_URL: first.smtp.url }),
    });
    expect(second.code, second.stderr).toBe(0);
    expect(first.smtp.transactions()).toBe(before);
    expect(first.smtp.received).toHaveLength(2);
    expect(journalLetters(first.dir).filter((l) => l.state === 'sent')).toHaveLength(2);
  });
});
