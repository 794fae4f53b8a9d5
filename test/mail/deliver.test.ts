import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UsageError } from '../../src/errors.js';
import { deliverAll, type DeliveryProgress, type PlannedLetter } from '../../src/mail/deliver.js';
import {
  journalPathOf,
  letterKey,
  letterStates,
  messageIdFor,
  openJournal,
  type LetterRecord,
} from '../../src/mail/journal.js';
import { buildRawMessage, openSender, type Sender, type SmtpSettings } from '../../src/mail/smtp.js';
import { closedPort, smtpError, startSmtp, type Received, type TestSmtp } from './smtp-test-server.js';

let dir: string;
const cleanups: (() => Promise<void>)[] = [];
beforeEach(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dunning-deliver-'));
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await fs.rm(dir, { recursive: true, force: true });
});

const FROM = 'cobranza@ruiz.mx';
const AS_OF = '2024-05-31';

async function server(hooks: Parameters<typeof startSmtp>[0] = {}): Promise<TestSmtp> {
  const s = await startSmtp(hooks);
  cleanups.push(() => s.close());
  return s;
}

async function sender(port: number): Promise<Sender> {
  const settings: SmtpSettings = { host: '127.0.0.1', port, secure: false, requireTLS: false, ignoreTLS: true, auth: null, origin: 'test' };
  const s = await openSender(settings, { connectionTimeoutMs: 5000, greetingTimeoutMs: 5000, socketTimeoutMs: 5000 });
  cleanups.push(() => s.close());
  return s;
}

/** Letter n of a run: customer Cn, one invoice F-n, level 1. */
async function plan(n: number): Promise<PlannedLetter> {
  const customerKey = `C${n}`;
  const invoices = [{ invoice: `F-${n}`, dueDate: '2024-04-30', open: 1000 + n }];
  const key = letterKey({ customerKey, currency: 'MXN', level: 1, asOf: AS_OF, invoices });
  const messageId = messageIdFor(key, FROM);
  const to = [`pagos@cliente${n}.mx`];
  const raw = await buildRawMessage({
    from: { name: 'Cobranza Ruiz', address: FROM }, to, subject: `Factura F-${n} vencida`,
    text: `Factura F-${n}`, html: `<p>Factura F-${n}</p>`, messageId, date: new Date('2024-05-31T15:00:00Z'),
  });
  const record: PlannedLetter['record'] = {
    v: 1, type: 'letter', asOf: AS_OF, key, customerKey, customer: `Cliente ${n}`, currency: 'MXN', level: 1,
    invoices, amount: 1000 + n, to, messageId,
  };
  return { key, messageId, record, envelope: { from: FROM, to, cc: [], bcc: [] }, raw };
}

async function plans(count: number): Promise<PlannedLetter[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => plan(i + 1)));
}

/** How many times each Message-ID arrived, over every server of the test. */
function arrivals(...lists: readonly (readonly Received[])[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const r of lists.flat()) counts[r.mail.messageId ?? '?'] = (counts[r.mail.messageId ?? '?'] ?? 0) + 1;
  return counts;
}

const keysOf = (items: readonly { readonly letter: PlannedLetter }[]) => items.map((i) => i.letter.key);


describe('deliverAll', () => {
  it('sends each letter and journals "sending" before and the result after every attempt', async () => {
    const smtp = await server();
    const letters = await plans(2);
    const progress: DeliveryProgress[] = [];
    let clock = Date.parse('2024-05-31T15:00:00.000Z');
    const summary = await deliverAll(letters, {
      journal: await openJournal(dir), sender: await sender(smtp.port), resendUnknown: false,
      onProgress: (p) => progress.push(p), now: () => new Date((clock += 1000)),
    });
    expect(keysOf(summary.sent)).toEqual(letters.map((l) => l.key));
    expect(summary.stopped).toBeNull();
    const lines = (await fs.readFile(journalPathOf(dir), 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as LetterRecord);
    expect(lines.map((r) => [r.key, r.state, r.ts])).toEqual([
      [letters[0]!.key, 'sending', '2024-05-31T15:00:01.000Z'],
      [letters[0]!.key, 'sent', '2024-05-31T15:00:02.000Z'],
      [letters[1]!.key, 'sending', '2024-05-31T15:00:03.000Z'],
      [letters[1]!.key, 'sent', '2024-05-31T15:00:04.000Z'],
    ]);
    expect(lines[1]!.response).toMatch(/^250/);
    expect(lines[1]).toMatchObject({ customer: 'Cliente 1', amount: 1001, to: ['pagos@cliente1.mx'], messageId: letters[0]!.messageId });
    expect(progress.map((p) => [p.index, p.total, p.customer, p.outcome])).toEqual([
      [1, 2, 'Cliente 1', 'sent'],
      [2, 2, 'Cliente 2', 'sent'],
    ]);
  });

  it('sends nothing the second time the same letters are delivered with the same journal', async () => {
    const smtp = await server();
    const letters = await plans(3);
    const s = await sender(smtp.port);
    await deliverAll(letters, { journal: await openJournal(dir), sender: s, resendUnknown: false });
    // A new run: the journal is read again from disk.
    const second = await deliverAll(letters, { journal: await openJournal(dir), sender: s, resendUnknown: false });
    expect(second.sent).toEqual([]);
    expect(second.skipped.map((k) => [k.key, k.reason])).toEqual(letters.map((l) => [l.key, 'already-sent']));
    expect(arrivals(smtp.received)).toEqual(Object.fromEntries(letters.map((l) => [l.messageId, 1])));
  });

  it.each([
    ['451', 451, '4.7.1 Rate limit exceeded, try again later'],
    ['421', 421, '4.7.0 Too many messages, closing connection'],
  ])('after a server that answers %s from the third message on, a re-run delivers exactly the rest', async (_name, code, text) => {
    let transactions = 0;
    const sick = await server({
      onMailFrom: (_a, _s, cb) => {
        transactions += 1;
        cb();
      },
      onRcptTo: (_a, _s, cb) => (transactions >= 3 ? cb(smtpError(code, text)) : cb()),
    });
    const letters = await plans(5);
    const first = await deliverAll(letters, { journal: await openJournal(dir), sender: await sender(sick.port), resendUnknown: false });
    expect(keysOf(first.sent)).toEqual([letters[0]!.key, letters[1]!.key]);
    expect(keysOf(first.deferred)).toEqual([letters[2]!.key, letters[3]!.key, letters[4]!.key]);
    expect(first.deferred.every((d) => d.result.code === code)).toBe(true);

    const healthy = await server();
    const second = await deliverAll(letters, { journal: await openJournal(dir), sender: await sender(healthy.port), resendUnknown: false });
    expect(keysOf(second.sent)).toEqual([letters[2]!.key, letters[3]!.key, letters[4]!.key]);
    expect(second.skipped.map((k) => k.reason)).toEqual(['already-sent', 'already-sent']);
    expect(arrivals(sick.received, healthy.received)).toEqual(Object.fromEntries(letters.map((l) => [l.messageId, 1])));
  });

  it('stops at an unreachable server: the letter tried is deferred, the others not tried and not journaled', async () => {
    const letters = await plans(3);
    const summary = await deliverAll(letters, { journal: await openJournal(dir), sender: await sender(await closedPort()), resendUnknown: false });
    expect(keysOf(summary.deferred)).toEqual([letters[0]!.key]);
    expect(summary.notTried.map((l) => l.key)).toEqual([letters[1]!.key, letters[2]!.key]);
    expect(summary.stopped?.reason).toBe('unreachable');
    const journal = await openJournal(dir);
    expect(Object.fromEntries(letterStates(journal))).toEqual({ [letters[0]!.key]: 'deferred' });

    const healthy = await server();
    const retry = await deliverAll(letters, { journal, sender: await sender(healthy.port), resendUnknown: false });
    expect(keysOf(retry.sent)).toEqual(letters.map((l) => l.key));
  });

  it('does not re-send a letter whose outcome is unknown, unless told to, and then with the same Message-ID', async () => {
    let bodies = 0;
    const dropped: Received[] = [];
    const smtp = await server({
      afterData: (m) => {
        bodies += 1;
        if (bodies === 2) {
          dropped.push(m);
          return 'drop';
        }
        return undefined;
      },
    });
    const letters = await plans(3);
    const s = await sender(smtp.port);
    const first = await deliverAll(letters, { journal: await openJournal(dir), sender: s, resendUnknown: false });
    expect(keysOf(first.sent)).toEqual([letters[0]!.key, letters[2]!.key]);
    expect(keysOf(first.unknown)).toEqual([letters[1]!.key]);

    const plain = await deliverAll(letters, { journal: await openJournal(dir), sender: s, resendUnknown: false });
    expect(plain.sent).toEqual([]);
    expect(plain.skipped.map((k) => [k.key, k.reason])).toEqual([
      [letters[0]!.key, 'already-sent'],
      [letters[1]!.key, 'outcome-unknown'],
      [letters[2]!.key, 'already-sent'],
    ]);

    const resend = await deliverAll(letters, { journal: await openJournal(dir), sender: s, resendUnknown: true });
    expect(keysOf(resend.sent)).toEqual([letters[1]!.key]);
    // The copy the server got before the drop and the re-sent one carry the same Message-ID,
    // so the receiving side can tell them apart as one letter.
    expect(arrivals(dropped, smtp.received)).toEqual({
      [letters[0]!.messageId]: 1,
      [letters[1]!.messageId]: 2,
      [letters[2]!.messageId]: 1,
    });
  });

  it('treats a journal ending in "sending" (a crash mid-send) as unknown: not re-sent by a plain run', async () => {
    const letters = await plans(2);
    const [crashed, done] = letters as [PlannedLetter, PlannedLetter];
    await fs.mkdir(path.join(dir, '.dunning'));
    const line = (l: PlannedLetter, state: string) => JSON.stringify({ ...l.record, ts: '2024-05-31T15:00:00.000Z', state });
    await fs.writeFile(journalPathOf(dir), `${line(done, 'sending')}\n${line(done, 'sent')}\n${line(crashed, 'sending')}\n`);
    const smtp = await server();
    const s = await sender(smtp.port);

    const plain = await deliverAll(letters, { journal: await openJournal(dir), sender: s, resendUnknown: false });
    expect(plain.skipped.map((k) => [k.key, k.reason])).toEqual([
      [crashed.key, 'outcome-unknown'],
      [done.key, 'already-sent'],
    ]);
    expect(smtp.received).toHaveLength(0);

    const resend = await deliverAll(letters, { journal: await openJournal(dir), sender: s, resendUnknown: true });
    expect(keysOf(resend.sent)).toEqual([crashed.key]);
    expect(arrivals(smtp.received)).toEqual({ [crashed.messageId]: 1 });
    expect(letterStates(await openJournal(dir)).get(crashed.key)).toBe('sent');
  });

  it('skips a letter the bookkeeper resolved as sent', async () => {
    const [letter] = await plans(1);
    await fs.mkdir(path.join(dir, '.dunning'));
    await fs.writeFile(
      journalPathOf(dir),
      `${JSON.stringify({ ...letter!.record, ts: '2024-05-31T15:00:00.000Z', state: 'unknown' })}\n` +
        `${JSON.stringify({ v: 1, type: 'resolution', ts: '2024-06-01T09:00:00.000Z', key: letter!.key, state: 'sent', note: 'el cliente lo recibió' })}\n`,
    );
    const smtp = await server();
    const summary = await deliverAll([letter!], { journal: await openJournal(dir), sender: await sender(smtp.port), resendUnknown: true });
    expect(summary.skipped.map((k) => k.reason)).toEqual(['already-sent']);
    expect(smtp.received).toHaveLength(0);
  });

  it('does not retry a letter that failed with a 5xx', async () => {
    const refusing = await server({ onRcptTo: (_a, _s, cb) => cb(smtpError(550, '5.1.1 User unknown')) });
    const letters = await plans(1);
    const first = await deliverAll(letters, { journal: await openJournal(dir), sender: await sender(refusing.port), resendUnknown: false });
    expect(keysOf(first.failed)).toEqual([letters[0]!.key]);
    const healthy = await server();
    const second = await deliverAll(letters, { journal: await openJournal(dir), sender: await sender(healthy.port), resendUnknown: true });
    expect(second.skipped.map((k) => k.reason)).toEqual(['failed-before']);
    expect(healthy.received).toHaveLength(0);
  });

  it('stops the run on a configuration error: the current letter deferred, the rest not tried', async () => {
    let transactions = 0;
    const smtp = await server({
      onMailFrom: (_a, _s, cb) => (++transactions === 2 ? cb(smtpError(553, '5.7.1 Sender address rejected')) : cb()),
    });
    const letters = await plans(4);
    const summary = await deliverAll(letters, { journal: await openJournal(dir), sender: await sender(smtp.port), resendUnknown: false });
    expect(keysOf(summary.sent)).toEqual([letters[0]!.key]);
    expect(keysOf(summary.deferred)).toEqual([letters[1]!.key]);
    expect(summary.notTried.map((l) => l.key)).toEqual([letters[2]!.key, letters[3]!.key]);
    expect(summary.stopped?.reason).toBe('configuration');
    expect(summary.stopped?.error).toBeInstanceOf(UsageError);
    expect(summary.failed).toEqual([]);
    // Nothing is left "sending" (which would read as unknown and block the customer).
    expect(Object.fromEntries(letterStates(await openJournal(dir)))).toEqual({
      [letters[0]!.key]: 'sent',
      [letters[1]!.key]: 'deferred',
    });
  });

  it('refuses a plan with an injected address before sending or journaling anything', async () => {
    const smtp = await server();
    const good = await plan(1);
    const bad = await plan(2);
    const injected = { ...bad, envelope: { ...bad.envelope, to: ['cliente@x.com\r\nBcc: victim@y.org'] } };
    await expect(
      deliverAll([good, injected], { journal: await openJournal(dir), sender: await sender(smtp.port), resendUnknown: false }),
    ).rejects.toThrow(/invalid address/);
    expect(smtp.received).toHaveLength(0);
    expect((await openJournal(dir)).records).toEqual([]);
  });
});
