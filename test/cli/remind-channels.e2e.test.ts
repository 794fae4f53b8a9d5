// `remind --channel sms|webhook`, `--statement`, and the contact window and caps, end to end:
// the built CLI against a real SMTP server and a local HTTP receiver that fails some requests,
// with the clock fixed through DUNNING_NOW.
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliEnv, clientFactory, csv, readJournal, rowOf, runCli, startSmtp, tableRows } from './smtp-helpers.js';

const newClient = clientFactory('remind-channels');
const HEADER = ['Cliente', 'Factura', 'Fecha', 'Vencimiento', 'Importe', 'Correo', 'Teléfono'] as const;

// As of 2026-12-01: A-1 is 61 days overdue (due 2026-10-01), B-1 30 days, C-1 45 days.
const LEDGER = csv([
  HEADER,
  ['Alfa SA', 'A-1', '2026-09-01', '2026-10-01', '1500.00', 'pagos@alfa.mx', '55 1234 5678'],
  ['Beta SC', 'B-1', '2026-10-01', '2026-11-01', '250.50', 'cxp@beta.mx', '+52 33 1234 5678'],
  ['Gamma SA', 'C-1', '2026-09-16', '2026-10-17', '99.99', '', '(81) 8765-4321'],
  ['Delta SA', 'D-1', '2026-09-16', '2026-10-17', '10.00', 'd@delta.mx', ''],
]);

function letters(dir: string): Record<string, unknown>[] {
  return readJournal(dir).filter((r) => r.type === 'letter');
}

interface Receiver {
  readonly url: string;
  /** Every request body, parsed, with the status answered. */
  readonly requests: { body: Record<string, unknown>; status: number; key: string | undefined }[];
  close(): Promise<void>;
}

/** A webhook receiver on 127.0.0.1 whose answer per request is decided by `answer`. */
async function startReceiver(answer: (body: Record<string, unknown>, attempt: number) => number): Promise<Receiver> {
  const requests: Receiver['requests'] = [];
  const attempts = new Map<string, number>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      const key = String(body.key);
      const attempt = (attempts.get(key) ?? 0) + 1;
      attempts.set(key, attempt);
      const status = answer(body, attempt);
      requests.push({ body, status, key: req.headers['idempotency-key'] as string | undefined });
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status < 300 ? '{"ok":true}' : '{"error":"busy"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, requests, close: () => new Promise((r) => server.close(() => r())) };
}

const receivers: Receiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.splice(0).map((r) => r.close()));
});

describe('remind --channel sms', () => {
  it('previews a batch with E.164 phones and lists the customer without a phone', async () => {
    const c = await newClient(LEDGER);
    const r = await runCli(['remind', c.ledger, '--as-of', '2026-12-01', '--channel', 'sms'], { cwd: c.cwd, env: cliEnv() });
    expect(r.code, r.stderr).toBe(0);
    const batch = readFileSync(join(c.dir, 'reminders', '2026-12-01', 'sms-preview.csv'), 'utf8');
    const lines = batch.trimEnd().split('\r\n');
    expect(lines[0]).toBe('phone,message,customer,key');
    // es-MX: national 55 1234 5678 → +52 55 1234 5678; Delta has no phone and is not in the batch.
    expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['"+525512345678"', '"+523312345678"', '"+528187654321"']);
    expect(batch).toContain('$1,500.00');
    // The client folder's config says "lang": "es": the plan's statuses are in Spanish.
    expect(rowOf(tableRows(r.stdout), 'Delta SA').join(' ')).toContain('sin número de teléfono');
    expect(letters(c.dir)).toHaveLength(0);
  });

  it('--send writes the batch once, journals each message as sms, and a re-run adds nothing', async () => {
    const c = await newClient(LEDGER);
    const args = ['remind', c.ledger, '--as-of', '2026-12-01', '--channel', 'sms', '--send', '--yes', '--allow-stale'];
    const first = await runCli(args, { cwd: c.cwd, env: cliEnv() });
    expect(first.code, first.stderr).toBe(0);
    const dir = join(c.dir, 'reminders', '2026-12-01');
    const batches = readdirSync(dir).filter((f) => /^sms-2026-12-01-\d{6}\.csv$/.test(f));
    expect(batches).toHaveLength(1);
    const rows = readFileSync(join(dir, batches[0]!), 'utf8').trimEnd().split('\r\n').slice(1);
    expect(rows).toHaveLength(3);
    const sent = letters(c.dir).filter((l) => l.state === 'sent');
    expect(sent.map((l) => l.channel)).toEqual(['sms', 'sms', 'sms']);
    expect(sent.map((l) => (l.to as string[])[0]).sort()).toEqual(['+523312345678', '+525512345678', '+528187654321']);
    // Every key of the batch is a journaled key: the gateway's report can be matched back.
    for (const l of sent) expect(rows.some((row) => row.endsWith(`,${String(l.key)}`))).toBe(true);

    await new Promise((r) => setTimeout(r, 1100)); // a second run gets another file name, if it wrote one
    const again = await runCli(args, { cwd: c.cwd, env: cliEnv() });
    expect(again.code, again.stderr).toBe(0);
    expect(readdirSync(dir).filter((f) => /^sms-2026-12-01-\d{6}\.csv$/.test(f))).toHaveLength(1);
    expect(letters(c.dir).filter((l) => l.state === 'sent')).toHaveLength(3);
  });

  it('keeps a ladder of its own: email letters still go after the SMS of the same level', async () => {
    const smtp = await startSmtp();
    const c = await newClient(LEDGER);
    const sms = await runCli(['remind', c.ledger, '--as-of', '2026-12-01', '--channel', 'sms', '--send', '--yes', '--allow-stale'], { cwd: c.cwd, env: cliEnv() });
    expect(sms.code, sms.stderr).toBe(0);
    const mail = await runCli(['remind', c.ledger, '--as-of', '2026-12-01', '--send', '--yes', '--allow-stale'], { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
    expect(mail.code, mail.stderr).toBe(0);
    // Alfa, Beta and Delta have addresses; Gamma has none.
    expect(smtp.received.map((m) => m.rcpt[0]).sort()).toEqual(['cxp@beta.mx', 'd@delta.mx', 'pagos@alfa.mx']);
    const emailKeys = letters(c.dir).filter((l) => l.channel === undefined && l.state === 'sent').map((l) => l.key);
    const smsKeys = letters(c.dir).filter((l) => l.channel === 'sms' && l.state === 'sent').map((l) => l.key);
    expect(emailKeys).toHaveLength(3);
    expect(emailKeys.some((k) => smsKeys.includes(k))).toBe(false);
  });
});

describe('remind --channel webhook', () => {
  it('posts each message exactly once across a failed run and its re-run', async () => {
    // Beta's gateway is down during the first run (503 every time); Gamma's first attempt fails (500)
    // and its in-run retry goes through.
    let phase = 1;
    const rx = await startReceiver((body, attempt) => {
      if (body.customer === 'Beta SC' && phase === 1) return 503;
      if (body.customer === 'Gamma SA' && attempt === 1) return 500;
      return 202;
    });
    receivers.push(rx);
    const c = await newClient(LEDGER, { webhook: { url: rx.url, retries: 1 } });
    const args = ['remind', c.ledger, '--as-of', '2026-12-01', '--channel', 'webhook', '--send', '--yes', '--allow-stale'];
    const first = await runCli(args, { cwd: c.cwd, env: cliEnv(), timeoutMs: 60_000 });
    expect(first.code, first.stderr).toBe(1); // Beta deferred
    expect(first.stderr).toMatch(/3 enviada\(s\) · 1 diferida\(s\)/);
    phase = 2;
    const second = await runCli(args, { cwd: c.cwd, env: cliEnv(), timeoutMs: 60_000 });
    expect(second.code, second.stderr).toBe(0);

    const accepted = rx.requests.filter((q) => q.status === 202);
    const perKey = new Map<string, number>();
    for (const q of accepted) perKey.set(String(q.body.key), (perKey.get(String(q.body.key)) ?? 0) + 1);
    expect([...perKey.values()]).toEqual([1, 1, 1, 1]);
    // The second run posted Beta only.
    expect(rx.requests.slice(-1).map((q) => q.body.customer)).toEqual(['Beta SC']);
    expect(rx.requests.filter((q) => q.body.customer === 'Alfa SA')).toHaveLength(1);
    // The same key in the body and the Idempotency-Key header, and in the journal as sent.
    for (const q of rx.requests) expect(q.key).toBe(q.body.key);
    const sent = letters(c.dir).filter((l) => l.state === 'sent');
    expect(new Set(sent.map((l) => l.key))).toEqual(new Set(perKey.keys()));
    expect(sent.every((l) => l.channel === 'webhook')).toBe(true);

    const alfa = accepted.find((q) => q.body.customer === 'Alfa SA')!.body;
    expect(alfa).toMatchObject({ v: 1, channel: 'sms', currency: 'MXN', level: 1, amountAsked: 1500, asOf: '2026-12-01' });
    expect(alfa.to).toEqual({ email: ['pagos@alfa.mx'], phone: '+525512345678' });
    expect(alfa.invoices).toEqual([{ invoice: 'A-1', invoiceDate: '2026-09-01', dueDate: '2026-10-01', daysOverdue: 61, open: 1500 }]);
    // Gamma has a phone and no address; Delta an address and no phone: both are reachable by webhook.
    expect(accepted.find((q) => q.body.customer === 'Gamma SA')!.body.to).toEqual({ email: [], phone: '+528187654321' });
    expect(accepted.find((q) => q.body.customer === 'Delta SA')!.body.to).toEqual({ email: ['d@delta.mx'], phone: null });
  });

  it('refuses a plain http URL to another host without --insecure-webhook, before anything is sent', async () => {
    const c = await newClient(LEDGER, { webhook: { url: 'http://gateway.example.com/hook' } });
    const r = await runCli(['remind', c.ledger, '--as-of', '2026-12-01', '--channel', 'webhook', '--send', '--yes', '--allow-stale'], { cwd: c.cwd, env: cliEnv() });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/unencrypted.*--insecure-webhook/);
    expect(letters(c.dir)).toHaveLength(0);
  });
});

describe('remind --statement', () => {
  it('attaches a statement of account with every open item and the running balance', async () => {
    const smtp = await startSmtp();
    const c = await newClient(csv([
      HEADER,
      ['Alfa SA', 'A-1', '2026-09-01', '2026-10-01', '1500.00', 'pagos@alfa.mx', ''],
      ['Alfa SA', 'A-2', '2026-11-20', '2026-12-20', '200.00', 'pagos@alfa.mx', ''],
      ['Alfa SA', 'NC-1', '2026-11-25', '2026-11-25', '-300.00', 'pagos@alfa.mx', ''],
    ]), { attachStatement: true });
    const r = await runCli(['remind', c.ledger, '--as-of', '2026-12-01', '--send', '--yes', '--allow-stale'], { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
    expect(r.code, r.stderr).toBe(0);
    expect(smtp.received).toHaveLength(1);
    const att = smtp.received[0]!.mail.attachments;
    expect(att.map((a) => [a.filename, a.contentType])).toEqual([['estado-de-cuenta-Alfa-SA-MXN.pdf', 'application/pdf']]);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(att[0]!.content) }).promise;
    const text = (await (await doc.getPage(1)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
    for (const n of ['A-1', 'A-2', 'NC-1']) expect(text).toContain(n);
    // Running balance in date order: 1,500.00 → 1,700.00 (A-2 dated 11-20) → 1,400.00 (NC-1 dated 11-25).
    expect(text).toContain('1,700.00');
    expect(text).toContain('1,400.00');
    expect(doc.numPages).toBe(1);
  });
});

describe('contact window and caps (co-ley-2300, America/Bogota)', () => {
  const config = { contactWindow: 'co-ley-2300', lang: 'es', locale: 'es-CO', currency: 'COP' };
  const ledger = csv([HEADER, ['Alfa SA', 'A-1', '2026-10-01', '2026-10-31', '150000', 'pagos@alfa.co', '300 123 4567']]);

  it('sends nothing on a Sunday and says when the window opens', async () => {
    const smtp = await startSmtp();
    const c = await newClient(ledger, config);
    // Sunday 2026-11-29 10:00 in Bogotá (UTC−5) = 15:00Z.
    const r = await runCli(['remind', c.ledger, '--as-of', '2026-11-29', '--send', '--yes', '--allow-stale'], { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url, DUNNING_NOW: '2026-11-29T15:00:00Z' }) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('No se envió nada: fuera del horario de contacto');
    expect(r.stderr).toContain('2026-11-30 07:00 America/Bogota');
    expect(smtp.received).toHaveLength(0);
    expect(letters(c.dir)).toHaveLength(0);
  });

  it('sends nothing on a holiday (8 December) although it is a Tuesday within hours', async () => {
    const smtp = await startSmtp();
    const c = await newClient(ledger, config);
    const r = await runCli(['remind', c.ledger, '--as-of', '2026-12-08', '--send', '--yes', '--allow-stale'], { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url, DUNNING_NOW: '2026-12-08T10:00:00-05:00' }) });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/día festivo.*abre 2026-12-09 07:00 America\/Bogota/);
    expect(smtp.received).toHaveLength(0);
  });

  it('sends within hours, then holds back an SMS the same day and in the same week', async () => {
    const smtp = await startSmtp();
    const c = await newClient(ledger, config);
    // Monday 2026-11-30 18:30 in Bogotá, half an hour before closing; the clock is 23:30Z.
    const monday = cliEnv({ DUNNING_SMTP_URL: smtp.url, DUNNING_NOW: '2026-11-30T18:30:00-05:00' });
    const mail = await runCli(['remind', c.ledger, '--as-of', '2026-11-30', '--send', '--yes', '--allow-stale'], { cwd: c.cwd, env: monday });
    expect(mail.code, mail.stderr).toBe(0);
    expect(smtp.received).toHaveLength(1);
    // The same evening, 18:45: one contact a day, and one channel a week (the longer wait is shown).
    const evening = await runCli(['remind', c.ledger, '--as-of', '2026-11-30', '--channel', 'sms', '--send', '--yes', '--allow-stale'], { cwd: c.cwd, env: cliEnv({ DUNNING_NOW: '2026-11-30T18:45:00-05:00' }) });
    expect(evening.code, evening.stderr).toBe(0);
    expect(rowOf(tableRows(evening.stdout), 'Alfa SA').join(' ')).toContain('en espera: ya se le contactó por otro canal esta semana; próxima: 2026-12-07 07:00 America/Bogota');
    // Tuesday 09:00: the day is new, but the week already had an email: the SMS waits until the
    // email leaves the rolling week (Monday 7 December) and the window opens (07:00).
    const tuesday = await runCli(['remind', c.ledger, '--as-of', '2026-12-01', '--channel', 'sms', '--send', '--yes', '--allow-stale'], { cwd: c.cwd, env: cliEnv({ DUNNING_NOW: '2026-12-01T09:00:00-05:00' }) });
    expect(tuesday.code, tuesday.stderr).toBe(0);
    expect(rowOf(tableRows(tuesday.stdout), 'Alfa SA').join(' ')).toContain('en espera: ya se le contactó por otro canal esta semana; próxima: 2026-12-07 07:00 America/Bogota');
    expect(letters(c.dir).filter((l) => l.channel === 'sms')).toHaveLength(0);
    // A week on, the SMS goes.
    const later = await runCli(['remind', c.ledger, '--as-of', '2026-12-07', '--channel', 'sms', '--send', '--yes', '--allow-stale'], { cwd: c.cwd, env: cliEnv({ DUNNING_NOW: '2026-12-07T08:00:00-05:00' }) });
    expect(later.code, later.stderr).toBe(0);
    expect(letters(c.dir).filter((l) => l.channel === 'sms' && l.state === 'sent')).toHaveLength(1);
  });

  it('counts contacts per customer, across currencies, within one run: one letter a day', async () => {
    const smtp = await startSmtp();
    const c = await newClient(csv([
      ['Cliente', 'NIT', 'Factura', 'Fecha', 'Vencimiento', 'Importe', 'Moneda', 'Correo'],
      ['Alfa SA', '900123456', 'A-1', '2026-10-01', '2026-10-31', '150000', 'COP', 'pagos@alfa.co'],
      ['Alfa SA', '900123456', 'A-2', '2026-10-01', '2026-10-31', '80.00', 'USD', 'pagos@alfa.co'],
    ]), config);
    const r = await runCli(['remind', c.ledger, '--as-of', '2026-11-30', '--send', '--yes', '--allow-stale'], { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url, DUNNING_NOW: '2026-11-30T10:00:00-05:00' }) });
    expect(r.code, r.stderr).toBe(0);
    expect(smtp.received).toHaveLength(1);
    expect(r.stdout).toContain('en espera: ya se le contactó hoy; próxima: 2026-12-01 07:00 America/Bogota');
    expect(r.stderr).toContain('1 retenido(s) por los límites de contacto');
  });
});
