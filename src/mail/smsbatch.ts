// `remind --channel sms --send`: the "sender" of short messages is the batch file handed to an SMS
// or WhatsApp gateway. It plugs into the same journaled loop as email (mail/deliver.ts): the
// `sending` record is fsynced, then the message's row is appended to the batch and fsynced, then
// `sent` is journaled. A crash between the two leaves the row in the file and the letter
// `unknown` in the journal, so a re-run never writes it into a second batch (resolve it with
// `dunning history --resolve`). The file is created on the first row, never overwritten (a
// second run of the day writes a new file), so a batch already uploaded is never changed.
import { open, type FileHandle } from 'node:fs/promises';
import { basename } from 'node:path';
import { SMS_BATCH_HEADER } from '../letters/sms.js';
import type { OutgoingMessage, SendResult } from './smtp.js';

export interface SmsBatchSender {
  /** Appends the row (`raw`, one CSV line from smsBatchLine) to the batch; `sent` once it is on disk. */
  send(message: Pick<OutgoingMessage, 'raw'>): Promise<SendResult>;
  /** The rows written so far. */
  readonly rows: () => number;
  close(): Promise<void>;
}

/** A batch file at `path` (created exclusively when the first row comes). */
export function openSmsBatch(path: string): SmsBatchSender {
  let fd: FileHandle | null = null;
  let rows = 0;
  return {
    rows: () => rows,
    async send(message) {
      if (fd === null) {
        fd = await open(path, 'wx');
        await fd.write(SMS_BATCH_HEADER);
      }
      await fd.write(message.raw);
      await fd.sync();
      rows += 1;
      return { state: 'sent', response: `written to ${basename(path)}` };
    },
    async close() {
      const f = fd;
      fd = null;
      await f?.close();
    },
  };
}
