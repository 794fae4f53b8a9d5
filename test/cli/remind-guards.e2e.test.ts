// The guards of `dunning remind --send` (SPEC §1, §2, §4, §5): no sender → exit 2; no --yes without
// a terminal → exit 2; rejected rows → exit 3 unless --allow-rejected; a ledger file older than
// maxLedgerAgeDays → exit 3 unless --allow-stale; a template typo → exit 2 naming file and line
// before anything is written or sent; an SMTP port where nothing listens → deferred, exit 1.
// Each refusal is checked on the SMTP server too: nothing may have arrived.
import { existsSync, readdirSync, utimesSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, clientFactory, closedPort, csv, journalLetters, journalPath, LEDGER_HEADER, runCli, startSmtp } from './smtp-helpers.js';

const newClient = clientFactory('remind-guards');

// As of 2026-03-31 both invoices are 45 days overdue.
const AS_OF = '2026-03-31';
const ROWS = [
  LEDGER_HEADER,
  ['Cliente Dos', 'C2-1', '2026-01-15', '2026-02-14', '2000.00', '', 'dos@dos.mx'],
  ['Cliente Uno', 'C1-1', '2026-01-15', '2026-02-14', '1000.00', '', 'uno@uno.mx'],
] as const;
const LEDGER = csv(ROWS);

const sendArgs = (ledger: string, ...extra: string[]) => ['remind', ledger, '--as-of', AS_OF, '--send', ...extra];

/** stderr holds exactly one `dunning: ` error line with every fragment, and no stack trace. */
function expectOneErrorLine(stderr: string, ...fragments: (string | RegExp)[]): void {
  const errors = stderr.split('\n').filter((l) => l.startsWith('dunning: '));
  expect(errors, stderr).toHaveLength(1);
  for (const f of fragments) {
    if (typeof f === 'string') expect(errors[0]).toContain(f);
    else expect(errors[0]).toMatch(f);
  }
  expect(stderr).not.toMatch(/^\s+at /m);
  expect(stderr).not.toMatch(/internal error/i);
}

describe('remind --send refuses to start', () => {
  it('without a "from" address: exit 2, nothing sent', async () => {
    const smtp = await startSmtp();
    const c = await newClient(LEDGER, { from: null });
    const r = await runCli(sendArgs(c.ledger, '--yes'), { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
    expect(r.code, r.stderr).toBe(2);
    expectOneErrorLine(r.stderr, 'from');
    expect(smtp.transactions()).toBe(0);
    expect(existsSync(journalPath(c.dir))).toBe(false);
  });

  it('without --yes when stdin is not a terminal: exit 2, nothing sent', async () => {
    const smtp = await startSmtp();
    const c = await newClient(LEDGER);
    const r = await runCli(sendArgs(c.ledger), { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
    expect(r.code, r.stderr).toBe(2);
    expectOneErrorLine(r.stderr, '--yes');
    expect(smtp.transactions()).toBe(0);
  });

  it('with a rejected row: exit 3 naming --allow-rejected; with --allow-rejected the letters go out', async () => {
    const smtp = await startSmtp();
    const c = await newClient(csv([...ROWS, ['Cliente Tres', 'C3-1', '2026-01-15', '2026-02-14', 'doce pesos', '', 'tres@tres.mx']]));
    const refused = await runCli(sendArgs(c.ledger, '--yes'), { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
    expect(refused.code, refused.stderr).toBe(3);
    // The client folder's config says "lang": "es" (smtp-helpers): the error line is in Spanish.
    expectOneErrorLine(refused.stderr, /1 fila\(s\) rechazada\(s\)/, '--allow-rejected');
    expect(smtp.transactions()).toBe(0);

    const allowed = await runCli(sendArgs(c.ledger, '--yes', '--allow-rejected'), { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(smtp.received.flatMap((m) => m.rcpt).sort()).toEqual(['dos@dos.mx', 'uno@uno.mx']);
  });

  it('with a ledger file last modified 10 days ago: exit 3; with --allow-stale the letters go out', async () => {
    const smtp = await startSmtp();
    const c = await newClient(LEDGER);
    const tenDaysAgo = new Date(Date.now() - 10 * 86_400_000);
    utimesSync(c.ledger, tenDaysAgo, tenDaysAgo);
    const refused = await runCli(sendArgs(c.ledger, '--yes'), { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
    expect(refused.code, refused.stderr).toBe(3);
    expectOneErrorLine(refused.stderr, '--allow-stale', /hace 10 días/);
    expect(smtp.transactions()).toBe(0);

    const allowed = await runCli(sendArgs(c.ledger, '--yes', '--allow-stale'), { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
    expect(allowed.code, allowed.stderr).toBe(0);
    expect(smtp.received).toHaveLength(2);
  });
});

describe('a template error in the client folder', () => {
  async function clientWithTypo() {
    const c = await newClient(LEDGER);
    const dir = join(c.dir, 'templates', 'es');
    await mkdir(dir, { recursive: true });
    // The typo is on line 2.
    await writeFile(join(dir, 'friendly.subject.hbs'), 'Recordatorio de pago\n{{nmae}}\n');
    return c;
  }

  it('stops a preview with exit 2 naming the file and line; no preview is written', async () => {
    const c = await clientWithTypo();
    const r = await runCli(['remind', c.ledger, '--as-of', AS_OF], { cwd: c.cwd });
    expect(r.code, r.stderr).toBe(2);
    expectOneErrorLine(r.stderr, join('templates', 'es', 'friendly.subject.hbs'), /line 2\b/, 'nmae');
    expect(existsSync(join(c.dir, 'reminders'))).toBe(false);
  });

  it('stops --send with exit 2 before anything is written, journaled or sent', async () => {
    const smtp = await startSmtp();
    const c = await clientWithTypo();
    const r = await runCli(sendArgs(c.ledger, '--yes'), { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: smtp.url }) });
    expect(r.code, r.stderr).toBe(2);
    expectOneErrorLine(r.stderr, join('templates', 'es', 'friendly.subject.hbs'), /line 2\b/);
    expect(smtp.transactions()).toBe(0);
    expect(existsSync(join(c.dir, 'reminders'))).toBe(false);
    expect(existsSync(journalPath(c.dir))).toBe(false);
  });
});

describe('an SMTP server that cannot be reached', () => {
  it('leaves the letter deferred in the journal and exits 1', async () => {
    const port = await closedPort();
    const c = await newClient(LEDGER);
    const r = await runCli(sendArgs(c.ledger, '--yes'), { cwd: c.cwd, env: cliEnv({ DUNNING_SMTP_URL: `smtp://127.0.0.1:${port}` }) });
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/1 diferida\(s\)/);
    const letters = journalLetters(c.dir);
    const results = letters.filter((l) => l.state !== 'sending');
    expect(results.length).toBeGreaterThan(0);
    expect(results.every((l) => l.state === 'deferred')).toBe(true);
    // Never `sent` and never `unknown`: nothing of a message left the machine.
    expect(letters.some((l) => l.state === 'sent' || l.state === 'unknown')).toBe(false);
    // Copies are of sent letters only: none here.
    const out = join(c.dir, 'reminders', AS_OF);
    expect(existsSync(out) ? readdirSync(out).filter((f) => f.endsWith('.eml')) : []).toEqual([]);
  });
});
