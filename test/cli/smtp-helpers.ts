// Helpers of the `remind` / `history` / `init` end-to-end tests: a real SMTP server (smtp-server on
// 127.0.0.1, port 0) whose arrivals are parsed with mailparser, with hooks that refuse a RCPT,
// stall in DATA or slow every message down; spawning the built CLI asynchronously (the server
// lives in this process, so spawnSync would deadlock it) with a handle to kill it; client
// folders with a CSV ledger and a config; and readers for the journal and the summary tables.
// Why a handle on the child: the crash test kills `remind --send` with SIGKILL while the server
// holds the 2nd message, to leave a `sending` record with no result behind.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import net, { type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser, type AddressObject, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { afterAll, afterEach } from 'vitest';

export const BIN = fileURLToPath(new URL('../../bin/dunning.js', import.meta.url));

// ---------------------------------------------------------------------------------------------
// The SMTP server

export interface Received {
  /** Envelope sender (MAIL FROM). */
  readonly from: string;
  /** Envelope recipients (RCPT TO), lower-cased. */
  readonly rcpt: readonly string[];
  readonly raw: Buffer;
  readonly mail: ParsedMail;
  /** `<key@domain>` as the message says. */
  readonly messageId: string;
  /** X-Dunning-Level header, or undefined. */
  readonly level: string | undefined;
  /** X-Dunning-Key header, or undefined. */
  readonly key: string | undefined;
  /** Addresses of the To header, lower-cased. */
  readonly toHeader: readonly string[];
}

/** What a hook answers: nothing (accept) or an SMTP error reply. */
export interface SmtpReply {
  readonly code: number;
  readonly text: string;
}

export interface SmtpOptions {
  /** Called for every RCPT TO with the 1-based number of the transaction (MAIL FROM) on this server. */
  readonly rcpt?: (address: string, transaction: number) => SmtpReply | void;
  /** Called when DATA starts; 'stall' keeps the message without ever answering. */
  readonly data?: (transaction: number, rcpt: readonly string[]) => 'stall' | void;
  /** Wait this long before answering each accepted message (to make runs overlap). */
  readonly delayMs?: number;
}

export interface TestSmtp {
  readonly port: number;
  /** `smtp://127.0.0.1:<port>` for DUNNING_SMTP_URL. */
  readonly url: string;
  /** Messages accepted (250 after DATA), in order. */
  readonly received: Received[];
  /** Number of MAIL FROM transactions started. */
  transactions(): number;
  /** Resolves with the recipients of the first message the server stalled on. */
  readonly stalled: Promise<readonly string[]>;
  close(): Promise<void>;
}

const openServers = new Set<TestSmtp>();

/** Every server started by a test is closed after it, even when the test failed. */
afterEach(async () => {
  const servers = [...openServers];
  openServers.clear();
  await Promise.all(servers.map((s) => s.close()));
});

export async function startSmtp(options: SmtpOptions = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const transactionOf = new WeakMap<SMTPServerSession, number>();
  let transactions = 0;
  let onStall: (rcpt: readonly string[]) => void = () => undefined;
  const stalled = new Promise<readonly string[]>((resolve) => {
    onStall = resolve;
  });
  const smtpError = (reply: SmtpReply): Error => Object.assign(new Error(reply.text), { responseCode: reply.code });

  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS', 'AUTH'],
    authOptional: true,
    // Short limits: a test must never wait on a dead session.
    socketTimeout: 10_000,
    closeTimeout: 1_000,
    onMailFrom(_address, session, callback) {
      transactions += 1;
      transactionOf.set(session, transactions);
      callback();
    },
    onRcptTo(address, session, callback) {
      const reply = options.rcpt?.(address.address.toLowerCase(), transactionOf.get(session) ?? 0);
      callback(reply ? smtpError(reply) : undefined);
    },
    onData(stream, session, callback) {
      const rcpt = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
      if (options.data?.(transactionOf.get(session) ?? 0, rcpt) === 'stall') {
        stream.resume(); // read the body, never answer
        onStall(rcpt);
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        simpleParser(raw).then(
          (mail) => {
            const header = (name: string): string | undefined => {
              const v = mail.headers.get(name);
              return v === undefined ? undefined : String(v);
            };
            received.push({
              from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
              rcpt,
              raw,
              mail,
              messageId: mail.messageId ?? '',
              level: header('x-dunning-level'),
              key: header('x-dunning-key'),
              toHeader: addressesOf(mail.to),
            });
            if (options.delayMs) setTimeout(() => callback(), options.delayMs);
            else callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  server.on('error', () => undefined); // a client killed mid-session makes the server emit errors
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address() as net.AddressInfo;
  let closing: Promise<void> | null = null;
  const smtp: TestSmtp = {
    port: address.port,
    url: `smtp://127.0.0.1:${address.port}`,
    received,
    transactions: () => transactions,
    stalled,
    close: () => {
      closing ??= new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      });
      openServers.delete(smtp);
      return closing;
    },
  };
  openServers.add(smtp);
  return smtp;
}

/** The addresses of a parsed To/Cc header, lower-cased. */
export function addressesOf(field: AddressObject | AddressObject[] | undefined): string[] {
  if (field === undefined) return [];
  const list = Array.isArray(field) ? field : [field];
  const out: string[] = [];
  const walk = (values: AddressObject['value']): void => {
    for (const v of values) {
      if (v.address) out.push(v.address.toLowerCase());
      if (v.group) walk(v.group);
    }
  };
  for (const f of list) walk(f.value);
  return out;
}

/** A port on 127.0.0.1 on which nothing listens. */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** How many times each Message-ID arrived, over one or several servers. */
export function countByMessageId(...servers: readonly TestSmtp[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const s of servers) for (const r of s.received) counts.set(r.messageId, (counts.get(r.messageId) ?? 0) + 1);
  return counts;
}

/** The one message that went to `address` (envelope), failing when there is none or several. */
export function messageTo(smtp: TestSmtp, address: string): Received {
  const found = smtp.received.filter((r) => r.rcpt.includes(address.toLowerCase()));
  if (found.length !== 1) throw new Error(`expected one message to ${address}, got ${found.length}`);
  return found[0]!;
}

// ---------------------------------------------------------------------------------------------
// Spawning the CLI

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** English, no colour, no SMTP settings from the developer's shell; `extra` adds or removes (undefined). */
export function cliEnv(extra: Readonly<Record<string, string | undefined>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1', LANG: 'en_US.UTF-8' };
  for (const k of ['FORCE_COLOR', 'LC_ALL', 'LC_MESSAGES', 'DUNNING_SMTP_URL', 'DUNNING_SMTP_USER', 'DUNNING_SMTP_PASS']) delete env[k];
  for (const [k, v] of Object.entries(extra)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

export interface RunningCli {
  readonly child: ChildProcess;
  readonly done: Promise<CliResult>;
}

/** Starts `node bin/dunning.js ...args` in `cwd` without waiting (stdin is not a TTY). */
export function spawnCli(args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: opts.cwd, env: opts.env ?? cliEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  const done = new Promise<CliResult>((resolve, reject) => {
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout!.on('data', (b: Buffer) => out.push(b));
    child.stderr!.on('data', (b: Buffer) => err.push(b));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') });
    });
  });
  return { child, done };
}

export function runCli(args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number }): Promise<CliResult> {
  return spawnCli(args, opts).done;
}

// ---------------------------------------------------------------------------------------------
// Client folders

/** The sender of every test config: Message-IDs end in @ruiz.mx. */
export const FROM = 'Cobranza Ruiz <cobranza@ruiz.mx>';

export interface Client {
  /** The client folder: ledger, config, .dunning/, reminders/. */
  readonly dir: string;
  /** Absolute path of the ledger. */
  readonly ledger: string;
  /** An empty folder to run the CLI in: proves nothing resolves against the current directory. */
  readonly cwd: string;
}

/** Temp folders of one test file, removed after its tests. */
export function clientFactory(prefix: string): (ledgerCsv: string, config?: Record<string, unknown> | null) => Promise<Client> {
  const made: string[] = [];
  afterAll(async () => {
    await Promise.all(made.map((d) => rm(d, { recursive: true, force: true })));
  });
  return async (ledgerCsv, config = {}) => {
    const root = await mkdtemp(join(tmpdir(), `dunning-e2e-${prefix}-`));
    made.push(root);
    const dir = join(root, 'cliente');
    const cwd = join(root, 'cwd');
    await mkdir(dir);
    await mkdir(cwd);
    const ledger = join(dir, 'ledger.csv');
    await writeFile(ledger, ledgerCsv);
    if (config !== null) {
      await writeFile(join(dir, 'dunning.config.json'), JSON.stringify({ from: FROM, lang: 'es', locale: 'es-MX', currency: 'MXN', ...config }, null, 2));
    }
    return { dir, ledger, cwd };
  };
}

/** A CSV ledger from rows (header first); cells are quoted, CRLF line ends. */
export function csv(rows: readonly (readonly string[])[]): string {
  return rows.map((r) => r.map((c) => `"${c.replace(/"/g, '""')}"`).join(',')).join('\r\n') + '\r\n';
}

export const LEDGER_HEADER = ['Cliente', 'Factura', 'Fecha', 'Vencimiento', 'Importe', 'En disputa', 'Correo'] as const;

// ---------------------------------------------------------------------------------------------
// The journal and the tables

export interface JournalLetter {
  readonly v: number;
  readonly type: string;
  readonly ts: string;
  readonly asOf: string;
  readonly key: string;
  readonly customerKey: string;
  readonly customer: string;
  readonly currency: string;
  readonly level: number | string;
  readonly invoices: readonly { readonly invoice: string; readonly dueDate: string; readonly open: number }[];
  readonly amount: number;
  readonly to: readonly string[];
  readonly messageId: string;
  readonly state: string;
  readonly error?: string;
}

export function journalPath(dir: string): string {
  return join(dir, '.dunning', 'journal.jsonl');
}

/** Every record of the client folder's journal (none when it does not exist). */
export function readJournal(dir: string): Record<string, unknown>[] {
  const file = journalPath(dir);
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

export function journalLetters(dir: string): JournalLetter[] {
  return readJournal(dir).filter((r) => r.type === 'letter') as unknown as JournalLetter[];
}

/** The last state journaled for every key (letter records only; resolutions not applied). */
export function lastStates(dir: string): Map<string, JournalLetter> {
  const out = new Map<string, JournalLetter>();
  for (const r of journalLetters(dir)) out.set(r.key, r);
  return out;
}

/**
 * The rows of a cli-table3 table as trimmed cells. A cell that wraps onto continuation lines (a
 * long status) is joined back into its row: a continuation line has an empty first cell.
 */
export function tableRows(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('│')) continue;
    const cells = line.split('│').slice(1, -1).map((c) => c.trim());
    if (cells.every((c) => c === '')) continue;
    const last = rows[rows.length - 1];
    if (cells[0] === '' && last) {
      cells.forEach((c, i) => {
        if (c !== '') last[i] = `${last[i] ?? ''} ${c}`.trim();
      });
    } else rows.push(cells);
  }
  return rows;
}

/** The table row of one customer (first cell), failing when absent or repeated. */
export function rowOf(rows: readonly string[][], customer: string): string[] {
  const found = rows.filter((r) => r[0] === customer);
  if (found.length !== 1) throw new Error(`expected one row for ${JSON.stringify(customer)}, got ${found.length}:\n${rows.map((r) => r.join(' | ')).join('\n')}`);
  return found[0]!;
}
