// Bad input is data: every problem found while reading is a Diagnostic with a stable code that
// points at the cell, e.g. `ledger.xlsx › Facturas › row 14 › "Vencimiento": "31/02/2024" is not a date`.
// The message is English (the message id, and what `--format json` prints); formatDiagnostic
// prints it in the user's language through the catalogue (i18n/).
import { rowWord, translate, type Lang } from '../i18n/index.js';

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

/** `file › sheet › row N › "Column": "value" message` (Spanish: `fila N`, the message translated). */
export function formatDiagnostic(d: Diagnostic, lang: Lang = 'en'): string {
  const parts = [d.file];
  if (d.sheet) parts.push(d.sheet);
  if (d.row !== null) parts.push(`${rowWord(lang)} ${d.row}`);
  const message = translate(d.message, lang);
  let what = message;
  if (d.column !== null) {
    const value = d.value !== null ? `: ${JSON.stringify(truncate(d.value))}` : '';
    what = `${JSON.stringify(d.column)}${value} ${message}`;
  }
  parts.push(what);
  return parts.join(' › ');
}

function truncate(s: string, max = 60): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/**
 * A message that quotes diagnostics formatted in English (`…; first: file › row 3 › …`), in
 * `lang`: each quoted diagnostic is set aside, the rest translated, and the diagnostic put back
 * formatted in `lang` (its text could not be translated back reliably: values are free text).
 */
export function translateQuoting(text: string, lang: Lang, quoted: readonly Diagnostic[]): string {
  if (lang === 'en') return text;
  let masked = text;
  const put: [string, string][] = [];
  quoted.forEach((d, i) => {
    const english = formatDiagnostic(d);
    if (!masked.includes(english)) return;
    const mark = `\u0000${i}\u0000`;
    masked = masked.replace(english, mark);
    put.push([mark, formatDiagnostic(d, lang)]);
  });
  let out = translate(masked, lang);
  for (const [mark, shown] of put) out = out.replace(mark, () => shown);
  return out;
}
