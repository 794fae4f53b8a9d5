import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.js';
import {
  customerLetters,
  journalPathOf,
  lastLetter,
  letterKey,
  letterStates,
  messageIdFor,
  openJournal,
  type LetterRecord,
  type LetterState,
} from '../../src/mail/journal.js';

let dir: string;
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dunning-journal-'));
});
afterEach(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

function letter(key: string, state: LetterState, extra: Partial<LetterRecord> = {}): LetterRecord {
  return {
    v: 1, type: 'letter', ts: '2024-05-31T15:00:00.000Z', asOf: '2024-05-31', key,
    customerKey: 'ACME', customer: 'Acme S.A.', currency: 'MXN', level: 1,
    invoices: [{ invoice: 'F-1', dueDate: '2024-04-30', open: 1160 }], amount: 1160,
    to: ['pagos@acme.mx'], messageId: `<${key}@ruiz.mx>`, state, ...extra,
  };
}

async function writeJournal(text: string): Promise<string> {
  const file = journalPathOf(dir);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, text);
  return file;
}

describe('openJournal and append', () => {
  it('reads a folder without a journal as empty and creates nothing', async () => {
    const journal = await openJournal(dir);
    expect(journal.records).toEqual([]);
    expect(journal.warnings).toEqual([]);
    expect(existsSync(path.join(dir, '.dunning'))).toBe(false);
  });

  it('creates .dunning/ on the first append and writes one line in the SPEC field order', async () => {
    const journal = await openJournal(dir);
    // Fields given in a scrambled order, with "error" first: the line still follows SPEC §5.
    const { v, type, ts, ...rest } = letter('k1', 'deferred', { error: 'try later', response: '451 4.3.0 busy' });
    await journal.append({ error: rest.error, ...rest, type, v, ts } as LetterRecord);
    const text = await fs.readFile(path.join(dir, '.dunning', 'journal.jsonl'), 'utf8');
    expect(text).toBe(
      '{"v":1,"type":"letter","ts":"2024-05-31T15:00:00.000Z","asOf":"2024-05-31","key":"k1",' +
        '"customerKey":"ACME","customer":"Acme S.A.","currency":"MXN","level":1,' +
        '"invoices":[{"invoice":"F-1","dueDate":"2024-04-30","open":1160}],"amount":1160,' +
        '"to":["pagos@acme.mx"],"messageId":"<k1@ruiz.mx>","state":"deferred",' +
        '"error":"try later","response":"451 4.3.0 busy"}\n',
    );
  });

  it('keeps fields it does not know in a letter record, after the known ones', async () => {
    const journal = await openJournal(dir);
    await journal.append({ lang: 'es', ...letter('k1', 'sent') } as LetterRecord);
    const text = await fs.readFile(journalPathOf(dir), 'utf8');
    expect(text).toMatch(/"state":"sent","lang":"es"\}\n$/);
  });

  it('keeps a record on one line even when a value holds a line break', async () => {
    const journal = await openJournal(dir);
    await journal.append(letter('k1', 'failed', { customer: 'Acme\r\nS.A.', error: 'line 1\nline 2' }));
    const text = await fs.readFile(journalPathOf(dir), 'utf8');
    expect(text.split('\n')).toHaveLength(2); // one line and the final newline
    expect((await openJournal(dir)).records).toEqual([letter('k1', 'failed', { customer: 'Acme\r\nS.A.', error: 'line 1\nline 2' })]);
  });

  it('reads back what was appended, in order, with other record types kept as they are', async () => {
    const journal = await openJournal(dir);
    const hold = { v: 1, type: 'hold', ts: '2024-05-31T10:00:00.000Z', customerKey: 'ACME', until: '2024-06-15' };
    await journal.append(letter('k1', 'sending'));
    await journal.append(hold);
    await journal.append(letter('k1', 'sent'));
    expect(journal.records).toHaveLength(3);
    const again = await openJournal(dir);
    expect(again.records).toEqual([letter('k1', 'sending'), hold, letter('k1', 'sent')]);
  });

  it('keeps lines in call order when appends are not awaited one by one', async () => {
    const journal = await openJournal(dir);
    await Promise.all(['a', 'b', 'c', 'd'].map((k) => journal.append(letter(k, 'sent'))));
    const keys = (await openJournal(dir)).records.map((r) => (r as LetterRecord).key);
    expect(keys).toEqual(['a', 'b', 'c', 'd']);
  });

  it('ignores a truncated last line with a warning naming the file and line', async () => {
    const file = await writeJournal(`${JSON.stringify(letter('k1', 'sending'))}\n{"v":1,"ty`);
    const journal = await openJournal(dir);
    expect(journal.records).toEqual([letter('k1', 'sending')]);
    expect(journal.warnings).toHaveLength(1);
    expect(journal.warnings[0]).toContain(`${file}: line 2`);
    expect(letterStates(journal).get('k1')).toBe('unknown');
  });

  it('moves a truncated last line aside before the next append, so the journal stays readable', async () => {
    const file = await writeJournal(`${JSON.stringify(letter('k1', 'sending'))}\n{"v":1,"ty`);
    const journal = await openJournal(dir);
    await journal.append(letter('k1', 'sent'));
    const again = await openJournal(dir);
    expect(again.warnings).toEqual([]);
    expect(again.records).toEqual([letter('k1', 'sending'), letter('k1', 'sent')]);
    expect(await fs.readFile(`${file}.torn`, 'utf8')).toBe('{"v":1,"ty\n');
  });

  it('starts a new line when the file ends with a complete record but no newline', async () => {
    await writeJournal(JSON.stringify(letter('k1', 'sending')));
    const journal = await openJournal(dir);
    expect(journal.warnings).toEqual([]);
    await journal.append(letter('k1', 'sent'));
    expect((await openJournal(dir)).records).toEqual([letter('k1', 'sending'), letter('k1', 'sent')]);
  });

  it('refuses a journal with an unreadable line in the middle, naming the file and line number', async () => {
    const file = await writeJournal(
      `${JSON.stringify(letter('k1', 'sending'))}\n{"v":1,"ty\n${JSON.stringify(letter('k1', 'sent'))}\n`,
    );
    const error = await openJournal(dir).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InputError);
    expect((error as Error).message).toContain(`${file}: line 2`);
  });

  it('refuses a letter record with a missing field or an unknown state', async () => {
    const { messageId: _dropped, ...noMessageId } = letter('k1', 'sent');
    await writeJournal(`${JSON.stringify(noMessageId)}\n${JSON.stringify(letter('k2', 'sent'))}\n`);
    await expect(openJournal(dir)).rejects.toThrow(/line 1: a letter record without "messageId"/);
    await writeJournal(`${JSON.stringify(letter('k1', 'sent'))}\n${JSON.stringify({ ...letter('k2', 'sent'), state: 'bounced' })}\n`);
    await expect(openJournal(dir)).rejects.toThrow(/line 2: a letter record with unknown state "bounced"/);
  });

  it('refuses a letter record of a newer version rather than misread it', async () => {
    await writeJournal(`${JSON.stringify({ ...letter('k1', 'sent'), v: 2 })}\n`);
    await expect(openJournal(dir)).rejects.toThrow(/version 2/);
  });

  it('refuses to append an invalid record', async () => {
    const journal = await openJournal(dir);
    await expect(journal.append({ ...letter('k1', 'sent'), state: 'maybe' as LetterState })).rejects.toThrow(/invalid record/);
    expect(existsSync(journalPathOf(dir))).toBe(false);
  });

  it('tolerates blank lines and CRLF line ends from a hand edit', async () => {
    await writeJournal(`${JSON.stringify(letter('k1', 'sending'))}\r\n\r\n${JSON.stringify(letter('k1', 'sent'))}\r\n`);
    expect(letterStates(await openJournal(dir)).get('k1')).toBe('sent');
  });
});

describe('letterStates', () => {
  const resolution = (key: string, state: 'sent' | 'failed') => ({ v: 1 as const, type: 'resolution' as const, ts: '2024-06-01T09:00:00.000Z', key, state });

  it('gives each key the state of its last letter record, a lone sending being unknown', () => {
    const states = letterStates({
      records: [
        letter('a', 'sending'), letter('a', 'sent'),
        letter('b', 'sending'), letter('b', 'deferred'),
        letter('c', 'sending'),
        letter('d', 'sending'), letter('d', 'failed'),
        letter('e', 'sending'), letter('e', 'unknown'),
        letter('f', 'sending'), letter('f', 'deferred'), letter('f', 'sending'),
      ],
    });
    expect(Object.fromEntries(states)).toEqual({ a: 'sent', b: 'deferred', c: 'unknown', d: 'failed', e: 'unknown', f: 'unknown' });
  });

  it('lets a later resolution decide, and a later letter record override the resolution', () => {
    const states = letterStates({
      records: [
        letter('a', 'sending'), resolution('a', 'sent'),
        letter('b', 'unknown'), resolution('b', 'failed'),
        letter('c', 'unknown'), resolution('c', 'sent'), letter('c', 'sending'),
        resolution('nobody', 'sent'),
      ],
    });
    expect(Object.fromEntries(states)).toEqual({ a: 'sent', b: 'failed', c: 'unknown' });
  });
});

describe('lastLetter', () => {
  it('is the newest letter of the customer that was sent or is unknown; deferred and failed never count', () => {
    const journal = {
      records: [
        letter('k1', 'sent', { level: 1, asOf: '2024-05-01' }),
        letter('k2', 'sending', { level: 2, asOf: '2024-05-08' }),
        letter('k3', 'deferred', { level: 3, asOf: '2024-05-15' }),
        letter('k4', 'failed', { level: 3, asOf: '2024-05-16' }),
        letter('k5', 'sent', { level: 4, customerKey: 'OTHER', asOf: '2024-05-20' }),
        letter('k6', 'sent', { level: 4, currency: 'USD', asOf: '2024-05-20' }),
      ],
    };
    const last = lastLetter(journal, 'ACME', 'MXN');
    expect(last?.record.key).toBe('k2');
    expect(last?.state).toBe('unknown');
    expect(lastLetter(journal, 'ACME', 'USD')?.record.key).toBe('k6');
    expect(lastLetter(journal, 'NOBODY', 'MXN')).toBeNull();
  });

  it('does not count a letter resolved as failed, and counts one resolved as sent', () => {
    const journal = {
      records: [
        letter('k1', 'sent', { level: 1 }),
        letter('k2', 'unknown', { level: 2 }),
        { v: 1 as const, type: 'resolution' as const, ts: '2024-06-01T09:00:00.000Z', key: 'k2', state: 'failed' as const },
      ],
    };
    expect(lastLetter(journal, 'ACME', 'MXN')?.record.key).toBe('k1');
    const resolvedSent = { records: [...journal.records.slice(0, 2), { ...journal.records[2]!, state: 'sent' as const }] };
    const last = lastLetter(resolvedSent, 'ACME', 'MXN');
    expect(last?.record.key).toBe('k2');
    expect(last?.state).toBe('sent');
  });

  it('lists every letter of a customer once, oldest first, with its effective state', () => {
    const letters = customerLetters(
      { records: [letter('k1', 'sending'), letter('k2', 'sending'), letter('k1', 'sent'), letter('k2', 'deferred')] },
      'ACME',
      'MXN',
    );
    expect(letters.map((l) => [l.record.key, l.state])).toEqual([['k1', 'sent'], ['k2', 'deferred']]);
  });
});

describe('letterKey and messageIdFor', () => {
  const base = { customerKey: 'RFC:ACM010101AB1', currency: 'MXN', level: 2, asOf: '2024-05-31', invoices: ['B-7', 'A-0012', 'A-104'] };

  it('is the first 32 hex digits of the SHA-256 of the JSON array of the parts with sorted invoice numbers', () => {
    // Worked out independently of this code:
    // printf '%s' '["RFC:ACM010101AB1","MXN","2","2024-05-31",["A-0012","A-104","B-7"]]' | sha256sum | cut -c1-32
    expect(letterKey(base)).toBe('58e95e5b931193b1f259086d817ecc21');
  });

  it('does not depend on the order of the invoices or on how they are given', () => {
    const objects = [{ invoice: 'A-104' }, { invoice: 'B-7' }, { invoice: 'A-0012' }];
    expect(letterKey({ ...base, invoices: objects })).toBe(letterKey(base));
    expect(letterKey({ ...base, level: '2' })).toBe(letterKey(base));
  });

  it('changes with every part of the letter', () => {
    const key = letterKey(base);
    expect(letterKey({ ...base, customerKey: 'RFC:ACM010101AB2' })).not.toBe(key);
    expect(letterKey({ ...base, currency: 'USD' })).not.toBe(key);
    expect(letterKey({ ...base, level: 3 })).not.toBe(key);
    expect(letterKey({ ...base, asOf: '2024-06-01' })).not.toBe(key);
    expect(letterKey({ ...base, invoices: ['A-0012', 'A-104'] })).not.toBe(key);
    expect(letterKey({ ...base, invoices: ['A-12', 'A-104', 'B-7'] })).not.toBe(key); // leading zeros matter
  });

  it('builds the Message-ID from the key and the domain of the sender', () => {
    expect(messageIdFor('58e95e5b931193b1f259086d817ecc21', 'Cobranza@Ruiz.MX')).toBe('<58e95e5b931193b1f259086d817ecc21@ruiz.mx>');
  });
});
