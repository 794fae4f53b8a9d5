// The aging report as Markdown (GitHub-flavoured table), for pasting into a message or an issue:
// the same layout as the terminal table, critical rows in bold, then the summary and warnings.
// Ledger text is escaped: a customer "Tubos | Conexiones" once split its row into an extra column.
import type { AgingReport } from '../core/aging.js';
import type { RenderOptions } from './index.js';
import { screenLayout } from './table.js';

/** Backslash-escapes Markdown punctuation (pipes included) and flattens line breaks. */
export function escapeMarkdown(text: string): string {
  return text
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[\\`*_[\]<>|~&#]/g, '\\$&');
}

function bold(cell: string): string {
  return cell === '' ? '' : `**${cell}**`;
}

export function renderMarkdown(report: AgingReport, opts: RenderOptions): string {
  const view = screenLayout(report, opts.lang, opts.locale, opts.rowHeading);
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`;
  const out: string[] = [`**${escapeMarkdown(view.title)}**`, ''];
  out.push(line(view.headings.map(escapeMarkdown)));
  out.push(line(view.align.map((a) => (a === 'right' ? '--:' : ':--'))));
  for (const row of view.rows) {
    const cells = row.cells.map(escapeMarkdown);
    if (row.critical) out.push(line(cells.map(bold)));
    else if (row.kind === 'total') out.push(line([bold(cells[0] ?? ''), ...cells.slice(1)]));
    else out.push(line(cells));
  }
  if (report.customers.length === 0) out.push('', escapeMarkdown(view.labels.noOpenItems));
  if (view.legend) out.push('', `**${escapeMarkdown(view.labels.critical)}**: ${escapeMarkdown(view.legend)}`);
  if (view.summary.length) out.push('', ...view.summary.map((s) => `- ${escapeMarkdown(s)}`));
  if (opts.warnings.length) {
    out.push('', `**${escapeMarkdown(view.labels.warnings)}**`, '', ...opts.warnings.map((w) => `- ${escapeMarkdown(w)}`));
  }
  return `${out.join('\n')}\n`;
}
