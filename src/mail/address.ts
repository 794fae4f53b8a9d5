// Email addresses from ledger cells and from the config, validated before they reach nodemailer.
// Owns the rule "one cell → a list of plain addr-specs": a cell is split on ';' and ',', and each
// piece must be exactly one local@domain — no display name, no <>, no spaces, no control
// characters, no group syntax. Why: the cell `cliente@x.com\r\nBcc: victim@y.org`, handed to
// nodemailer as a string, was parsed as a group and the envelope went only to victim@y.org
// (PITFALLS.md, Email). Valid addresses are passed on as `{ name, address }` objects, never as
// strings nodemailer would parse again.

import { domainToASCII } from 'node:url';
import { UsageError } from '../errors.js';

/** A mailbox as nodemailer's MailComposer takes it: display name (may be '') and a plain address. */
export interface Mailbox {
  readonly name: string;
  readonly address: string;
}

export interface AddressList {
  /** Valid addresses, in cell order, without duplicates (compared case-insensitively). */
  readonly valid: readonly string[];
  /** Pieces that are not one plain address, trimmed but otherwise as found (may hold CR/LF). */
  readonly invalid: readonly string[];
}

// RFC 5321 limits: 64 octets for the local part, 254 for the whole path.
const MAX_LOCAL = 64;
const MAX_ADDRESS = 254;

// RFC 5322 dot-atom: atext runs separated by single dots. Quoted local parts ("john doe"@x) are
// legal but never seen in ledgers and are a favourite of injection tricks, so they are refused.
const LOCAL_PART = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;
const TOP_LABEL = /^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$/;
// C0 controls, DEL, C1 controls, and Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

/**
 * The address in its canonical form (domain lower-cased, an internationalized domain in
 * punycode), or null when `text` is not exactly one plain addr-spec.
 */
export function normalizeAddress(text: string): string | null {
  if (text.length === 0 || text.length > MAX_ADDRESS * 4) return null;
  if (CONTROL.test(text) || /\s/.test(text)) return null;
  const at = text.lastIndexOf('@');
  if (at <= 0 || at !== text.indexOf('@')) return null; // exactly one '@', not first
  const local = text.slice(0, at);
  const rawDomain = text.slice(at + 1);
  if (local.length > MAX_LOCAL || !LOCAL_PART.test(local)) return null;
  // A domain literal ([192.0.2.1]) or anything with brackets, quotes or colons is refused here:
  // domainToASCII would otherwise accept some of it.
  if (!/^[^\[\]<>()"',;:\\/]+$/.test(rawDomain)) return null;
  const domain = /^[\x21-\x7e]+$/.test(rawDomain) ? rawDomain.toLowerCase() : domainToASCII(rawDomain);
  if (domain === '' || domain.length > 253) return null;
  const labels = domain.split('.');
  if (labels.length < 2) return null; // "user@localhost" is no customer's address
  if (!labels.every((label) => DOMAIN_LABEL.test(label))) return null;
  if (!TOP_LABEL.test(labels[labels.length - 1] ?? '')) return null;
  const address = `${local}@${domain}`;
  return address.length <= MAX_ADDRESS ? address : null;
}

/** True when `text` is exactly one plain addr-spec (local@domain.tld), nothing around it. */
export function isValidAddress(text: string): boolean {
  return normalizeAddress(text) !== null;
}

/**
 * A ledger `email` cell → its addresses. Pieces are separated by ';' or ','; empty pieces
 * (a trailing ';') are ignored; every other piece is either one valid address or reported in
 * `invalid` — never repaired, never split further (a piece holding CR/LF is invalid as a whole).
 */
export function parseAddressList(cell: string): AddressList {
  const valid: string[] = [];
  const invalid: string[] = [];
  const seen = new Set<string>();
  for (const piece of cell.split(/[;,]/)) {
    const trimmed = piece.trim();
    if (trimmed === '') continue;
    const address = normalizeAddress(trimmed);
    if (address === null) {
      invalid.push(trimmed);
      continue;
    }
    const folded = address.toLowerCase();
    if (seen.has(folded)) continue;
    seen.add(folded);
    valid.push(address);
  }
  return { valid, invalid };
}

/**
 * The configured sender, "Cobranza Ruiz <cobranza@ruiz.mx>", `"Ruiz, Cobranza" <c@ruiz.mx>` or a
 * bare "cobranza@ruiz.mx", → `{ name, address }`. Throws UsageError (exit 2) for anything else:
 * CR/LF or other control characters, several addresses, an unquoted ',' or ';' in the name.
 * `what` names the setting in the message ("from", "replyTo", "--from").
 */
export function parseMailbox(text: string, what = 'from'): Mailbox {
  const fail = (why: string): never => {
    throw new UsageError(`${what}: ${JSON.stringify(text)} is not a valid sender address (${why})`);
  };
  if (CONTROL.test(text)) fail('it contains a line break or control character');
  const trimmed = text.trim();
  const bare = normalizeAddress(trimmed);
  if (bare !== null) return { name: '', address: bare };
  const m = /^(?:"((?:[^"\\]|\\.)*)"|([^"<>]*?))\s*<([^<>]*)>$/.exec(trimmed);
  if (!m) return fail('expected "Name <address>" or a plain address');
  const [, quoted, plain, inner = ''] = m;
  if (plain !== undefined && /[,;]/.test(plain)) fail('a name with a comma or semicolon must be in double quotes');
  const name = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : (plain ?? '').trim();
  const address = normalizeAddress(inner.trim());
  if (address === null) return fail(`${JSON.stringify(inner)} is not a plain address`);
  return { name, address };
}

/** The domain part of a valid address ("ruiz.mx" of "cobranza@ruiz.mx"). */
export function domainOf(address: string): string {
  const normalized = normalizeAddress(address);
  if (normalized === null) throw new UsageError(`${JSON.stringify(address)} is not a valid address`);
  return normalized.slice(normalized.lastIndexOf('@') + 1);
}
