// `remind --pdf`: a printable letter per customer beside the previews, parsed back.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliEnv, clientFactory, csv, LEDGER_HEADER, runCli } from './smtp-helpers.js';

const newClient = clientFactory('remind-pdf');

describe('remind --pdf', () => {
  it('writes one PDF per letter with the invoices and the amount asked, on Letter paper for es-MX', async () => {
    const c = await newClient(csv([LEDGER_HEADER, ['Peñuelas SA', 'A-3895', '2026-02-01', '2026-03-01', '1234.50', '', 'p@p.mx'], ['Peñuelas SA', 'A-4011', '2026-02-10', '2026-03-10', '100.00', '', 'p@p.mx']]));
    const r = await runCli(['remind', c.ledger, '--as-of', '2026-03-31', '--pdf'], { cwd: c.cwd, env: cliEnv() });
    expect(r.code, r.stderr).toBe(0);
    const dir = join(c.dir, 'reminders', '2026-03-31');
    const pdfs = readdirSync(dir).filter((f) => f.endsWith('.pdf'));
    expect(pdfs).toHaveLength(1);
    const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
    const doc = await pdfjs.getDocument({ data: new Uint8Array(readFileSync(join(dir, pdfs[0]!))) }).promise;
    const page = await doc.getPage(1);
    const text = (await page.getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
    // 1,234.50 + 100.00 = 1,334.50 asked.
    expect(text).toContain('A-3895');
    expect(text).toContain('A-4011');
    expect(text).toContain('1,334.50');
    expect(text).toContain('Peñuelas SA');
    const [, , w, h] = page.view;
    expect([Math.round(w!), Math.round(h!)]).toEqual([612, 792]);
  });
});
