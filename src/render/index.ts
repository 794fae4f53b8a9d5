// The registry of aging-report renderers: `--format` picks one function over the same report
// value (one report, many renderers). Text formats return a string, xlsx a Buffer; writing them
// (stdout or an atomic file, output.ts) is the command's job.
import type { AgingReport } from '../core/aging.js';
import { UsageError } from '../errors.js';
import { renderCsv } from './csv.js';
import { renderJson } from './json.js';
import type { Lang } from './labels.js';
import { renderMarkdown } from './md.js';
import { renderTable } from './table.js';

export interface RenderOptions {
  /** Words (headings, summary). */
  readonly lang: Lang;
  /** Numbers and dates, e.g. es-MX, es-ES, en-US. */
  readonly locale: string;
  /** ANSI colours in the table; false gives output without a single escape code. */
  readonly color: boolean;
  /** Report-level warnings (rejected rows…): in the JSON, the Markdown and the xlsx Summary sheet. */
  readonly warnings: readonly string[];
  /** Snapshot history for the HTML report's trend chart (`aging --snapshot`). */
  readonly trend?: readonly import('./html.js').TrendPoint[];
  /** The first column's heading, when its rows are not customers (`--group-by`: the column's name). */
  readonly rowHeading?: string;
}

export type ReportFormat = 'table' | 'json' | 'csv' | 'xlsx' | 'md' | 'html';

type Renderer = (report: AgingReport, opts: RenderOptions) => string | Buffer | Promise<string | Buffer>;

const RENDERERS: Readonly<Record<ReportFormat, Renderer>> = {
  table: renderTable,
  json: (report, opts) => renderJson(report, opts.warnings),
  csv: renderCsv,
  // exceljs is heavy to load: only when an xlsx report is asked for.
  xlsx: async (report, opts) => (await import('./xlsx.js')).renderXlsx(report, opts),
  md: renderMarkdown,
  // The page is rarely asked for: loaded on demand like xlsx. Extra options (trend) pass through.
  html: async (report, opts) => (await import('./html.js')).renderHtml(report, opts),
};

export const REPORT_FORMATS = Object.keys(RENDERERS) as readonly ReportFormat[];

export function isReportFormat(name: string): name is ReportFormat {
  return Object.prototype.hasOwnProperty.call(RENDERERS, name);
}

/** Renders the report in the chosen format. Throws UsageError for a format that does not exist. */
export async function renderReport(
  format: ReportFormat,
  report: AgingReport,
  opts: RenderOptions,
): Promise<string | Buffer> {
  if (!isReportFormat(format)) {
    throw new UsageError(`unknown report format "${String(format)}" (expected one of: ${REPORT_FORMATS.join(', ')})`);
  }
  return RENDERERS[format](report, opts);
}
