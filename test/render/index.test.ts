import { describe, expect, test } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { isReportFormat, renderReport, REPORT_FORMATS, type ReportFormat, type RenderOptions } from '../../src/render/index.js';
import { renderJson } from '../../src/render/json.js';
import { sampleReport } from './fixture.js';

const opts: RenderOptions = { lang: 'en', locale: 'en-US', color: false, warnings: ['1 row rejected'] };

describe('renderer registry', () => {
  test('knows the six formats', () => {
    expect([...REPORT_FORMATS].sort()).toEqual(['csv', 'html', 'json', 'md', 'table', 'xlsx']);
    expect(isReportFormat('csv')).toBe(true);
    expect(isReportFormat('toString')).toBe(false);
  });

  test('json is the JSON renderer with the warnings of the options', async () => {
    const r = sampleReport();
    const out = await renderReport('json', r, opts);
    expect(out).toBe(renderJson(r, ['1 row rejected']));
    expect(JSON.parse(out as string).warnings).toEqual(['1 row rejected']);
  });

  test('text formats give strings and xlsx gives the bytes of a zip', async () => {
    const r = sampleReport();
    expect(await renderReport('table', r, opts)).toContain('Kuwait Trading');
    expect(await renderReport('md', r, opts)).toMatch(/^\*\*Receivables aging as of May 31, 2024/);
    expect(await renderReport('csv', r, opts)).toMatch(/^\ufeffCustomer,/);
    const xlsx = await renderReport('xlsx', r, opts);
    expect(Buffer.isBuffer(xlsx)).toBe(true);
    expect((xlsx as Buffer).subarray(0, 2).toString('latin1')).toBe('PK');
  });

  test('an unknown format is a usage error that lists the formats', async () => {
    await expect(renderReport('pdf' as ReportFormat, sampleReport(), opts)).rejects.toThrow(UsageError);
    await expect(renderReport('pdf' as ReportFormat, sampleReport(), opts)).rejects.toThrow(/table, json, csv, xlsx, md/);
  });
});
