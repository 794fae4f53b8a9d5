// Bad input is data: every problem found while reading is a Diagnostic with a stable code that
// points at the cell, e.g. `ledger.xlsx › Facturas › row 14 › "Vencimiento": "31/02/2024" is not a date`.

export type DiagnosticCode =
  | 'bad-date' | 'bad-amount' | 'bad-flag' | 'bad-currency' | 'bad-terms' | 'bad-cell'
  | 'missing-value' | 'extra-fields' | 'conflicting-duplicate' | 'mixed-date-order' | 'unmatched-payment'
  // warnings
  | 'due-before-invoice' | 'lines-collapsed' | 'instalments' | 'credits' | 'missing-email' | 'invalid-email'
  | 'unknown-status' | 'not-receivable' | 'summary-row' | 'note-row' | 'mixed-date-cells' | 'column-conflict';

export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: 'error' | 'warning';
  readonly file: string;
  readonly sheet: string | null;
  readonly row: number | null;
  readonly column: string | null;
  readonly value: string | null;
  readonly message: string;
}

/** `file › sheet › row N › "Column": "value" message`. */
export function formatDiagnostic(d: Diagnostic): string {
  const parts = [d.file];
  if (d.sheet) parts.push(d.sheet);
  if (d.row !== null) parts.push(`row ${d.row}`);
  let what = d.message;
  if (d.column !== null) {
    const value = d.value !== null ? `: ${JSON.stringify(truncate(d.value))}` : '';
    what = `${JSON.stringify(d.column)}${value} ${d.message}`;
  }
  parts.push(what);
  return parts.join(' › ');
}

function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}
