// A real SMTP server for the mail tests: smtp-server on 127.0.0.1, port 0, with what arrived
// parsed by mailparser. Hooks let a test make the server refuse, defer or drop the connection
// at a chosen step. Nothing here imitates nodemailer.

import net, { type Socket } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerOptions, type SMTPServerSession } from 'smtp-server';

export interface Received {
  readonly from: string;
  readonly to: readonly string[];
  readonly raw: Buffer;
  readonly mail: ParsedMail;
}

export interface TestSmtp {
  readonly port: number;
  readonly received: Received[];
  /** Drops the TCP connection of a session at once (no reply). */
  dropSession(session: SMTPServerSession): void;
  close(): Promise<void>;
}

/** An error the server answers with: `smtpError(451, '4.3.0 try later')`. */
export function smtpError(code: number, text: string): Error & { responseCode: number } {
  return Object.assign(new Error(text), { responseCode: code });
}

export type ServerHooks = Pick<SMTPServerOptions, 'onAuth' | 'onMailFrom' | 'onRcptTo' | 'onConnect'> & {
  /** Runs after the whole message was read; return an error to refuse it, 'drop' to cut the connection. */
  readonly afterData?: (message: Received, session: SMTPServerSession) => Error | 'drop' | void;
  /** Runs on the first chunk of the message body; 'drop' cuts the connection in the middle of it. */
  readonly duringData?: (session: SMTPServerSession) => 'drop' | void;
  readonly options?: Partial<SMTPServerOptions>;
};

export async function startSmtp(hooks: ServerHooks = {}): Promise<TestSmtp> {
  const received: Received[] = [];
  const sockets = new Set<Socket>();
  const server: SMTPServer = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    authOptional: true,
    allowInsecureAuth: true,
    ...hooks.options,
    ...(hooks.onAuth ? { onAuth: hooks.onAuth } : {}),
    ...(hooks.onMailFrom ? { onMailFrom: hooks.onMailFrom } : {}),
    ...(hooks.onRcptTo ? { onRcptTo: hooks.onRcptTo } : {}),
    ...(hooks.onConnect ? { onConnect: hooks.onConnect } : {}),
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => {
        if (chunks.length === 0 && hooks.duringData?.(session) === 'drop') {
          dropSession(session);
          stream.resume();
          return;
        }
        chunks.push(chunk);
      });
      stream.on('end', () => {
        const raw = Buffer.concat(chunks);
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const to = session.envelope.rcptTo.map((r) => r.address);
        simpleParser(raw).then(
          (mail) => {
            const message: Received = { from, to, raw, mail };
            const verdict = hooks.afterData?.(message, session);
            if (verdict === 'drop') {
              // The whole body is in, the reply never leaves: the client cannot know.
              dropSession(session);
              return;
            }
            if (verdict instanceof Error) return callback(verdict);
            received.push(message);
            callback();
          },
          (err: Error) => callback(err),
        );
      });
    },
  });
  server.on('error', () => undefined); // a dropped session makes the server emit errors
  server.server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  const dropSession = (session: SMTPServerSession): void => {
    for (const socket of sockets) if (socket.remotePort === session.remotePort) socket.destroy();
  };
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    received,
    dropSession,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 on which nothing listens. */
export async function closedPort(): Promise<number> {
  const probe = net.createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', () => resolve()));
  const { port } = probe.address() as net.AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}
