// Finding the columns: header text → logical field (SPEC §2.1), case-, accent- and
// punctuation-insensitively, with synonyms per language, and the reason for every choice so
// `dunning check` can explain it. `--map field=Header` and the config's `columns` win.

export const FIELDS = [
  'customer', 'customerId', 'invoice', 'series', 'amount', 'paid', 'balance', 'invoiceDate', 'dueDate', 'paidDate',
  'termsDays', 'status', 'disputed', 'promiseDate', 'noDunning', 'currency', 'email', 'phone', 'contact', 'salesRep', 'language', 'segment',
] as const;
export type Field = (typeof FIELDS)[number];

export function isField(name: string): name is Field {
  return (FIELDS as readonly string[]).includes(name);
}

type Lang = 'English' | 'Spanish' | 'Portuguese' | 'German' | 'French';

// Synonyms in priority order within a field (earlier wins when two headers match one field).
// Written naturally; they are normalized like headers before matching.
const SYNONYMS: Readonly<Record<Field, Readonly<Partial<Record<Lang, readonly string[]>>>>> = {
  customer: {
    Spanish: ['Cliente', 'Razón social', 'Nombre del cliente', 'Nombre cliente', 'Deudor', 'Nombre', 'Empresa', 'Nombre tercero', 'Tercero', 'Nombre del tercero'],
    English: ['Customer', 'Customer name', 'Client', 'Client name', 'Debtor', 'Account name', 'Company', 'Name', 'Contact name', 'Bill to', 'Customer full name', 'Full name', 'Partner', 'Party', 'Party name'],
    Portuguese: ['Nome do cliente', 'Devedor', 'Razão social'],
    German: ['Kunde', 'Kundenname', 'Debitor', 'Firma'],
    French: ['Client', 'Nom du client', 'Débiteur', 'Raison sociale'],
  },
  customerId: {
    Spanish: ['RFC', 'NIT', 'CUIT', 'CUIL', 'RUT', 'RUC', 'CIF', 'NIF', 'Cédula', 'Código cliente', 'Clave cliente', 'Id cliente', 'No. cliente', 'Número de cliente', 'Identificación', 'NIT tercero', 'Identificación tercero', 'Nit del tercero'],
    English: ['Customer id', 'Customer code', 'Customer number', 'Customer no', 'Client id', 'Account number', 'Tax id', 'VAT number'],
    Portuguese: ['CNPJ', 'CPF', 'Código do cliente'],
    German: ['Kundennummer', 'Debitorennummer', 'USt-IdNr'],
    French: ['Numéro client', 'Code client', 'SIRET', 'Numéro de TVA'],
  },
  invoice: {
    Spanish: ['Factura', 'Folio', 'No. factura', 'Número de factura', 'Num factura', 'Nro factura', 'Comprobante', 'Número de comprobante', 'Documento', 'No. documento', 'Número de documento', 'Serie y folio', 'Número'],
    English: ['Invoice', 'Invoice number', 'Invoice no', 'Invoice #', 'Invoice id', 'Inv no', 'Document number', 'Doc no', 'Num', 'Number', 'Reference', 'Bill number', 'Journal entry', 'Voucher no', 'Voucher number', 'Invoice no.'],
    Portuguese: ['Fatura', 'Número da fatura', 'Nota fiscal', 'NF'],
    German: ['Rechnung', 'Rechnungsnummer', 'Rechnungs-Nr', 'Beleg', 'Belegnummer'],
    French: ['Facture', 'Numéro de facture', 'N° facture', 'Pièce'],
  },
  series: {
    Spanish: ['Serie', 'Prefijo', 'Serie factura'],
    English: ['Series', 'Prefix', 'Invoice prefix', 'Invoice series'],
    Portuguese: ['Série'],
  },
  amount: {
    Spanish: ['Importe', 'Monto', 'Total', 'Total factura', 'Importe total', 'Monto total', 'Valor', 'Valor total', 'Importe factura'],
    English: ['Amount', 'Invoice amount', 'Total', 'Invoice total', 'Total amount', 'Gross amount', 'Original amount', 'Invoiced amount', 'Invoice total amount'],
    Portuguese: ['Valor', 'Valor total', 'Montante'],
    German: ['Betrag', 'Rechnungsbetrag', 'Bruttobetrag', 'Summe'],
    French: ['Montant', 'Montant TTC', 'Montant total', 'Total TTC'],
  },
  paid: {
    Spanish: ['Pagado', 'Abonado', 'Abonos', 'Cobrado', 'Monto pagado', 'Importe pagado', 'Pagos'],
    English: ['Paid', 'Amount paid', 'Paid amount', 'Payments', 'Received', 'Amount received', 'Invoice amount paid', 'Paid amount'],
    Portuguese: ['Pago', 'Valor pago', 'Recebido'],
    German: ['Bezahlt', 'Gezahlt', 'Zahlungen'],
    French: ['Payé', 'Montant payé', 'Réglé', 'Encaissé'],
  },
  balance: {
    Spanish: ['Saldo', 'Saldo pendiente', 'Saldo actual', 'Pendiente', 'Por cobrar', 'Importe pendiente', 'Adeudo', 'Saldo insoluto'],
    English: ['Balance', 'Balance due', 'Amount due', 'Open amount', 'Open balance', 'Outstanding', 'Amount outstanding', 'Remaining', 'Due amount', 'Invoice amount due', 'Residual amount', 'Amount residual', 'Outstanding amount', 'Residual'],
    Portuguese: ['Saldo devedor', 'Em aberto', 'Valor em aberto'],
    German: ['Offen', 'Offener Betrag', 'Restbetrag', 'Saldo'],
    French: ['Solde', 'Reste à payer', 'Montant dû', 'Restant dû'],
  },
  invoiceDate: {
    Spanish: ['Fecha', 'Fecha factura', 'Fecha de factura', 'Fecha de emisión', 'Emisión', 'Fecha documento', 'Fecha de expedición', 'Fecha de elaboración', 'Fecha comprobante', 'Creación', 'Fecha de creación'],
    English: ['Invoice date', 'Date', 'Issue date', 'Issued', 'Document date', 'Doc date', 'Transaction date', 'Txn date', 'Created', 'Date issued', 'Posting date', 'Invoice date issued'],
    Portuguese: ['Data', 'Data de emissão', 'Data da fatura'],
    German: ['Datum', 'Rechnungsdatum', 'Belegdatum'],
    French: ['Date', 'Date de facture', 'Date facture', "Date d'émission"],
  },
  dueDate: {
    Spanish: ['Vencimiento', 'Fecha de vencimiento', 'Fecha vencimiento', 'Vence', 'Fecha vto', 'Vto', 'Fecha límite de pago', 'Fecha límite'],
    English: ['Due date', 'Due', 'Due on', 'Due at', 'Payment due', 'Payment due date', 'Date due'],
    Portuguese: ['Data de vencimento', 'Vencimento'],
    German: ['Fälligkeit', 'Fälligkeitsdatum', 'Fällig am', 'Fällig'],
    French: ["Date d'échéance", 'Échéance'],
  },
  paidDate: {
    Spanish: ['Fecha de pago', 'Fecha pago', 'Fecha de cobro', 'Pagado el', 'Fecha de liquidación'],
    English: ['Paid date', 'Date paid', 'Paid on', 'Payment date', 'Settled date', 'Fully paid on date'],
    Portuguese: ['Data de pagamento', 'Data do pagamento'],
    German: ['Zahlungsdatum', 'Bezahlt am'],
    French: ['Date de paiement', 'Date de règlement', 'Payé le'],
  },
  termsDays: {
    Spanish: ['Días de crédito', 'Días crédito', 'Plazo', 'Condiciones de pago'],
    English: ['Terms', 'Payment terms', 'Credit days', 'Net days'],
    Portuguese: ['Prazo', 'Condições de pagamento'],
    German: ['Zahlungsziel', 'Zahlungsbedingungen'],
    French: ['Conditions de paiement', 'Délai de paiement'],
  },
  status: {
    Spanish: ['Estado', 'Estatus', 'Situación', 'Estado factura'],
    English: ['Status', 'Invoice status', 'State'],
    Portuguese: ['Situação'],
    German: ['Rechnungsstatus'],
    French: ['Statut', 'État'],
  },
  disputed: {
    Spanish: ['En disputa', 'Disputa', 'Disputada', 'Reclamada', 'Reclamo', 'En litigio'],
    English: ['Disputed', 'Dispute', 'In dispute'],
    Portuguese: ['Em disputa', 'Contestada'],
    German: ['Strittig', 'Bestritten', 'Reklamation'],
    French: ['Litige', 'En litige', 'Contesté'],
  },
  promiseDate: {
    Spanish: ['Fecha promesa', 'Promesa de pago', 'Fecha de promesa', 'Fecha compromiso', 'Compromiso de pago', 'Promesa'],
    English: ['Promise date', 'Promised date', 'Promise to pay', 'Promised on', 'Promised'],
    Portuguese: ['Data prometida', 'Promessa de pagamento'],
    German: ['Zahlungsversprechen', 'Zahlungszusage'],
    French: ['Promesse de paiement', 'Date promise'],
  },
  noDunning: {
    Spanish: ['No cobrar', 'Sin cobranza', 'Bloqueo cobranza', 'Bloqueo de cobranza', 'No gestionar'],
    English: ['No dunning', 'Dunning block', 'Do not dun', 'Hold', 'On hold', 'Do not contact'],
    Portuguese: ['Não cobrar', 'Bloqueio de cobrança'],
    German: ['Mahnsperre', 'Nicht mahnen'],
    French: ['Ne pas relancer', 'Blocage relance'],
  },
  currency: {
    Spanish: ['Moneda', 'Divisa', 'Tipo de moneda'],
    English: ['Currency', 'Currency code', 'Curr', 'Ccy'],
    Portuguese: ['Moeda'],
    German: ['Währung'],
    French: ['Devise', 'Monnaie'],
  },
  email: {
    Spanish: ['Correo', 'Correo electrónico', 'E-mail', 'Email cliente', 'Correo cliente', 'Mail'],
    English: ['Email', 'Email address', 'Emails', 'Contact email', 'Billing email'],
    Portuguese: ['E-mail do cliente'],
    German: ['E-Mail-Adresse'],
    French: ['Courriel', 'Adresse e-mail'],
  },
  phone: {
    Spanish: ['Teléfono', 'Tel', 'Celular', 'Móvil', 'WhatsApp'],
    English: ['Phone', 'Telephone', 'Mobile', 'Phone number'],
    Portuguese: ['Telefone', 'Celular'],
    German: ['Telefon', 'Handy'],
    French: ['Téléphone', 'Portable'],
  },
  contact: {
    Spanish: ['Contacto', 'Persona de contacto', 'Atención', 'Atención a'],
    English: ['Contact', 'Contact person', 'Attention', 'Attn'],
    Portuguese: ['Contato', 'Pessoa de contato'],
    German: ['Ansprechpartner', 'Kontakt'],
    French: ['Contact', 'Interlocuteur'],
  },
  salesRep: {
    Spanish: ['Vendedor', 'Ejecutivo', 'Ejecutivo de cuenta', 'Asesor', 'Agente', 'Representante', 'Comercial'],
    English: ['Sales rep', 'Salesperson', 'Sales person', 'Account manager', 'Rep', 'Agent'],
    Portuguese: ['Vendedor', 'Representante'],
    German: ['Vertreter', 'Verkäufer', 'Außendienst'],
    French: ['Commercial', 'Vendeur', 'Représentant'],
  },
  language: {
    Spanish: ['Idioma', 'Lengua'],
    English: ['Language', 'Lang'],
    Portuguese: ['Língua'],
    German: ['Sprache'],
    French: ['Langue'],
  },
  segment: {
    Spanish: ['Segmento', 'Zona', 'Región', 'Territorio'],
    English: ['Segment', 'Region', 'Territory'],
    Portuguese: ['Região'],
    German: ['Segment', 'Region', 'Gebiet'],
    French: ['Segment', 'Région', 'Secteur'],
  },
};

const STOP_WORDS = new Set(['de', 'del', 'la', 'el', 'los', 'las', 'of', 'the', 'da', 'do', 'das', 'dos', 'du', 'des', 'le', 'les', 'der', 'die', 'd', 'a', 'am', 'on', 'at']);

/** "Fecha de Vencimiento", "FechaVencimiento", "fecha_vencimiento" → "fecha vencimiento". */
export function normalizeHeader(text: string): string {
  return text
    .replace(/([a-záéíóúñ])([A-ZÁÉÍÓÚÑ])/g, '$1 $2')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, ' ')
    .trim()
    .split(' ')
    .filter((w) => w !== '' && !STOP_WORDS.has(w))
    .join(' ');
}

interface Synonym {
  readonly field: Field;
  readonly rank: number;
  readonly lang: Lang;
  readonly text: string;
}

const BY_NORMAL: ReadonlyMap<string, readonly Synonym[]> = (() => {
  const map = new Map<string, Synonym[]>();
  for (const field of FIELDS) {
    let rank = 0;
    for (const [lang, list] of Object.entries(SYNONYMS[field]) as [Lang, readonly string[]][]) {
      for (const text of list) {
        const key = normalizeHeader(text);
        const entry = { field, rank: rank++, lang, text };
        const existing = map.get(key);
        if (!existing) map.set(key, [entry]);
        else if (!existing.some((e) => e.field === field)) existing.push(entry);
      }
    }
  }
  return map;
})();

/** Header texts we look for, for messages ("looked for: Cliente, Customer, …"). */
export function synonymsOf(field: Field, max = 6): string[] {
  return Object.values(SYNONYMS[field]).flat().slice(0, max);
}

export interface ColumnChoice {
  readonly field: Field;
  readonly column: number;
  readonly header: string;
  /** Why this column: "Spanish synonym 'fecha vencimiento'", "--map dueDate=Vence". */
  readonly reason: string;
}

export interface HeaderMatch {
  readonly choices: readonly ColumnChoice[];
  /** Header cells that matched nothing, and headers that matched a field already taken. */
  readonly unused: readonly { column: number; header: string; note: string }[];
}

/**
 * Maps one header row to fields. `overrides` (field → header text, from --map / config columns)
 * are applied first; a header named by an override that is not in the row throws via the
 * returned `missingOverrides` for the caller to report.
 */
export function matchHeaders(
  headers: readonly string[],
  overrides: Readonly<Partial<Record<Field, string>>>,
  overrideSource: (field: Field) => string,
): HeaderMatch & { missingOverrides: Field[] } {
  const choices: ColumnChoice[] = [];
  const taken = new Set<number>();
  const missingOverrides: Field[] = [];
  for (const [field, header] of Object.entries(overrides) as [Field, string][]) {
    const want = normalizeHeader(header);
    const column = headers.findIndex((h, i) => !taken.has(i) && (h === header || normalizeHeader(h) === want));
    if (column < 0) {
      missingOverrides.push(field);
      continue;
    }
    taken.add(column);
    choices.push({ field, column, header: headers[column]!, reason: overrideSource(field) });
  }
  // Candidates: every (column, synonym) pair, best rank first, then leftmost.
  const candidates: { column: number; syn: Synonym }[] = [];
  headers.forEach((h, column) => {
    for (const syn of BY_NORMAL.get(normalizeHeader(h)) ?? []) candidates.push({ column, syn });
  });
  candidates.sort((a, b) => a.syn.rank - b.syn.rank || a.column - b.column);
  const fieldsTaken = new Set(choices.map((c) => c.field));
  const notes = new Map<number, string>();
  for (const { column, syn } of candidates) {
    if (fieldsTaken.has(syn.field)) {
      if (!taken.has(column)) notes.set(column, `also looks like ${syn.field}, which is already column "${headers[choices.find((c) => c.field === syn.field)!.column]}"`);
      continue;
    }
    if (taken.has(column)) continue;
    taken.add(column);
    fieldsTaken.add(syn.field);
    notes.delete(column);
    choices.push({ field: syn.field, column, header: headers[column]!, reason: `${syn.lang} synonym '${normalizeHeader(syn.text)}'` });
  }
  for (const field of FIELDS) {
    if (fieldsTaken.has(field)) continue;
    for (const h of suggestHeaders(field, headers, taken)) {
      const column = headers.indexOf(h);
      if (!notes.has(column)) notes.set(column, `not used; if it is the ${field}: --map ${field}="${h}"`);
    }
  }
  const unused = headers
    .map((header, column) => ({ column, header, note: notes.get(column) ?? 'not used' }))
    .filter((u) => u.header.trim() !== '' && !taken.has(u.column));
  choices.sort((a, b) => a.column - b.column);
  return { choices, unused, missingOverrides };
}

/** How many distinct fields a row of cell texts would map to: to find the header row. */
export function headerScore(cells: readonly string[]): number {
  const fields = new Set<Field>();
  for (const c of cells) for (const s of BY_NORMAL.get(normalizeHeader(c)) ?? []) fields.add(s.field);
  return fields.size;
}

export const REQUIRED: readonly { readonly anyOf: readonly Field[]; readonly what: string }[] = [
  { anyOf: ['customer', 'customerId'], what: 'the customer (name or id)' },
  { anyOf: ['invoice'], what: 'the invoice number' },
  { anyOf: ['amount', 'balance'], what: 'the amount (total or balance)' },
  { anyOf: ['invoiceDate', 'dueDate'], what: 'a date (invoice date or due date)' },
];

const TOKENS_OF: ReadonlyMap<Field, ReadonlySet<string>> = new Map(
  FIELDS.map((f) => [f, new Set(Object.values(SYNONYMS[f]).flat().flatMap((t) => normalizeHeader(t).split(' ')).filter((w) => w.length >= 3))]),
);

/**
 * Unused headers that share a word with the field's synonyms ("Fecha límite" for dueDate shares
 * "fecha"; "Valor neto" for amount shares "valor"): candidates to suggest as --map lines when the
 * tool could not decide by itself.
 */
export function suggestHeaders(field: Field, headers: readonly string[], taken: ReadonlySet<number>): string[] {
  const tokens = TOKENS_OF.get(field)!;
  return headers.filter((h, i) => !taken.has(i) && h.trim() !== '' && normalizeHeader(h).split(' ').some((w) => tokens.has(w)));
}
