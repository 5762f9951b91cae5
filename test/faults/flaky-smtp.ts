/**
 * A real SMTP server that can go down and come back on the same port, keeping every message it
 * accepted across its lives: the SMTP side of the fault drills.
 */
import { startSmtpSink, type ReceivedMail, type SmtpSink } from '../../src/mail/smtp-sink';
import { freePort } from '../../src/temporal/dev-server';

export interface FlakySmtp {
  url: string;
  /** Every message accepted so far, in every life of the server. */
  messages: ReceivedMail[];
  /** Stops listening: connection attempts are refused until {@link up}. */
  down(): Promise<void>;
  up(): Promise<void>;
  close(): Promise<void>;
}

export async function startFlakySmtp(): Promise<FlakySmtp> {
  const port = await freePort();
  const messages: ReceivedMail[] = [];
  const start = () => startSmtpSink({ port, onMail: (mail) => messages.push(mail) });
  let sink: SmtpSink | undefined = await start();
  return {
    url: `smtp://127.0.0.1:${port}`,
    messages,
    async down() {
      await sink?.close();
      sink = undefined;
    },
    async up() {
      sink ??= await start();
    },
    async close() {
      await sink?.close();
      sink = undefined;
    },
  };
}

/** The Message-ID header of a raw message, as sent (`<…@…>`). */
export function messageIdOf(mail: ReceivedMail): string | undefined {
  const header = /^Message-ID:\s*(<[^>\r\n]+>)/im.exec(mail.raw.toString('utf8'));
  return header?.[1];
}
