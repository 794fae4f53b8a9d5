// The raw table a file reader produces: rows of typed cells, streamed. Both readers (csv.ts,
// xlsx.ts) speak this, so header detection and value parsing (read.ts) never know the format,
// and the performance work can swap a parser underneath without touching the rest.
import type { Day } from '../core/dates.js';

export type Cell =
  | { readonly t: 'empty' }
  /** Text, exactly as stored (CSV fields are always text). */
  | { readonly t: 's'; readonly v: string }
  /** A number cell whose format is not a date format. */
  | { readonly t: 'n'; readonly v: number }
  /** A number cell formatted as a date (converted with the workbook's 1900/1904 system). */
  | { readonly t: 'd'; readonly v: Day }
  | { readonly t: 'b'; readonly v: boolean }
  /** An error value (#N/A, #REF!) or a formula with no cached result: never read as 0. */
  | { readonly t: 'e'; readonly v: string };

export const EMPTY: Cell = { t: 'empty' };

export interface RawRow {
  /** 1-based row number as the user sees it (xlsx row number; CSV line where the record starts). */
  readonly row: number;
  readonly cells: readonly Cell[];
}

export interface SheetInfo {
  readonly name: string;
  /** 0-based position in the workbook. */
  readonly index: number;
  readonly hidden: boolean;
}

/** One table to read: a CSV file or one worksheet. */
export interface RowSource {
  readonly file: string;
  /** Worksheet name; null for CSV. */
  readonly sheet: string | null;
  /** Whether number cells that are serial dates count from 1904 (Mac Excel). */
  readonly date1904: boolean;
  /** Rows in order; blank rows may be skipped by the reader. */
  rows(): AsyncIterable<RawRow>;
}
