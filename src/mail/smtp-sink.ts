/**
 * A small SMTP server that accepts every message: the embedded mail server of `npm start` (it
 * stores each message as an .eml file under `data/mail/`) and the real SMTP peer of the tests.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: Buffer;
  receivedAt: Date;
}

export interface SmtpSinkOptions {
  /** 0 picks a free port. */
  port?: number;
  /** Directory to store `.eml` files in; undefined keeps messages in memory only. */
  directory?: string | undefined;
  /** Called for every accepted message. */
  onMail?: (mail: ReceivedMail) => void;
  /** When set, the sink refuses every message with a 451 (used to test SMTP outages). */
  refuse?: () => boolean;
}

export interface SmtpSink {
  port: number;
  url: string;
  messages: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: ReceivedMail[] = [];
  if (options.directory) mkdirSync(options.directory, { recursive: true });
  let counter = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if (options.refuse?.()) {
          callback(Object.assign(new Error('temporarily refusing mail'), { responseCode: 451 }));
          return;
        }
        const mail: ReceivedMail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((rcpt) => rcpt.address),
          raw: Buffer.concat(chunks),
          receivedAt: new Date(),
        };
        messages.push(mail);
        if (options.directory) {
          const name = `${mail.receivedAt.toISOString().replace(/[:.]/g, '-')}-${String(++counter).padStart(4, '0')}.eml`;
          writeFileSync(path.join(options.directory, name), mail.raw);
        }
        options.onMail?.(mail);
        callback();
      });
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      const address = server.server.address();
      resolve(typeof address === 'object' && address ? address.port : 0);
    });
  });
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    messages,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
