import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { describe, expect, it } from 'vitest';
import { ageLedger } from '../src/core/aging.js';
import { toJsonReport } from '../src/render/json.js';
import { day, inv } from './helpers.js';

const schema = JSON.parse(readFileSync(new URL('../schema/aging-report.schema.json', import.meta.url), 'utf8'));
const validate = new Ajv({ allErrors: true, strict: false }).compile(schema);

describe('the published JSON Schema of the aging report', () => {
  it('accepts the report of a ledger with credits, two currencies and custom buckets', () => {
    const report = ageLedger(
      [
        inv({ customer: 'A', due: '2024-01-01', open: 12345, email: 'a@a.mx' }),
        inv({ customer: 'A', due: '2024-05-01', open: -500 }),
        inv({ customer: 'B', due: '2024-06-30', open: 100, currency: 'USD' }),
      ],
      { asOf: day('2024-05-31'), basis: 'due', bounds: [30, 60, 90, 120], criticalDays: 90 },
    );
    const json = toJsonReport(report, ['1 row(s) rejected']);
    expect(validate(json), JSON.stringify(validate.errors)).toBe(true);
  });

  it('rejects a document that breaks the contract (can fail)', () => {
    const bad = { schemaVersion: 1, asOf: '31/05/2024', basis: 'due', criticalDays: 90, buckets: ['current', '1-30', '30+'], customers: [], totals: [], warnings: [] };
    expect(validate(bad)).toBe(false);
    const missing = { schemaVersion: 1, asOf: '2024-05-31', basis: 'due', criticalDays: 90, buckets: ['current', '1-30', '30+'], customers: [{ customer: 'x' }], totals: [], warnings: [] };
    expect(validate(missing)).toBe(false);
  });
});
