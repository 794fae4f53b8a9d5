// The words of the aging report in English and Spanish: column headings, sheet names, the title,
// the legend and the summary sentence. Words follow `lang`; numbers and dates follow `locale`
// (format.ts), so an es-ES bookkeeper and an es-MX one read the same words with their own digits.
import type { Basis } from '../core/ledger.js';

export type Lang = 'es' | 'en';

export interface Labels {
  readonly customer: string;
  readonly customerId: string;
  readonly email: string;
  readonly currency: string;
  readonly balance: string;
  /** The bucket label 'current' (not yet due). Other bucket labels ("1-30", "90+") read the same in both. */
  readonly current: string;
  readonly oldestDays: string;
  readonly invoices: string;
  readonly critical: string;
  readonly criticalAmount: string;
  readonly criticalCustomers: string;
  readonly criticalShare: string;
  readonly customers: string;
  readonly total: string;
  readonly yes: string;
  readonly no: string;
  readonly warnings: string;
  readonly agingSheet: string;
  readonly summarySheet: string;
  /** "Receivables aging as of" — followed by the date. */
  readonly asOf: string;
  readonly basis: Readonly<Record<Basis, string>>;
  readonly noOpenItems: string;
  /** What the critical mark means, after the word "Critical:". */
  criticalLegend(days: number): string;
  /** "38 customers" / "1 cliente"; the count comes already formatted for the locale. */
  customerCount(n: number, formatted: string): string;
  readonly summaryOpen: string;
  readonly summaryCritical: string;
  readonly summaryIn: string;
  readonly summaryNoCritical: string;
}

const EN: Labels = {
  customer: 'Customer',
  customerId: 'Customer id',
  email: 'Email',
  currency: 'Currency',
  balance: 'Balance',
  current: 'Current',
  oldestDays: 'Oldest days',
  invoices: 'Invoices',
  critical: 'Critical',
  criticalAmount: 'Critical amount',
  criticalCustomers: 'Critical customers',
  criticalShare: 'Critical share',
  customers: 'Customers',
  total: 'Total',
  yes: 'yes',
  no: 'no',
  warnings: 'Warnings',
  agingSheet: 'Aging',
  summarySheet: 'Summary',
  asOf: 'Receivables aging as of',
  basis: { due: 'by due date', invoice: 'by invoice date' },
  noOpenItems: 'No open items.',
  criticalLegend: (days) => `open amounts more than ${days} days overdue`,
  customerCount: (n, formatted) => `${formatted} ${n === 1 ? 'customer' : 'customers'}`,
  summaryOpen: 'open',
  summaryCritical: 'critical',
  summaryIn: 'in',
  summaryNoCritical: 'no critical customers',
};

const ES: Labels = {
  customer: 'Cliente',
  customerId: 'RFC/NIT',
  email: 'Correo',
  currency: 'Moneda',
  balance: 'Saldo',
  current: 'Al corriente',
  oldestDays: 'Días máx.',
  invoices: 'Facturas',
  critical: 'Crítico',
  criticalAmount: 'Monto crítico',
  criticalCustomers: 'Clientes críticos',
  criticalShare: '% crítico',
  customers: 'Clientes',
  total: 'Total',
  yes: 'sí',
  no: 'no',
  warnings: 'Avisos',
  agingSheet: 'Antigüedad',
  summarySheet: 'Resumen',
  asOf: 'Antigüedad de saldos al',
  basis: { due: 'por fecha de vencimiento', invoice: 'por fecha de factura' },
  noOpenItems: 'No hay saldos abiertos.',
  criticalLegend: (days) => `saldos con más de ${days} días de vencidos`,
  customerCount: (n, formatted) => `${formatted} ${n === 1 ? 'cliente' : 'clientes'}`,
  summaryOpen: 'saldo',
  summaryCritical: 'crítico',
  summaryIn: 'en',
  summaryNoCritical: 'sin clientes críticos',
};

export function labelsFor(lang: Lang): Labels {
  return lang === 'es' ? ES : EN;
}

/** A bucket label as a column heading: 'current' is translated, ranges ("1-30", "90+") are not. */
export function bucketHeading(label: string, labels: Labels): string {
  return label === 'current' ? labels.current : label;
}
