import { describe, expect, it } from 'vitest';
import { matchHeaders, normalizeHeader } from '../../src/ledger/columns.js';

function fieldsOf(headers: string[], overrides = {}): Record<string, string> {
  const m = matchHeaders(headers, overrides, (f) => `--map ${f}`);
  return Object.fromEntries(m.choices.map((c) => [c.field, c.header]));
}

describe('header matching', () => {
  it('normalizes case, accents, punctuation, camelCase and stop words', () => {
    expect(normalizeHeader('FechaVencimiento')).toBe('fecha vencimiento');
    expect(normalizeHeader('Fecha de vencimiento')).toBe('fecha vencimiento');
    expect(normalizeHeader('due_at')).toBe('due');
    expect(normalizeHeader('Due Date')).toBe('due date');
    expect(normalizeHeader('  RAZÓN SOCIAL ')).toBe('razon social');
  });
  it('finds Spanish columns', () => {
    expect(fieldsOf(['Razón social', 'Folio', 'Fecha', 'Fecha de vencimiento', 'Monto', 'Saldo', 'Correo'])).toEqual({
      customer: 'Razón social', invoice: 'Folio', invoiceDate: 'Fecha', dueDate: 'Fecha de vencimiento', amount: 'Monto', balance: 'Saldo', email: 'Correo',
    });
  });
  it('finds English columns', () => {
    expect(fieldsOf(['Customer', 'Invoice #', 'Invoice Date', 'Due Date', 'Amount', 'Paid', 'Email'])).toEqual({
      customer: 'Customer', invoice: 'Invoice #', invoiceDate: 'Invoice Date', dueDate: 'Due Date', amount: 'Amount', paid: 'Paid', email: 'Email',
    });
  });
  it('explains each choice with the language and the synonym', () => {
    const m = matchHeaders(['FechaVencimiento', 'Cliente'], {}, () => '');
    expect(m.choices.find((c) => c.field === 'dueDate')!.reason).toBe("Spanish synonym 'fecha vencimiento'");
  });
  it('prefers the better synonym when two headers could be the amount, and says why the other is unused', () => {
    const m = matchHeaders(['Cliente', 'Factura', 'Total', 'Importe'], {}, () => '');
    expect(m.choices.find((c) => c.field === 'amount')!.header).toBe('Importe');
    expect(m.unused[0]).toMatchObject({ header: 'Total' });
    expect(m.unused[0]!.note).toContain('already column "Importe"');
  });
  it('lets --map win and reports a --map header that does not exist', () => {
    expect(fieldsOf(['Cliente', 'Factura', 'Vence', 'Importe'], { dueDate: 'Vence' })).toMatchObject({ dueDate: 'Vence' });
    const m = matchHeaders(['Cliente'], { dueDate: 'Nope' }, () => '');
    expect(m.missingOverrides).toEqual(['dueDate']);
  });
});

describe('suggestions when a column is not recognised', () => {
  it('suggests --map lines for unused headers that share a word with a missing field', () => {
    const m = matchHeaders(['Cliente', 'Factura', 'Fecha', 'Fecha tope', 'Importe'], {}, () => '');
    expect(m.unused).toEqual([{ column: 3, header: 'Fecha tope', note: 'not used; if it is the dueDate: --map dueDate="Fecha tope"' }]);
  });
});
